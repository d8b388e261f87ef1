import { useMemo } from "react";
import type { TuningRecord } from "../../core/dataset/record";
import { BestSoFar, ChartBox, RuntimeByParam, RuntimeHistogram } from "../charts";
import { Heatmap } from "../components/Heatmap";
import { Card } from "../components/ui";
import { configText, count, duration } from "../format";
import { useLab } from "../store";
import { bestSoFar, failureGroups, fastest, fastestByPair, type MeasuredRecord, measured } from "./derive";

/**
 * A run's results as they arrive: runtime against a chosen parameter, the best-so-far curve, the
 * spread of runtimes, the space map of the fastest time per pair of values, and the failures.
 */
export function SweepResults({
  records,
  params,
  xParam,
  yParam,
  onAxes,
}: {
  records: readonly TuningRecord[];
  /** The space's parameters with their domains, in decoding order. */
  params: readonly { name: string; values: readonly number[] }[];
  xParam: string;
  yParam: string;
  onAxes(x: string, y: string): void;
}) {
  const names = params.map((p) => p.name);
  const ok = useMemo(() => measured(records), [records]);
  // Until chosen, plot the parameters the measured candidates vary most.
  const varied = useMemo(() => mostVaried(params, ok), [params, ok]);
  const x = params.find((p) => p.name === xParam) ?? varied[0];
  const y = params.find((p) => p.name === yParam && p.name !== x?.name) ?? varied.find((p) => p !== x);
  const best = useMemo(() => fastest(records), [records]);
  const curve = useMemo(() => bestSoFar(records), [records]);
  const failures = useMemo(() => failureGroups(records), [records]);
  const pairs = useMemo(
    () => (x && y ? fastestByPair(records, x.name, y.name) : new Map<string, MeasuredRecord>()),
    [records, x, y],
  );
  const openInExplore = useLab((s) => s.openInExplore);
  const open = (r: TuningRecord) =>
    openInExplore({ problem: r.problem.text, family: r.family, config: r.config });
  if (!x) return null;
  const points = ok.map((r) => ({
    x: r.config[x.name] ?? 0,
    ns: r.medianNs,
    label: configText(r.config),
  }));
  return (
    <>
      <Card
        title="Runtimes"
        subtitle={
          best ? (
            <>
              Fastest so far: <strong className="mono">{duration(best.medianNs)}</strong> with{" "}
              <span className="mono">{configText(best.config)}</span>
            </>
          ) : (
            "No successful candidate yet."
          )
        }
        actions={
          <label className="inline-field">
            <span className="field-label">Plot against</span>
            <select
              className="select"
              value={x.name}
              onChange={(e) => onAxes(e.target.value, y?.name === e.target.value ? x.name : (y?.name ?? ""))}
            >
              {names.map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
          </label>
        }
      >
        <div className="chart-grid">
          <ChartBox caption={`Runtime of each candidate by ${x.name}`} testId="chart-runtime">
            <RuntimeByParam
              points={points}
              onOpen={(i) => {
                const record = ok[i];
                if (record) open(record);
              }}
              param={x.name}
              values={x.values}
              bestNs={best?.medianNs ?? null}
            />
          </ChartBox>
          <ChartBox caption="Best so far" testId="chart-best">
            <BestSoFar series={[{ name: "best", points: curve }]} />
          </ChartBox>
          <ChartBox caption="Runtime distribution" testId="chart-histogram">
            <RuntimeHistogram runtimesNs={ok.map((r) => r.medianNs)} />
          </ChartBox>
        </div>
      </Card>
      {y && (
        <Card
          title="Fastest by pair"
          subtitle="The best runtime measured for each pair of values; hatched cells were not measured (or never succeeded)."
          actions={
            <label className="inline-field">
              <span className="field-label">Down</span>
              <select
                className="select"
                value={y.name}
                onChange={(e) => onAxes(x.name === e.target.value ? y.name : x.name, e.target.value)}
              >
                {names.map((n) => (
                  <option key={n}>{n}</option>
                ))}
              </select>
            </label>
          }
        >
          <Heatmap
            label={`Fastest runtime by ${x.name} and ${y.name}`}
            xName={x.name}
            yName={y.name}
            xValues={x.values}
            yValues={y.values}
            cell={(a, b) => pairs.get(`${x.values[a]},${y.values[b]}`)?.medianNs ?? null}
            describe={(a, b) => {
              const r = pairs.get(`${x.values[a]},${y.values[b]}`);
              return r ? `fastest ${configText(r.config)}` : null;
            }}
            onSelect={(a, b) => {
              const r = pairs.get(`${a},${b}`);
              if (r) open(r);
            }}
            format={duration}
            better="low"
            selected={
              best ? { x: best.config[x.name] ?? Number.NaN, y: best.config[y.name] ?? Number.NaN } : null
            }
            legend="Stronger colour: faster. The outlined cell holds the fastest config. Press a cell to open its fastest config's WGSL in Explore."
          />
        </Card>
      )}
      <Card title="Failures" subtitle="Failed candidates are results too: grouped by kind, then by message.">
        {failures.length === 0 ? (
          <p className="muted">None{records.length ? ` in ${count(records.length)} candidates` : ""}.</p>
        ) : (
          <div className="failures" data-testid="failures">
            {failures.map((group) => (
              <details key={group.kind} open={failures.length === 1}>
                <summary>
                  <span className="chip chip-bad">{group.kind}</span> {count(group.count)} candidate
                  {group.count === 1 ? "" : "s"}
                </summary>
                <ul>
                  {group.messages.map((m) => (
                    <li key={m.message}>
                      <span className="mono">{m.message || "(no message)"}</span>
                      <span className="muted">
                        {" "}
                        ×{m.count}, e.g. {configText(m.example)}
                      </span>
                    </li>
                  ))}
                </ul>
              </details>
            ))}
          </div>
        )}
      </Card>
    </>
  );
}

/** Parameters ordered by how many distinct values the records give them, most first (stable). */
function mostVaried<P extends { name: string }>(params: readonly P[], records: readonly TuningRecord[]): P[] {
  const distinct = (p: P) => new Set(records.map((r) => r.config[p.name])).size;
  return [...params].sort((a, b) => distinct(b) - distinct(a));
}
