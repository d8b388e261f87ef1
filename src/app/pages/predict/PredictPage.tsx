import { useMemo } from "react";
import { FAMILIES } from "../../../core/families/index";
import { formatProblem } from "../../../core/problem";
import { ChartBox, ScoreVsRuntime } from "../../charts";
import { Callout, Card, Progress, Stat } from "../../components/ui";
import { ProblemInput } from "../../explore/ProblemInput";
import { checkProblemText } from "../../explore/problemText";
import { duration } from "../../format";
import { useLab } from "../../store";
import { speedupOverTfjs } from "../../store/predict";
import { shownRecords } from "../../store/records";
import { fastest } from "../../sweep/derive";

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
  const family =
    FAMILIES.find((f) => f.id === view.family) ??
    FAMILIES.find((f) => !check.ok || !f.unsupported(check.problem));
  const candidates = prediction.state === "ready" ? prediction.candidates : [];
  // The exhaustive best: the fastest stored record of this problem and family (from a full sweep).
  const best = useMemo(
    () => fastest(records.filter((r) => r.problem.text === problemText && r.family === family?.id)),
    [records, problemText, family],
  );
  const tfjsNs = measurement.state === "done" ? measurement.tfjsNs : (best?.baseline?.medianNs ?? null);
  const speedup = speedupOverTfjs(candidates, tfjsNs);
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
          <div className="fields" style={{ marginTop: "0.5rem" }}>
            <label>
              <span className="field-label">Family</span>
              <select
                className="select"
                value={family?.id ?? ""}
                onChange={(e) => setView({ family: e.target.value })}
              >
                {FAMILIES.map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.title}
                  </option>
                ))}
              </select>
            </label>
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
          {candidates.length > 0 && (
            <table className="table" data-testid="candidates">
              <caption className="sr-only">Predicted candidates</caption>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    Rank
                  </th>
                  <th scope="col">Parameters</th>
                  <th scope="col" className="num">
                    Score
                  </th>
                  <th scope="col" className="num">
                    Measured
                  </th>
                  <th scope="col" className="num">
                    vs best
                  </th>
                </tr>
              </thead>
              <tbody>
                {candidates.map((c) => (
                  <tr key={c.rank}>
                    <td className="num">{c.rank}</td>
                    <td className="mono">
                      {Object.entries(c.config)
                        .map(([k, v]) => `${k}=${v}`)
                        .join(" ")}
                    </td>
                    <td className="num mono">{c.logProb.toFixed(3)}</td>
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
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        {candidates.length > 0 && (
          <Card
            title="Score against runtime"
            subtitle="Does a higher score mean a faster kernel? Dashed lines: the exhaustive best and tfjs's conv2d."
          >
            <div className="stat-row">
              <Stat
                label="Exhaustive best"
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
