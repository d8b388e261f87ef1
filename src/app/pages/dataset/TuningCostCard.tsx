import { useState } from "react";
import type { StrategyCurve } from "../../../core/search/curve";
import { ChartBox, TuningCost } from "../../charts";
import { Callout, Card, GuardedButton } from "../../components/ui";
import { useLab } from "../../store";

/** The lab's replay: fewer seeds and measurements than the CLI's defaults, so it takes seconds in a tab. */
const REPLAY = { width: 8, seeds: 3, max: 300 };

const measurements = (n: number | null | undefined) =>
  n == null ? `more than ${REPLAY.max}` : String(Math.round(n * 10) / 10);

/** "model-guided needed 2 measurements to come within 95% of the best, random needed 40." */
export function costReading(curves: readonly StrategyCurve[]): string {
  const first = curves[0];
  const random = curves.find((c) => c.name === "random");
  if (!first || !random) return "";
  return `${first.name} needed ${measurements(first.reach[1])} measurements to come within 95% of the best kernel, random needed ${measurements(random.reach[1])} (medians over ${first.problems.length === 1 ? "the one problem" : `the ${first.problems.length} problems`}).`;
}

type Replay =
  | { state: "idle" }
  | { state: "running" }
  | { state: "done"; curves: StrategyCurve[] }
  | { state: "failed"; message: string };

/**
 * Tuning cost on the shipped exhaustive recording: the strategies of the CLI's `curve`, replayed in the
 * model's Worker with the recorded model ranking.
 */
export function TuningCostCard() {
  const demoData = useLab((s) => s.demoData);
  const engines = useLab((s) => s.engines);
  const [replay, setReplay] = useState<Replay>({ state: "idle" });
  if (demoData.state !== "available" || !demoData.recording.exhaustive) return null;
  const { recording, base } = demoData;
  const file = recording.exhaustive as string;

  const run = async () => {
    setReplay({ state: "running" });
    try {
      const response = await fetch(`${base}${file}`);
      if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
      const modelUrl = recording.model
        ? new URL(`${base}${recording.model}`, window.location.href).href
        : undefined;
      // The file's bytes as they came (gzip-compressed as the demo ships it): the Worker inflates and reads them.
      const curves = await engines.modelEngine().tuningCost({
        recording: new Uint8Array(await response.arrayBuffer()),
        ...(modelUrl ? { modelUrl } : {}),
        ...REPLAY,
      });
      setReplay({ state: "done", curves });
    } catch (error) {
      setReplay({ state: "failed", message: (error as Error).message });
    }
  };

  return (
    <Card
      title="How many measurements to find the best kernel"
      className="span-2"
      subtitle="Every valid implicit-GEMM config of resnet50's 23 layers (NHWC, batch 32 and 1), and every valid split-K config of three 3x3 layers at batch 1, measured on an NVIDIA H200. Replaying those times, each search strategy's best so far is shown as a share of the true best, after each measurement."
      actions={
        <GuardedButton blockedBy={null} busy={replay.state === "running"} onClick={run}>
          {replay.state === "done" ? "Replay again" : "Replay the strategies"}
        </GuardedButton>
      }
    >
      {replay.state === "failed" && (
        <Callout tone="bad" title="The replay failed">
          {replay.message}
        </Callout>
      )}
      {replay.state === "running" && (
        <p className="muted">Replaying {REPLAY.seeds} seeds of every strategy…</p>
      )}
      {replay.state === "done" && (
        <>
          <ChartBox caption="How many measurements to find the best kernel" testId="tuning-cost-chart">
            <TuningCost curves={replay.curves.map((c) => ({ name: c.name, median: c.median }))} />
          </ChartBox>
          <p data-testid="tuning-cost-reading">{costReading(replay.curves)}</p>
          <p className="muted">
            Medians over the problems and {REPLAY.seeds} seeds, up to {REPLAY.max} measurements; the dashed
            line is 95%. Model-guided measures the recorded model's top {REPLAY.width} configs first; that
            model was trained on H100 records of resnet50, so 37 of these 46 layers were in its training data
            (its held-out fifth held the other 9): curves on unseen networks need a model trained on others.
            Transfer tries the {REPLAY.width} fastest configs of the most similar other problem first;
            most-frequent, the {REPLAY.width} configs that were fastest on the most other problems.
          </p>
        </>
      )}
    </Card>
  );
}
