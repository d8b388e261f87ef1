import { lazy, type ReactNode, Suspense, useRef, useState } from "react";
import { downloadFile } from "../download";
import { standaloneSvg, svgSize, svgToPng } from "./image";
import { type ChartTable, ChartTableSink, chartTableCsv } from "./table";

// recharts loads on first use: every chart here is a lazy component; render them inside <ChartBox>.
const charts = () => import("./Charts");
export const RuntimeByParam = lazy(() => charts().then((m) => ({ default: m.RuntimeByParam })));
export const BestSoFar = lazy(() => charts().then((m) => ({ default: m.BestSoFar })));
export const RuntimeHistogram = lazy(() => charts().then((m) => ({ default: m.RuntimeHistogram })));
export const Roofline = lazy(() => charts().then((m) => ({ default: m.Roofline })));
export const TrainingCurves = lazy(() => charts().then((m) => ({ default: m.TrainingCurves })));
export const ScoreVsRuntime = lazy(() => charts().then((m) => ({ default: m.ScoreVsRuntime })));
export const TuningCost = lazy(() => charts().then((m) => ({ default: m.TuningCost })));
export type { CandidatePoint, CostCurve, RooflinePoint, RuntimePoint } from "./Charts";

/** A chart's frame: a figure with a caption and its export menu, holding its place while recharts loads. */
export function ChartBox({
  caption,
  children,
  testId,
}: {
  caption: string;
  children: ReactNode;
  testId?: string;
}) {
  const figure = useRef<HTMLElement>(null);
  const table = useRef<ChartTable | null>(null);
  return (
    <figure className="chart-figure" data-testid={testId} ref={figure}>
      <div className="chart-head">
        <figcaption className="chart-caption">{caption}</figcaption>
        <ChartExport caption={caption} figure={figure} table={table} />
      </div>
      <ChartTableSink.Provider value={table}>
        <Suspense fallback={<div className="chart-box" aria-busy="true" />}>{children}</Suspense>
      </ChartTableSink.Provider>
    </figure>
  );
}

/** "Runtime of each candidate by BM" -> "tunelab-runtime-of-each-candidate-by-bm". */
export function chartFileName(caption: string): string {
  const slug = caption
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  return `tunelab-${slug || "chart"}`;
}

/** One menu per chart: the drawing as PNG or SVG, what it plots as CSV. */
function ChartExport({
  caption,
  figure,
  table,
}: {
  caption: string;
  figure: React.RefObject<HTMLElement | null>;
  table: React.RefObject<ChartTable | null>;
}) {
  const [failure, setFailure] = useState<string | null>(null);
  const name = chartFileName(caption);
  /** The chart's own surface (legend swatches are small SVGs of their own). */
  const drawn = () => {
    const svg = figure.current?.querySelector<SVGSVGElement>(".recharts-wrapper > svg.recharts-surface");
    if (!svg || !figure.current) return null;
    const style = getComputedStyle(figure.current);
    const background = getComputedStyle(document.documentElement).getPropertyValue("--bg-raised").trim();
    return { svg, text: standaloneSvg(svg, background || "white", style.fontFamily) };
  };
  const run = (action: () => Promise<void> | void) => async () => {
    setFailure(null);
    try {
      await action();
    } catch (error) {
      setFailure(`Export failed: ${(error as Error).message}`);
    }
  };
  const noChart = () => new Error("the chart is not drawn yet");
  return (
    <details className="chart-export">
      <summary aria-label={`Export ${caption}`}>Export</summary>
      <div className="chart-export-menu">
        <button
          type="button"
          className="button secondary small"
          onClick={run(async () => {
            const chart = drawn();
            if (!chart) throw noChart();
            const { width, height } = svgSize(chart.svg);
            downloadFile(await svgToPng(chart.text, width, height), `${name}.png`, "image/png");
          })}
        >
          PNG
        </button>
        <button
          type="button"
          className="button secondary small"
          onClick={run(() => {
            const chart = drawn();
            if (!chart) throw noChart();
            downloadFile(chart.text, `${name}.svg`, "image/svg+xml");
          })}
        >
          SVG
        </button>
        <button
          type="button"
          className="button secondary small"
          onClick={run(() => {
            if (!table.current) throw new Error("the chart has no data yet");
            downloadFile(chartTableCsv(table.current), `${name}.csv`, "text/csv");
          })}
        >
          CSV
        </button>
      </div>
      {failure && (
        <p role="alert" className="field-error">
          {failure}
        </p>
      )}
    </details>
  );
}
