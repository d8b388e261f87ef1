import { useEffect, useId, useState } from "react";
import type { Config, TuningSpace } from "../../core/space/space";
import { Card, Stat } from "../components/ui";
import { count, si } from "../format";
import { analyseSpace, type SpaceAnalysis } from "./analysis";

type AnalysisState = { state: "running"; visited: number } | { state: "done"; analysis: SpaceAnalysis };

/** Analyses a space off the critical path (in frame-sized slices), restarting when the space changes. */
export function useSpaceAnalysis(space: TuningSpace | null): AnalysisState | null {
  const [state, setState] = useState<AnalysisState | null>(null);
  useEffect(() => {
    if (!space) {
      setState(null);
      return;
    }
    const controller = new AbortController();
    setState({ state: "running", visited: 0 });
    analyseSpace(space, controller.signal, (visited) => setState({ state: "running", visited })).then(
      (analysis) => setState({ state: "done", analysis }),
      () => {}, // aborted: a newer space replaced this one
    );
    return () => controller.abort();
  }, [space]);
  return state;
}

/** Raw size, valid size and the funnel: how many configs each rule removes, in decoding order. */
export function ConstraintFunnel({ analysis }: { analysis: SpaceAnalysis }) {
  const { raw, valid, cuts } = analysis;
  let remaining = raw;
  const idle = cuts.filter((cut) => cut.removed === 0).map((cut) => cut.rule);
  const scale = (n: number) => (raw > 0 ? (n / raw) * 100 : 0);
  return (
    <Card
      title="Tuning space"
      subtitle="Every combination of the parameters' values (raw), and what each rule cuts, charged to the first rule a config breaks in decoding order."
    >
      <div className="stat-row">
        <Stat label="Raw combinations" value={count(raw)} testId="raw-size" />
        <Stat
          label="Valid configs"
          value={count(valid)}
          testId="space-size"
          hint={raw ? `${((valid / raw) * 100).toPrecision(3)}% survive` : undefined}
        />
        <Stat label="Rules" value={cuts.length} />
      </div>
      <ul className="funnel" aria-label="Configs removed by each rule">
        {cuts
          .filter((cut) => cut.removed > 0)
          .map((cut) => {
            const before = remaining;
            remaining -= cut.removed;
            return (
              <li
                key={cut.rule}
                className="funnel-row"
                aria-label={`${cut.rule} removes ${count(cut.removed)} configs`}
              >
                <span className="mono">{cut.rule}</span>
                <div className="funnel-bar" aria-hidden="true">
                  <div className="funnel-kept" style={{ width: `${scale(remaining)}%` }} />
                  <div
                    className="funnel-cut"
                    style={{ left: `${scale(remaining)}%`, width: `${scale(before - remaining)}%` }}
                  />
                </div>
                <span className="num mono">−{si(cut.removed)}</span>
                {cut.example && <span className="funnel-example">e.g. {cut.example}</span>}
              </li>
            );
          })}
        {idle.length > 0 && (
          <li className="funnel-idle muted">
            Cut nothing here: <span className="mono">{idle.join(", ")}</span>
          </li>
        )}
        <li className="funnel-row">
          <strong>valid</strong>
          <div className="funnel-bar" aria-hidden="true">
            <div className="funnel-kept" style={{ width: `${scale(valid)}%` }} />
          </div>
          <strong className="num mono">{si(valid)}</strong>
        </li>
      </ul>
    </Card>
  );
}

/**
 * One parameter's values as native radio buttons drawn as chips: one tab stop (the chosen value), the
 * arrow keys choose the next value, skipping values that can never be valid. The bar under a value is
 * its share of valid configs.
 */
function ValueChoice({
  name,
  values,
  shares,
  chosen,
  onPick,
}: {
  name: string;
  values: readonly number[];
  shares: readonly number[] | undefined;
  chosen: number | undefined;
  onPick(value: number): void;
}) {
  const group = useId();
  const top = shares ? Math.max(1, ...shares) : 1;
  return (
    <fieldset className="values">
      <legend className="sr-only">{name} values</legend>
      {values.map((value, v) => {
        const share = shares?.[v];
        const dead = share === 0;
        return (
          <label key={value} className={`value ${dead ? "dead" : ""}`}>
            <input
              type="radio"
              name={group}
              checked={chosen === value}
              disabled={dead}
              aria-label={`${name} = ${value}${share === undefined ? "" : `, ${count(share)} valid configs`}`}
              onChange={() => onPick(value)}
            />
            {value}
            {share !== undefined && <span className="share" style={{ width: `${(share / top) * 100}%` }} />}
          </label>
        );
      })}
    </fieldset>
  );
}

/**
 * Each parameter's domain as a radio group: the bar under a value is the share of valid configs using
 * it, a struck-out value survives no rule. Choosing a value puts it in the chosen config.
 */
export function ParameterDomains({
  space,
  analysis,
  config,
  onPick,
}: {
  space: TuningSpace;
  analysis: SpaceAnalysis | null;
  config: Config | null;
  onPick(name: string, value: number): void;
}) {
  return (
    <Card
      title="Parameters"
      subtitle="In decoding order. The bar under a value is its share of valid configs; struck-out values can never be valid here."
    >
      {space.params.map((param, p) => {
        const marginal = analysis?.marginals[p];
        return (
          <div className="param" key={param.name}>
            <div className="param-head">
              <span className="param-name">{param.name}</span>
              <span className="muted">{param.doc}</span>
            </div>
            <ValueChoice
              name={param.name}
              values={param.values}
              shares={marginal}
              chosen={config?.[param.name]}
              onPick={(value) => onPick(param.name, value)}
            />
          </div>
        );
      })}
    </Card>
  );
}
