import { useEffect, useId, useMemo } from "react";
import { FAMILIES, familyRefusal } from "../../../core/families/index";
import { formatProblem } from "../../../core/problem";
import type { SweepOutcome } from "../../../worker/index";
import { Callout, Card, GuardedButton, Progress, Stat } from "../../components/ui";
import { checkProblemText } from "../../explore/problemText";
import { useSpaceAnalysis } from "../../explore/SpaceView";
import { count, eta } from "../../format";
import { useLab } from "../../store";
import { whyNoGpu } from "../../store/device";
import type { SweepStrategy } from "../../store/sweep";
import { SweepHistory } from "../../sweep/SweepHistory";
import { SweepResults } from "../../sweep/SweepResults";
import { deviceLimits, recordedLimits } from "../device/adapter";

const STRATEGIES: { id: SweepStrategy; title: string; hint: string }[] = [
  { id: "exhaustive", title: "Exhaustive", hint: "every valid config, in order (up to the budget)" },
  { id: "random", title: "Random", hint: "a seeded random sample of valid configs" },
  {
    id: "local",
    title: "Local",
    hint: "a few random configs, then the neighbours of the fastest so far",
  },
  {
    id: "annealing",
    title: "Annealing",
    hint: "simulated annealing: walks to faster neighbours, and early on to slower ones too",
  },
  {
    id: "model-guided",
    title: "Model-guided",
    hint: "only the configs a record-trained model ranks highest",
  },
];

export default function SweepPage() {
  const id = useId();
  const view = useLab((s) => s.view);
  const setView = useLab((s) => s.setView);
  const device = useLab((s) => s.device);
  const settings = useLab((s) => s.sweepSettings);
  const setSettings = useLab((s) => s.setSweepSettings);
  const run = useLab((s) => s.sweep);
  const model = useLab((s) => s.model.current);
  const interrupted = useLab((s) => s.interrupted);
  const sweepRecords = useLab((s) => s.sweepRecords);
  const demoRecords = useLab((s) => s.demoRecords);
  const loadSweepRecords = useLab((s) => s.loadSweepRecords);
  const startSweep = useLab((s) => s.startSweep);
  const cancelSweep = useLab((s) => s.cancelSweep);

  const check = checkProblemText(view.problem);
  const problem = check.ok ? check.problem : null;
  const problemText = problem ? formatProblem(problem) : "";
  const family =
    FAMILIES.find((f) => f.id === view.family) ?? FAMILIES.find((f) => !problem || !f.unsupported(problem));
  const demo = useLab((s) => s.view.demo);
  // In demo mode the spaces are the recorded GPU's, so its measurements sit in the right places.
  const limits = useMemo(
    () =>
      (demo && recordedLimits(demoRecords, problemText)) ||
      deviceLimits(device.state === "ready" ? device.report.adapter : null),
    [demo, demoRecords, device, problemText],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: problemText stands for problem
  const space = useMemo(
    () =>
      problem && family && !familyRefusal(family, problem, limits) ? family.space(problem, limits) : null,
    [problemText, family, limits],
  );
  const analysis = useSpaceAnalysis(space);
  const size = analysis?.state === "done" ? analysis.analysis.valid : 0;

  useEffect(() => {
    if (!view.demo && problemText && family) loadSweepRecords(problemText, family.id);
  }, [view.demo, problemText, family, loadSweepRecords]);

  const records = view.demo
    ? demoRecords.filter((r) => r.problem.text === problemText && r.family === family?.id)
    : sweepRecords;
  const running = run.state === "running";
  function whySweepCannotStart(): string | null {
    if (view.demo) return "The demo shows a recording: leave it to sweep on this device's GPU.";
    if (device.state !== "ready") return whyNoGpu(device);
    if (!device.report.hasTimestamps) return "This GPU cannot time kernels (no timestamp-query).";
    if (!problem) return "The problem is not valid: fix it on the Explore page.";
    if (!family) return "No kernel family supports this problem.";
    if (analysis?.state !== "done") return "Counting the valid configs…";
    if (size === 0) return `No ${family.title} config is valid for this problem on this GPU.`;
    return null;
  }
  const blockedBy = whySweepCannotStart();
  const start = () =>
    problem &&
    family &&
    startSweep({
      problems: [problemText],
      families: [family.id],
      strategy: settings.strategy,
      budget: { candidates: settings.budget },
      seed: settings.seed,
    });

  return (
    <div className="page-grid sidebar">
      <div className="stack">
        <Card
          title="Sweep"
          subtitle="Compile, check every output element against the reference, and time each candidate on this GPU."
        >
          <p className="mono problem-text">{problemText || view.problem}</p>
          <label className="field-label" htmlFor={`${id}-family`}>
            Family
          </label>
          <select
            id={`${id}-family`}
            className="select"
            value={family?.id ?? ""}
            disabled={running}
            onChange={(e) => setView({ family: e.target.value })}
          >
            {FAMILIES.map((f) => {
              const unsupported = problem && familyRefusal(f, problem, limits);
              return (
                <option key={f.id} value={f.id} disabled={Boolean(unsupported)}>
                  {unsupported ? `${f.title} — ${unsupported}` : f.title}
                </option>
              );
            })}
          </select>
          <fieldset className="strategy" disabled={running}>
            <legend className="field-label">Strategy</legend>
            {STRATEGIES.map((s) => (
              <label key={s.id} className="family-option">
                <input
                  type="radio"
                  name="strategy"
                  value={s.id}
                  checked={settings.strategy === s.id}
                  onChange={() => setSettings({ strategy: s.id })}
                />
                <span>
                  <strong>{s.title}</strong> <span className="muted">— {s.hint}</span>
                </span>
              </label>
            ))}
          </fieldset>
          <div className="fields" style={{ marginTop: "0.5rem" }}>
            <label>
              <span className="field-label">Budget (candidates)</span>
              <input
                className="text-input mono"
                type="number"
                min={1}
                value={settings.budget}
                disabled={running}
                onChange={(e) =>
                  e.target.valueAsNumber >= 1 && setSettings({ budget: Math.round(e.target.valueAsNumber) })
                }
              />
            </label>
            <label>
              <span className="field-label">Seed</span>
              <input
                className="text-input mono"
                type="number"
                min={0}
                value={settings.seed}
                disabled={running}
                onChange={(e) =>
                  e.target.valueAsNumber >= 0 && setSettings({ seed: Math.round(e.target.valueAsNumber) })
                }
              />
            </label>
          </div>
          <div className="card-actions" style={{ marginTop: "0.75rem" }}>
            {running ? (
              <button type="button" className="button danger" onClick={() => cancelSweep()}>
                Cancel sweep
              </button>
            ) : (
              <GuardedButton blockedBy={blockedBy} onClick={start}>
                Start sweep
              </GuardedButton>
            )}
            {interrupted && !running && (
              <button
                type="button"
                className="button secondary"
                disabled={blockedBy !== null}
                title={blockedBy ?? undefined}
                onClick={() => startSweep(interrupted)}
              >
                Resume sweep
              </button>
            )}
          </div>
          {settings.strategy === "model-guided" && !(family && model?.families.includes(family.id)) && (
            <Callout tone="info" title="Needs a model of this lab's records">
              Load one on the Train page (the recorded demo ships one), then the model picks what to measure.
            </Callout>
          )}
          {interrupted && !running && (
            <Callout tone="info" title="A sweep was interrupted">
              {interrupted.problems.join(", ")} · {interrupted.strategy}. Resuming keeps every candidate
              already measured and runs the rest.
            </Callout>
          )}
          {device.state === "unavailable" && !view.demo && (
            <Callout tone="warn" title="No WebGPU here">
              Sweeps need a GPU. The Device page explains what to do, and offers the recorded demo.
            </Callout>
          )}
        </Card>
        {!view.demo && <SweepHistory />}
      </div>
      <div className="stack">
        <Card title="Progress">
          <div className="stat-row">
            <Stat label="Valid configs" value={analysis?.state === "done" ? count(size) : "…"} />
            <Stat
              label={view.demo ? "Recorded" : "Measured here"}
              value={count(records.length)}
              testId="measured-count"
            />
          </div>
          {run.state === "running" && (
            <Progress
              label="Sweep progress"
              value={run.done}
              max={run.total || settings.budget}
              detail={
                <>
                  <span>
                    {count(run.done)} of {count(run.total)} candidates
                  </span>
                  <span>{run.etaMs === null ? "estimating…" : `about ${eta(run.etaMs / 1000)} left`}</span>
                  {run.done > 0 && <span>{rate(run.done, (Date.now() - run.startedAt) / 1000)}</span>}
                </>
              }
            />
          )}
          {run.state === "finished" && (
            <p role="status" data-testid="sweep-status">
              {run.stopped === "aborted"
                ? "Cancelled"
                : run.stopped === "budget"
                  ? "Budget spent"
                  : "Every valid config measured"}
              : {count(run.done)} of {count(run.total)} candidates.
            </p>
          )}
          {run.state === "finished" && <EngineLine perSecond={run.perSecond} drift={run.drift} />}
          {run.state === "failed" && (
            <Callout tone="bad" title="The sweep failed">
              {run.message}
            </Callout>
          )}
        </Card>
        {space && records.length > 0 && (
          <SweepResults
            records={records}
            params={space.params}
            xParam={view.xParam}
            yParam={view.yParam}
            onAxes={(xParam, yParam) => setView({ xParam, yParam })}
          />
        )}
      </div>
    </div>
  );
}

const rate = (candidates: number, seconds: number) =>
  seconds > 0 ? `${(candidates / seconds).toFixed(1)} candidates/s` : "";

/** How fast the run measured, and whether its timings held (the engine's drift checks). */
function EngineLine({ perSecond, drift }: { perSecond: number | null; drift: SweepOutcome["drift"] | null }) {
  const speed =
    perSecond === null ? "Nothing new measured" : `Measured at ${perSecond.toFixed(1)} candidates/s`;
  let held = "";
  if (drift && drift.checks > 0) {
    const deviation = `${(100 * drift.maxDeviation).toFixed(1)}%`;
    held = drift.drifted
      ? `; the reference config drifted at ${drift.drifted} of ${count(drift.checks)} checks: ${count(drift.retimed)} candidates re-timed${drift.unresolved ? ` (${drift.unresolved} ${drift.unresolved === 1 ? "check" : "checks"} still off after warming up)` : ""}; largest deviation standing ${deviation}`
      : `; timings held: ${count(drift.checks)} drift check${drift.checks === 1 ? "" : "s"}, largest deviation ${deviation} (threshold ${(100 * drift.threshold).toFixed(0)}%)`;
  }
  return (
    <p className="muted" data-testid="sweep-engine">
      {speed}
      {held}.
    </p>
  );
}
