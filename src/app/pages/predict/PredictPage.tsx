import { useMemo } from "react";
import { familyConfigKey } from "../../../core/dataset/record";
import { FAMILIES } from "../../../core/families/index";
import { formatProblem } from "../../../core/problem";
import { ChartBox, ScoreVsRuntime } from "../../charts";
import { Callout, Card, GuardedButton, Progress, Stat } from "../../components/ui";
import { ProblemInput } from "../../explore/ProblemInput";
import { checkProblemText } from "../../explore/problemText";
import { configText, duration } from "../../format";
import { useLab } from "../../store";
import { whyNoGpu } from "../../store/device";
import { type Direction, speedupOverTfjs } from "../../store/predict";
import { shownRecords } from "../../store/records";
import { fastest } from "../../sweep/derive";
import { useRecordedModelInDemo } from "../train/useRecordedModel";
import { ExplainCards } from "./ExplainCards";

export default function PredictPage() {
  const view = useLab((s) => s.view);
  const setView = useLab((s) => s.setView);
  const topK = useLab((s) => s.topK);
  const setTopK = useLab((s) => s.setTopK);
  const prediction = useLab((s) => s.prediction);
  const measurement = useLab((s) => s.measurement);
  const records = useLab(shownRecords);
  const check = checkProblemText(view.problem);
  const problemText = check.ok ? formatProblem(check.problem) : null;
  const model = useLab((s) => s.model);
  const direction = useLab((s) => s.direction);
  const setDirection = useLab((s) => s.setDirection);
  const predict = useLab((s) => s.predict);
  const measureCandidates = useLab((s) => s.measureCandidates);
  const cancelMeasurement = useLab((s) => s.cancelMeasurement);
  const device = useLab((s) => s.device);
  // Only candidates of this lab's own kernel families run here (a MIOpen solver's run on AMD GPUs).
  const measurable = (model.current?.families ?? []).some((id) => FAMILIES.some((f) => f.id === id));
  const demoData = useLab((s) => s.demoData);
  const loadRecordedModel = useLab((s) => s.loadRecordedModel);
  useRecordedModelInDemo();
  // A candidate already in the records (e.g. the recording's) shows that measurement until re-measured.
  const stored = useMemo(
    () =>
      new Map(
        records
          .filter((r) => r.problem.text === problemText)
          .map((r) => [familyConfigKey(r.family, r.config), r]),
      ),
    [records, problemText],
  );
  const candidates = (prediction.state === "ready" ? prediction.candidates : []).map((c) => {
    const r = stored.get(familyConfigKey(c.family, c.config));
    return c.measured || !r
      ? c
      : { ...c, measured: { status: r.status, medianNs: r.medianNs, message: r.message } };
  });
  // The best measured: the fastest stored record of this problem (the exhaustive best after full sweeps).
  const best = useMemo(
    () => fastest(records.filter((r) => r.problem.text === problemText)),
    [records, problemText],
  );
  const tfjsNs = measurement.state === "done" ? measurement.tfjsNs : (best?.baseline?.medianNs ?? null);
  const speedup = speedupOverTfjs(candidates, tfjsNs);
  const topLogProb = candidates[0]?.logProb ?? 0;
  const points = candidates.flatMap((c) =>
    c.measured?.status === "ok" && c.measured.medianNs
      ? [{ rank: c.rank, score: c.logProb, ns: c.measured.medianNs }]
      : [],
  );
  return (
    <div className="page-grid sidebar">
      <div className="stack">
        <Card
          title="Problem"
          subtitle="The model translates it into tuning parameters, keeping only configs the device and kernel accept."
        >
          <ProblemInput value={view.problem} onChange={(text) => setView({ problem: text })} />
          <p data-testid="predict-model">
            Model:{" "}
            {model.current ? (
              <>
                <span className="mono">{model.current.families.join(", ")}</span>{" "}
                <span className="muted">({model.current.name})</span>
              </>
            ) : (
              <span className="muted">none yet: train or load one on the Train page.</span>
            )}
          </p>
          <div className="fields" style={{ marginTop: "0.5rem" }}>
            {!measurable && (
              <label>
                <span className="field-label">Direction</span>
                <select
                  className="select"
                  value={direction}
                  onChange={(e) => setDirection(e.target.value as Direction)}
                >
                  <option value="F">forward</option>
                  <option value="B">backward data</option>
                  <option value="W">backward weights</option>
                </select>
              </label>
            )}
            <label>
              <span className="field-label">Candidates (K)</span>
              <input
                className="text-input mono"
                type="number"
                min={1}
                max={64}
                value={topK}
                onChange={(e) => setTopK(e.target.valueAsNumber)}
              />
            </label>
          </div>
          {demoData.state === "available" && demoData.recording.model && !measurable && (
            <button type="button" className="button secondary" onClick={() => loadRecordedModel()}>
              Use the recorded model
            </button>
          )}
          <div className="card-actions" style={{ marginTop: "0.75rem" }}>
            <GuardedButton
              blockedBy={
                !model.current
                  ? "No model yet: train or load one on the Train page."
                  : !problemText
                    ? "The problem is not valid."
                    : null
              }
              busy={prediction.state === "predicting"}
              onClick={() => problemText && predict(problemText)}
            >
              Predict
            </GuardedButton>
            {measurement.state === "measuring" ? (
              <button type="button" className="button danger" onClick={() => cancelMeasurement()}>
                Cancel measuring
              </button>
            ) : (
              <GuardedButton
                className="button secondary"
                blockedBy={
                  !candidates.length
                    ? "Predict first."
                    : !measurable
                      ? "A MIOpen solver's configs run on AMD GPUs, not here."
                      : whyNoGpu(device)
                }
                onClick={() => measureCandidates()}
              >
                Measure candidates
              </GuardedButton>
            )}
          </div>
          {candidates.length > 0 && !measurable && (
            <p className="muted">
              These are parameters of MIOpen's {prediction.state === "ready" ? prediction.family : ""} solver,
              which runs on AMD GPUs: a model trained on this lab's own records predicts kernels this GPU can
              run and measure.
            </p>
          )}
        </Card>
      </div>
      <div className="stack">
        <Card
          title="Candidates"
          subtitle="The beam's top K, best score first. Scores are log-probabilities: closer to 0 is surer."
        >
          {prediction.state === "idle" && <p className="muted">No prediction yet.</p>}
          {prediction.state === "predicting" && <p aria-live="polite">Decoding…</p>}
          {prediction.state === "failed" && (
            <Callout tone="bad" title="No prediction">
              {prediction.message}
            </Callout>
          )}
          {measurement.state === "measuring" && (
            <Progress
              label="Measuring candidates"
              value={measurement.done}
              max={measurement.total}
              detail={
                <span>
                  {measurement.done} of {measurement.total} measured
                </span>
              }
            />
          )}
          {prediction.state === "ready" && prediction.rerankedBy && (
            <p className="muted" data-testid="reranked-note">
              Ranked as <code>eval</code> scores them: each score plus {prediction.rerankedBy.weight} × its
              agreement with the configs of the {prediction.rerankedBy.count} nearest training problems (a
              blend chosen on the validation problems). The scores shown are the model's alone.
            </p>
          )}
          {candidates.length > 0 && (
            <div className="table-scroll">
              <table className="table" data-testid="candidates">
                <caption className="sr-only">Predicted candidates</caption>
                <thead>
                  <tr>
                    <th scope="col" className="num">
                      Rank
                    </th>
                    {measurable && <th scope="col">Family</th>}
                    <th scope="col">Parameters</th>
                    <th scope="col" className="num">
                      Score
                    </th>
                    <th scope="col">
                      <span className="sr-only">Probability</span>
                    </th>
                    {measurable && (
                      <>
                        <th scope="col" className="num">
                          Measured
                        </th>
                        <th scope="col" className="num">
                          vs best
                        </th>
                      </>
                    )}
                  </tr>
                </thead>
                <tbody>
                  {candidates.map((c) => (
                    <tr key={c.rank}>
                      <td className="num">{c.rank}</td>
                      {measurable && <td className="mono">{c.family}</td>}
                      <td className="mono">{configText(c.config)}</td>
                      <td className="num mono">{c.logProb.toFixed(3)}</td>
                      <td
                        className="prob-cell"
                        title={`probability ${(Math.exp(c.logProb) * 100).toPrecision(3)}%`}
                      >
                        <span
                          className="prob-bar"
                          style={{ width: `${Math.exp(c.logProb - topLogProb) * 100}%` }}
                        />
                      </td>
                      {measurable && (
                        <>
                          <td className="num">
                            {c.measured ? (
                              c.measured.status === "ok" && c.measured.medianNs ? (
                                duration(c.measured.medianNs)
                              ) : (
                                <span className="chip chip-bad" title={c.measured.message}>
                                  {c.measured.status}
                                </span>
                              )
                            ) : (
                              "—"
                            )}
                          </td>
                          <td className="num">
                            {best && c.measured?.medianNs
                              ? `${(c.measured.medianNs / best.medianNs).toFixed(2)}×`
                              : "—"}
                          </td>
                        </>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
        {prediction.state === "ready" && <ExplainCards />}
        {candidates.length > 0 && measurable && (
          <Card
            title="Score against runtime"
            subtitle="Does a higher score mean a faster kernel? Dashed lines: the best config measured (the exhaustive best after a full sweep) and tfjs's conv2d."
          >
            <div className="stat-row">
              <Stat
                label="Best measured"
                value={best ? duration(best.medianNs) : "—"}
                hint={best ? undefined : "sweep this problem exhaustively to know"}
              />
              <Stat label="tfjs conv2d" value={tfjsNs === null ? "—" : duration(tfjsNs)} />
              <Stat
                label="Speedup over tfjs"
                value={speedup === null ? "—" : `${speedup.toFixed(2)}×`}
                testId="speedup"
                hint="best measured candidate"
              />
            </div>
            {points.length > 0 && (
              <ChartBox caption="Model score against measured runtime" testId="chart-score">
                <ScoreVsRuntime points={points} bestNs={best?.medianNs ?? null} tfjsNs={tfjsNs} />
              </ChartBox>
            )}
          </Card>
        )}
      </div>
    </div>
  );
}
