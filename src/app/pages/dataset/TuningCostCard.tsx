import { useEffect, useState } from "react";
import type { StrategyCurve } from "../../../core/search/curve";
import { problemsBySuite, SUITES, type SuiteProblems } from "../../../core/suites";
import { ChartBox, TuningCost } from "../../charts";
import { Callout, Card, GuardedButton } from "../../components/ui";
import { useLab } from "../../store";

/** The lab's replay: fewer seeds and measurements than the CLI's defaults, so it takes seconds in a tab. */
const REPLAY = { width: 8, seeds: 3, max: 300 };

const measurements = (n: number | null | undefined) =>
  n == null
    ? `more than ${REPLAY.max} measurements`
    : `${Math.round(n * 10) / 10} measurement${n === 1 ? "" : "s"}`;

/** "model-guided needed 2 measurements to come within 95% of the best, random needed 40." */
export function costReading(curves: readonly StrategyCurve[]): string {
  const first = curves[0];
  const random = curves.find((c) => c.name === "random");
  if (!first || !random) return "";
  return `${first.name} needed ${measurements(first.reach[1])} to come within 95% of the best kernel, random needed ${measurements(random.reach[1])} (medians over ${first.problems.length === 1 ? "the one problem" : `the ${first.problems.length} problems`}).`;
}

type Replay =
  | { state: "idle" }
  | { state: "running" }
  | { state: "done"; curves: StrategyCurve[] }
  | { state: "failed"; message: string };

/** The recording's bytes as fetched and its problems by network, read once when the card shows. */
type Contents =
  | { state: "reading" }
  | { state: "read"; bytes: Uint8Array; problems: number; networks: SuiteProblems[] }
  | { state: "failed"; message: string };

/** The choice that replays every problem of the recording. */
const ALL = "all";

const suiteTitle = (id: string) => SUITES.find((s) => s.id === id)?.title ?? id;

/** A network the model never saw when the recording says which it trained on (so the replay is a fair test), else all. */
function defaultChoice(networks: readonly SuiteProblems[], trainedOn: readonly string[] | undefined): string {
  const unseen = trainedOn && networks.find((n) => !trainedOn.includes(n.suite.id));
  return unseen ? unseen.suite.id : ALL;
}

/**
 * Tuning cost on the shipped exhaustive recording: the strategies of the CLI's `curve`, replayed in the
 * model's Worker with the recorded model ranking, on one network's problems (the others' are what
 * transfer and most-frequent draw on) or on all of them.
 */
export function TuningCostCard() {
  const demoData = useLab((s) => s.demoData);
  const engines = useLab((s) => s.engines);
  const [contents, setContents] = useState<Contents>({ state: "reading" });
  const [choice, setChoice] = useState<string>(ALL);
  const [replay, setReplay] = useState<Replay>({ state: "idle" });
  const demo = demoData.state === "available" ? demoData : null;
  const recording = demo?.recording;
  const url = demo && recording?.exhaustive ? `${demo.base}${recording.exhaustive}` : null;
  const trainedOn = recording?.modelTrainedOn;

  useEffect(() => {
    if (!url) return;
    let current = true;
    (async () => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      // The file's bytes as they came (gzip-compressed as the demo ships it): the Worker inflates and reads them.
      const bytes = new Uint8Array(await response.arrayBuffer());
      const problems = await engines.modelEngine().recordedProblems(bytes);
      const networks = problemsBySuite(problems, trainedOn);
      if (!current) return;
      setContents({ state: "read", bytes, problems: problems.length, networks });
      setChoice(defaultChoice(networks, trainedOn));
    })().catch((error: Error) => current && setContents({ state: "failed", message: error.message }));
    return () => {
      current = false;
    };
  }, [url, engines, trainedOn]);

  if (!demo || !recording || !url) return null;
  const chosen = contents.state === "read" ? contents.networks.find((n) => n.suite.id === choice) : undefined;

  const run = async () => {
    if (contents.state !== "read") return;
    setReplay({ state: "running" });
    try {
      const modelUrl = recording.model
        ? new URL(`${demo.base}${recording.model}`, window.location.href).href
        : undefined;
      const curves = await engines.modelEngine().tuningCost({
        recording: contents.bytes,
        ...(modelUrl ? { modelUrl } : {}),
        ...(chosen ? { problems: chosen.problems } : {}),
        ...REPLAY,
      });
      setReplay({ state: "done", curves });
    } catch (error) {
      setReplay({ state: "failed", message: (error as Error).message });
    }
  };

  const seen = (id: string) =>
    trainedOn ? (trainedOn.includes(id) ? ", the model trained on it" : ", the model never saw it") : "";

  return (
    <Card
      title="How many measurements to find the best kernel"
      className="span-2"
      subtitle={`Every valid config of some networks' layers (implicit GEMM; split-K too on three of resnet50's), measured on the recording's GPU (${recording.device.description}). Replaying those times, each search strategy's best so far is shown as a share of the true best, after each measurement.`}
      actions={
        <>
          {contents.state === "read" && (
            <label className="inline-field">
              <span className="field-label">Problems</span>
              <select
                className="select"
                value={choice}
                disabled={replay.state === "running"}
                onChange={(e) => setChoice(e.target.value)}
              >
                {contents.networks.map((n) => (
                  <option key={n.suite.id} value={n.suite.id}>
                    {n.suite.title}: {n.problems.length} problems{seen(n.suite.id)}
                  </option>
                ))}
                <option value={ALL}>All networks: {contents.problems} problems</option>
              </select>
            </label>
          )}
          <GuardedButton
            blockedBy={
              contents.state === "read"
                ? null
                : contents.state === "reading"
                  ? "Reading the recording…"
                  : "The recording could not be read."
            }
            busy={replay.state === "running"}
            onClick={run}
          >
            {replay.state === "done" ? "Replay again" : "Replay the strategies"}
          </GuardedButton>
        </>
      }
    >
      {contents.state === "failed" && (
        <Callout tone="bad" title="The recording could not be read">
          {contents.message}
        </Callout>
      )}
      {replay.state === "failed" && (
        <Callout tone="bad" title="The replay failed">
          {replay.message}
        </Callout>
      )}
      <p className="muted" data-testid="tuning-cost-model">
        {trainedOn
          ? `The recorded model learnt from the records of ${trainedOn.map(suiteTitle).join(", ")} on this GPU (most of the layers to train on, a few held back to validate), so on ${trainedOn.length === 1 ? "that network" : "those networks"} model-guided ranks problems the model has seen, and on any other network problems it never saw.`
          : "The recording does not say which networks the recorded model learnt from."}
      </p>
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
            line is 95%. Model-guided measures the recorded model's top {REPLAY.width} configs first. Transfer
            tries the {REPLAY.width} fastest configs of the most similar other problem first; most-frequent,
            the {REPLAY.width} configs that were fastest on the most other problems; model+frequent, the
            model's {REPLAY.width} and most-frequent's {REPLAY.width} taken in turn, those on both lists
            first.
            {replay.curves.some((c) => c.name === "cost-model") &&
              ` Cost-model measures first the ${REPLAY.width} configs that the model's cost model (learnt from every recorded time of the problems the model trained on) predicts fastest of the whole space; model+cost, the cost model's first, then its ${REPLAY.width} and the model's ${REPLAY.width} in turn, those on both lists first.`}{" "}
            With one network chosen, transfer and most-frequent draw only on the other networks' problems.
          </p>
        </>
      )}
    </Card>
  );
}
