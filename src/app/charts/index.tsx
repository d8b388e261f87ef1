import { lazy, type ReactNode, Suspense } from "react";

// recharts loads on first use: every chart here is a lazy component; render them inside <ChartBox>.
const charts = () => import("./Charts");
export const RuntimeByParam = lazy(() => charts().then((m) => ({ default: m.RuntimeByParam })));
export const BestSoFar = lazy(() => charts().then((m) => ({ default: m.BestSoFar })));
export const RuntimeHistogram = lazy(() => charts().then((m) => ({ default: m.RuntimeHistogram })));
export const Roofline = lazy(() => charts().then((m) => ({ default: m.Roofline })));
export const TrainingCurves = lazy(() => charts().then((m) => ({ default: m.TrainingCurves })));
export const ScoreVsRuntime = lazy(() => charts().then((m) => ({ default: m.ScoreVsRuntime })));
export type { CandidatePoint, RooflinePoint, RuntimePoint } from "./Charts";

/** A chart's frame: a figure with a caption, holding its place while recharts loads. */
export function ChartBox({
  caption,
  children,
  testId,
}: {
  caption: string;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <figure className="chart-figure" data-testid={testId}>
      <figcaption className="chart-caption">{caption}</figcaption>
      <Suspense fallback={<div className="chart-box" aria-busy="true" />}>{children}</Suspense>
    </figure>
  );
}
