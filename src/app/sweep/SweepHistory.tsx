import { Card } from "../components/ui";
import { count, duration } from "../format";
import { useLab } from "../store";
import type { SweepHistoryEntry } from "../store/history";

const OUTCOMES: Record<SweepHistoryEntry["outcome"], string> = {
  exhausted: "every valid config",
  budget: "budget reached",
  aborted: "cancelled",
  failed: "failed",
};

/** The sweeps run in this browser, newest first, each with its settings and a way to run it again. */
export function SweepHistory() {
  const history = useLab((s) => s.sweepHistory);
  const setView = useLab((s) => s.setView);
  const setSweepSettings = useLab((s) => s.setSweepSettings);
  const clear = useLab((s) => s.clearSweepHistory);
  const reuse = ({ request }: SweepHistoryEntry) => {
    setView({
      problem: request.problems[0] ?? "",
      family: request.families === "all" ? "" : (request.families[0] ?? ""),
      config: "",
    });
    setSweepSettings({
      strategy: request.strategy,
      ...(request.budget?.candidates ? { budget: request.budget.candidates } : {}),
      ...(request.seed === undefined ? {} : { seed: request.seed }),
    });
  };
  return (
    <Card
      title="History"
      subtitle="Sweeps run in this browser, newest first, with their settings."
      actions={
        history.length > 0 && (
          <button type="button" className="button secondary small" onClick={clear}>
            Clear
          </button>
        )
      }
    >
      {history.length === 0 ? (
        <p className="muted">No sweep has ended here yet.</p>
      ) : (
        <ol className="history" aria-label="Sweep history">
          {history.map((entry) => (
            <li key={entry.endedAt} className="history-entry">
              <div className="mono problem-text">{entry.request.problems.join("; ")}</div>
              <div className="muted">
                {entry.request.families === "all" ? "all families" : entry.request.families.join(", ")} ·{" "}
                {entry.request.strategy}
                {entry.request.budget?.candidates ? `, budget ${count(entry.request.budget.candidates)}` : ""}
                {entry.request.seed === undefined ? "" : `, seed ${entry.request.seed}`}
              </div>
              <div>
                {count(entry.done)} of {count(entry.total)} candidates, {OUTCOMES[entry.outcome]}
                {entry.bestNs === null ? "" : `; fastest then ${duration(entry.bestNs)}`}
                <span className="muted">
                  {" "}
                  ·{" "}
                  {new Date(entry.endedAt).toLocaleString("en-GB", {
                    dateStyle: "short",
                    timeStyle: "short",
                  })}
                </span>
              </div>
              <button type="button" className="button secondary small" onClick={() => reuse(entry)}>
                Use these settings
              </button>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
