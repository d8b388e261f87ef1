/**
 * Every chart of the lab, on recharts. This module is only ever imported lazily (charts/index.tsx), so
 * recharts stays out of the first screen's bundle.
 */
import type { ReactElement } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { duration, si } from "../format";
import { logBins, logDomain, logTicks } from "./bins";
import { type ChartColors, useChartColors } from "./colors";
import { useChartTable } from "./table";

/** Tick and label text in rem, so it grows with the page's type on large screens. */
const TICK_FONT = "0.8rem";

/** A chart's drawing area: its height comes from the stylesheet (taller on large screens). */
function ChartArea({ tall = false, children }: { tall?: boolean; children: ReactElement }) {
  return (
    <div className={tall ? "chart-area tall" : "chart-area"}>
      <ResponsiveContainer width="100%" height="100%">
        {children}
      </ResponsiveContainer>
    </div>
  );
}

function axisProps(c: ChartColors) {
  return { stroke: c.muted, tick: { fill: c.muted, fontSize: TICK_FONT }, tickLine: false };
}
/** A log-scaled runtime axis over `domain` (ns), labelled in readable durations. */
function runtimeAxisProps(c: ChartColors, domain: [number, number]) {
  return {
    ...axisProps(c),
    type: "number" as const,
    dataKey: "ns",
    scale: "log" as const,
    domain,
    ticks: logTicks(...domain),
    tickFormatter: duration,
    width: 70,
  };
}
function tooltipProps(c: ChartColors) {
  return {
    contentStyle: { background: c.bg, border: `1px solid ${c.line}`, borderRadius: 8, color: c.text },
    labelStyle: { color: c.muted },
    cursor: { stroke: c.line },
  };
}

export interface RuntimePoint {
  x: number;
  ns: number;
  /** The candidate's config, named in its tooltip. */
  label: string;
}

/** Each measured candidate's runtime against one parameter's value (log time axis). */
export function RuntimeByParam({
  points,
  param,
  values,
  bestNs,
  onOpen,
}: {
  points: RuntimePoint[];
  param: string;
  /** The parameter's whole domain, so the axis shows every value it can take. */
  values: readonly number[];
  bestNs: number | null;
  /** A point was clicked: the index of its candidate in `points`. */
  onOpen?(index: number): void;
}) {
  const c = useChartColors();
  useChartTable({ columns: [param, "runtime_ns", "config"], rows: points.map((p) => [p.x, p.ns, p.label]) });
  const positive = values.every((v) => v > 0);
  const y = logDomain(points.map((p) => p.ns));
  return (
    <ChartArea>
      <ScatterChart margin={{ top: 8, right: 16, bottom: 24, left: 8 }}>
        <CartesianGrid stroke={c.line} />
        <XAxis
          {...axisProps(c)}
          type="number"
          dataKey="x"
          name={param}
          scale={positive ? "log" : "linear"}
          domain={positive ? [Math.min(...values) / 1.4, Math.max(...values) * 1.4] : ["auto", "auto"]}
          ticks={[...values]}
          label={{ value: param, position: "insideBottom", offset: -12, fill: c.muted }}
        />
        <YAxis {...runtimeAxisProps(c, y)} name="runtime" />
        <Tooltip
          {...tooltipProps(c)}
          content={({ payload }) => (
            <RuntimeTooltip shown={payload?.[0]?.payload} colors={c} opens={!!onOpen} />
          )}
        />
        {bestNs !== null && <ReferenceLine y={bestNs} stroke={c.accent} strokeDasharray="4 4" />}
        <Scatter
          data={points}
          fill={c.violet}
          fillOpacity={0.7}
          isAnimationActive={false}
          cursor={onOpen ? "pointer" : undefined}
          onClick={(_, index) => onOpen?.(index)}
        />
      </ScatterChart>
    </ChartArea>
  );
}

/** A candidate under the pointer: its full config and runtime, and what a click does. */
export function RuntimeTooltip({
  shown,
  colors,
  opens,
}: {
  shown: RuntimePoint | undefined;
  colors: ChartColors;
  opens: boolean;
}) {
  if (!shown) return null;
  return (
    <div className="chart-tooltip" style={tooltipProps(colors).contentStyle}>
      <div className="mono">{shown.label}</div>
      <div>{duration(shown.ns)}</div>
      {opens && <div className="muted">Click to open its WGSL in Explore</div>}
    </div>
  );
}

/** The best runtime found after each candidate: how fast the strategy closes in. */
export function BestSoFar({ series }: { series: { name: string; points: { i: number; ns: number }[] }[] }) {
  const c = useChartColors();
  useChartTable({
    columns: ["series", "candidates_measured", "best_runtime_ns"],
    rows: series.flatMap((s) => s.points.map((p) => [s.name, p.i, p.ns])),
  });
  const palette = [c.accent, c.violet, c.amber, c.rose];
  const bestDomain = logDomain(series.flatMap((s) => s.points.map((p) => p.ns)));
  return (
    <ChartArea>
      <LineChart margin={{ top: 8, right: 16, bottom: 24, left: 8 }}>
        <CartesianGrid stroke={c.line} />
        <XAxis
          {...axisProps(c)}
          type="number"
          dataKey="i"
          domain={[1, "dataMax"]}
          allowDecimals={false}
          label={{ value: "candidates measured", position: "insideBottom", offset: -12, fill: c.muted }}
        />
        <YAxis {...runtimeAxisProps(c, bestDomain)} />
        <Tooltip
          {...tooltipProps(c)}
          formatter={(v) => duration(Number(v))}
          labelFormatter={(i) => `after ${i} candidates`}
        />
        {series.length > 1 && <Legend />}
        {series.map((s, k) => (
          <Line
            key={s.name}
            name={s.name}
            data={s.points}
            dataKey="ns"
            type="stepAfter"
            stroke={palette[k % palette.length]}
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ChartArea>
  );
}

/** How the measured runtimes spread: log-spaced bins, so a few slow outliers don't flatten the rest. */
export function RuntimeHistogram({ runtimesNs }: { runtimesNs: number[] }) {
  const c = useChartColors();
  const bins = logBins(runtimesNs, 16);
  useChartTable({
    columns: ["from_ns", "to_ns", "candidates"],
    rows: bins.map((b) => [b.from, b.to, b.count]),
  });
  return (
    <ChartArea>
      <BarChart data={bins} margin={{ top: 8, right: 16, bottom: 24, left: 8 }} barCategoryGap={1}>
        <CartesianGrid stroke={c.line} vertical={false} />
        <XAxis
          {...axisProps(c)}
          dataKey="label"
          interval="preserveStartEnd"
          label={{ value: "runtime", position: "insideBottom", offset: -12, fill: c.muted }}
        />
        <YAxis {...axisProps(c)} allowDecimals={false} width={40} />
        <Tooltip {...tooltipProps(c)} formatter={(v) => [`${v} candidates`, "count"]} />
        <Bar dataKey="count" fill={c.accent} isAnimationActive={false} radius={[3, 3, 0, 0]} />
      </BarChart>
    </ChartArea>
  );
}

export interface RooflinePoint {
  /** FLOP per byte moved (compulsory traffic: each tensor read or written once). */
  intensity: number;
  gflops: number;
  /** The problem's text form. */
  problem: string;
  /** The family and config that ran it, as text. */
  kernel: string;
  family: string;
  config: Record<string, number>;
}

/**
 * The roofline: attainable GFLOP/s = min(peak, bandwidth x intensity), log-log, with measured kernels
 * as points. The ridge is where a kernel stops being memory-bound.
 */
export function Roofline({
  peakGflops,
  bandwidthGBps,
  matrixGflops,
  points,
  onOpen,
  overlay,
}: {
  peakGflops: number;
  bandwidthGBps: number;
  /** The subgroup matrices' (tensor cores') f16 peak, when the GPU has them: a third roof above the FMA one. */
  matrixGflops?: number;
  points: RooflinePoint[];
  /** A kernel was clicked. */
  onOpen?(point: RooflinePoint): void;
  /** A second GPU drawn over this one (its roof dashed), e.g. the recorded one; the chart then has a legend. */
  overlay?: { name: string; peakGflops: number; bandwidthGBps: number; points: RooflinePoint[] };
}) {
  const c = useChartColors();
  const devices = [{ name: "this GPU", peakGflops, bandwidthGBps, points }, ...(overlay ? [overlay] : [])];
  useChartTable({
    columns: ["gpu", "problem", "kernel", "flop_per_byte", "gflop_per_s"],
    rows: devices.flatMap((d) => d.points.map((p) => [d.name, p.problem, p.kernel, p.intensity, p.gflops])),
  });
  const ridges = devices.map((d) => d.peakGflops / d.bandwidthGBps);
  const xs = devices.flatMap((d) => d.points.map((p) => p.intensity));
  const xMin = Math.min(...ridges.map((r) => r / 64), ...xs) / 2;
  const xMax = Math.max(...ridges.map((r) => r * 16), ...xs) * 2;
  const roofOf = (d: (typeof devices)[number]) =>
    [xMin, d.peakGflops / d.bandwidthGBps, xMax].map((x) => ({
      intensity: x,
      roof: Math.min(d.peakGflops, d.bandwidthGBps * x),
    }));
  const yMin =
    Math.min(
      ...devices.map((d) => d.bandwidthGBps * xMin),
      ...devices.flatMap((d) => d.points.map((p) => p.gflops)),
    ) / 1.5;
  const yMax = Math.max(...devices.map((d) => d.peakGflops), matrixGflops ?? 0) * 2;
  const named = (name: string) => (overlay ? `${name}: ` : "");
  const matrixRoof = matrixGflops
    ? [xMin, matrixGflops / bandwidthGBps, xMax].map((x) => ({
        intensity: x,
        roof: Math.min(matrixGflops, bandwidthGBps * x),
      }))
    : null;
  return (
    <ChartArea tall>
      <ComposedChart margin={{ top: 16, right: 24, bottom: 24, left: 8 }}>
        <CartesianGrid stroke={c.line} />
        <XAxis
          {...axisProps(c)}
          type="number"
          dataKey="intensity"
          scale="log"
          domain={[xMin, xMax]}
          ticks={logTicks(xMin, xMax, 8)}
          tickFormatter={(v) => si(Number(v), "", 2)}
          label={{ value: "FLOP per byte", position: "insideBottom", offset: -12, fill: c.muted }}
          allowDataOverflow
        />
        <YAxis
          {...axisProps(c)}
          type="number"
          scale="log"
          domain={[yMin, yMax]}
          ticks={logTicks(yMin, yMax, 6)}
          tickFormatter={(v) => si(Number(v) * 1e9, "", 2)}
          label={{ value: "FLOP/s", angle: -90, position: "insideLeft", fill: c.muted }}
          width={70}
          allowDataOverflow
        />
        <Tooltip
          {...tooltipProps(c)}
          content={({ payload }) => <RooflineTooltip shown={payload?.[0]?.payload} colors={c} />}
        />
        {(overlay || matrixRoof) && <Legend verticalAlign="top" height={28} />}
        {devices.map((d, i) => (
          <Line
            key={`roof-${d.name}`}
            data={roofOf(d)}
            dataKey="roof"
            name={`${named(d.name)}attainable`}
            stroke={i ? c.violet : c.amber}
            strokeWidth={2}
            strokeDasharray={i ? "6 4" : undefined}
            dot={false}
            isAnimationActive={false}
            legendType={overlay ? "line" : "none"}
          />
        ))}
        {matrixRoof && (
          <Line
            data={matrixRoof}
            dataKey="roof"
            name="tensor cores (f16 subgroup matrices)"
            stroke={c.rose}
            strokeWidth={2}
            strokeDasharray="2 3"
            dot={false}
            isAnimationActive={false}
            legendType="line"
          />
        )}
        {devices.map((d, i) => (
          <Scatter
            key={`kernels-${d.name}`}
            data={d.points}
            dataKey="gflops"
            name={`${named(d.name)}measured kernels`}
            fill={i ? c.violet : c.accent}
            isAnimationActive={false}
            legendType={overlay ? "circle" : "none"}
            // This GPU's kernels open in Explore; another GPU's configs may not fit this one's limits.
            cursor={onOpen && i === 0 ? "pointer" : undefined}
            onClick={(_, index) => {
              const point = d.points[index];
              if (point && i === 0) onOpen?.(point);
            }}
          />
        ))}
      </ComposedChart>
    </ChartArea>
  );
}

/**
 * What the pointer is on: a kernel (its problem, family and config, the FLOP/byte and the FLOP/s it
 * reached) or the roof (the FLOP/s attainable at that FLOP/byte).
 */
export function RooflineTooltip({
  shown,
  colors,
}: {
  shown: RooflinePoint | { intensity: number; roof: number } | undefined;
  colors: ChartColors;
}) {
  if (!shown) return null;
  const intensity = `${si(shown.intensity, "", 3)} FLOP/byte`;
  return (
    <div className="chart-tooltip" style={tooltipProps(colors).contentStyle}>
      {"problem" in shown ? (
        <>
          <div className="mono">{shown.problem}</div>
          <div className="mono">{shown.kernel}</div>
          <div>
            {si(shown.gflops * 1e9, "FLOP/s")} at {intensity}
          </div>
        </>
      ) : (
        <div>
          attainable {si(shown.roof * 1e9, "FLOP/s")} at {intensity}
        </div>
      )}
    </div>
  );
}

/** Training curves: loss (left axis) and accuracy (right axis) per epoch. */
export function TrainingCurves({
  epochs,
}: {
  epochs: { epoch: number; loss: number; valLoss?: number; accuracy?: number; valAccuracy?: number }[];
}) {
  const c = useChartColors();
  useChartTable({
    columns: ["epoch", "loss", "validation_loss", "accuracy", "validation_accuracy"],
    rows: epochs.map((e) => [e.epoch, e.loss, e.valLoss, e.accuracy, e.valAccuracy]),
  });
  return (
    <ChartArea>
      <LineChart data={epochs} margin={{ top: 8, right: 8, bottom: 24, left: 8 }}>
        <CartesianGrid stroke={c.line} />
        <XAxis
          {...axisProps(c)}
          dataKey="epoch"
          type="number"
          domain={[1, "dataMax"]}
          allowDecimals={false}
          label={{ value: "epoch", position: "insideBottom", offset: -12, fill: c.muted }}
        />
        <YAxis {...axisProps(c)} yAxisId="loss" width={50} tickFormatter={(v) => Number(v).toPrecision(2)} />
        <YAxis
          {...axisProps(c)}
          yAxisId="accuracy"
          orientation="right"
          domain={[0, 1]}
          width={44}
          tickFormatter={(v) => `${Math.round(Number(v) * 100)}%`}
        />
        <Tooltip
          {...tooltipProps(c)}
          formatter={(v, name) => [
            String(name).includes("accuracy") ? `${(Number(v) * 100).toFixed(1)}%` : Number(v).toPrecision(4),
            String(name),
          ]}
        />
        <Legend verticalAlign="top" height={28} />
        {/* One colour per curve (the legend names them), and the validation loss dashed too for who cannot tell colours apart. */}
        <Line
          yAxisId="loss"
          dataKey="loss"
          name="loss"
          stroke={c.violet}
          strokeWidth={2}
          dot={false}
          isAnimationActive={false}
        />
        <Line
          yAxisId="loss"
          dataKey="valLoss"
          name="validation loss"
          stroke={c.amber}
          strokeWidth={2}
          strokeDasharray="4 3"
          dot={false}
          isAnimationActive={false}
        />
        {epochs.some((e) => e.accuracy !== undefined) && (
          <Line
            yAxisId="accuracy"
            dataKey="accuracy"
            name="accuracy"
            stroke={c.rose}
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
        )}
        <Line
          yAxisId="accuracy"
          dataKey="valAccuracy"
          name="validation accuracy"
          stroke={c.accent}
          strokeWidth={2}
          dot={false}
          isAnimationActive={false}
        />
      </LineChart>
    </ChartArea>
  );
}

export interface CandidatePoint {
  rank: number;
  score: number;
  ns: number;
}

/** The beam's candidates: model score against measured runtime, with the best measured config and tfjs as lines. */
export function ScoreVsRuntime({
  points,
  bestNs,
  tfjsNs,
}: {
  points: CandidatePoint[];
  bestNs: number | null;
  tfjsNs: number | null;
}) {
  const c = useChartColors();
  useChartTable({
    columns: ["rank", "score", "runtime_ns"],
    rows: points.map((p) => [p.rank, p.score, p.ns]),
  });
  // The reference lines must fit too, or recharts drops them.
  const y = logDomain([...points.map((p) => p.ns), ...(bestNs ? [bestNs] : []), ...(tfjsNs ? [tfjsNs] : [])]);
  return (
    <ChartArea>
      <ScatterChart margin={{ top: 8, right: 110, bottom: 24, left: 8 }}>
        <CartesianGrid stroke={c.line} />
        <XAxis
          {...axisProps(c)}
          type="number"
          dataKey="score"
          name="model score"
          domain={["auto", "auto"]}
          tickFormatter={(v) => Number(v).toFixed(2)}
          label={{
            value: "model score (log-probability)",
            position: "insideBottom",
            offset: -12,
            fill: c.muted,
          }}
        />
        <YAxis {...runtimeAxisProps(c, y)} name="runtime" />
        <Tooltip
          {...tooltipProps(c)}
          formatter={(v, name) => (name === "runtime" ? duration(Number(v)) : Number(v).toFixed(3))}
        />
        {bestNs !== null && (
          <ReferenceLine
            y={bestNs}
            stroke={c.accent}
            strokeDasharray="5 4"
            label={{ value: "best measured", fill: c.accent, position: "right", fontSize: TICK_FONT }}
          />
        )}
        {tfjsNs !== null && (
          <ReferenceLine
            y={tfjsNs}
            stroke={c.amber}
            strokeDasharray="5 4"
            label={{ value: "tfjs conv2d", fill: c.amber, position: "right", fontSize: TICK_FONT }}
          />
        )}
        <Scatter data={points} fill={c.violet} isAnimationActive={false} />
      </ScatterChart>
    </ChartArea>
  );
}

/** One strategy's curve: best / best so far (the median over problems) after each measurement. */
export interface CostCurve {
  name: string;
  median: number[];
}

/**
 * Tuning cost: each strategy's median best-so-far as a share of the best against measurements (log
 * axis: the first few matter most). Colour and dash both tell the strategies apart.
 */
export function TuningCost({ curves }: { curves: CostCurve[] }) {
  const c = useChartColors();
  const strokes = [
    { stroke: c.accent, dash: undefined },
    { stroke: c.violet, dash: "6 3" },
    { stroke: c.amber, dash: "2 3" },
    { stroke: c.rose, dash: "8 3 2 3" },
    { stroke: c.muted, dash: "1 4" },
  ];
  const length = Math.max(0, ...curves.map((curve) => curve.median.length));
  const rows = Array.from({ length }, (_, i) => ({
    n: i + 1,
    ...Object.fromEntries(curves.map((curve) => [curve.name, curve.median[i] ?? null])),
  }));
  useChartTable({
    columns: ["measurements", ...curves.map((curve) => `${curve.name}_fraction_of_best`)],
    rows: rows.map((row) => [
      row.n,
      ...curves.map((curve) => (row as Record<string, number | null>)[curve.name]),
    ]),
  });
  return (
    <ChartArea>
      <LineChart data={rows} margin={{ top: 8, right: 8, bottom: 24, left: 8 }}>
        <CartesianGrid stroke={c.line} />
        <XAxis
          {...axisProps(c)}
          dataKey="n"
          type="number"
          scale="log"
          domain={[1, Math.max(2, length)]}
          ticks={logTicks(1, Math.max(2, length))}
          allowDecimals={false}
          label={{ value: "measurements", position: "insideBottom", offset: -12, fill: c.muted }}
        />
        <YAxis
          {...axisProps(c)}
          domain={[0, 1]}
          width={48}
          tickFormatter={(v) => `${Math.round(Number(v) * 100)}%`}
        />
        <Tooltip
          {...tooltipProps(c)}
          labelFormatter={(n) => `after ${n} measurements`}
          formatter={(v, name) => [`${(Number(v) * 100).toFixed(1)}% of the best`, String(name)]}
        />
        <Legend verticalAlign="top" height={28} />
        <ReferenceLine y={0.95} stroke={c.line} strokeDasharray="3 3" />
        {curves.map((curve, i) => {
          const style = strokes[i % strokes.length] ?? strokes[0];
          return (
            <Line
              key={curve.name}
              dataKey={curve.name}
              name={curve.name}
              stroke={style?.stroke}
              strokeDasharray={style?.dash}
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
          );
        })}
      </LineChart>
    </ChartArea>
  );
}
