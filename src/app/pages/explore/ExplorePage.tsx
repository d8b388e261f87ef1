import { useEffect, useMemo, useRef, useState } from "react";
import type { TuningRecord } from "../../../core/dataset/record";
import { FAMILIES, familyRefusal } from "../../../core/families/index";
import type { ConvProblem } from "../../../core/problem";
import { formatProblem } from "../../../core/problem";
import { type Config, checkConfig, enumerate, type TuningSpace } from "../../../core/space/space";
import { CodeView } from "../../components/CodeView";
import { Heatmap } from "../../components/Heatmap";
import { Callout, Card } from "../../components/ui";
import type { SpaceAnalysis } from "../../explore/analysis";
import { nearestValid } from "../../explore/nearest";
import { ProblemInput } from "../../explore/ProblemInput";
import { checkProblemText } from "../../explore/problemText";
import { ConstraintFunnel, ParameterDomains, useSpaceAnalysis } from "../../explore/SpaceView";
import { configText, count, duration } from "../../format";
import { useLab } from "../../store";
import { fastestByPair } from "../../sweep/derive";
import { formatConfigText, parseConfigText } from "../../url";
import { deviceLimits, recordedLimits } from "../device/adapter";
import { FamilyPicker } from "./FamilyPicker";
import { SuitePicker } from "./SuitePicker";

export default function ExplorePage() {
  const view = useLab((s) => s.view);
  const setView = useLab((s) => s.setView);
  const device = useLab((s) => s.device);
  const demo = useLab((s) => s.view.demo);
  const demoRecords = useLab((s) => s.demoRecords);
  const check = checkProblemText(view.problem);
  const problem = check.ok ? check.problem : null;
  const problemKey = problem ? formatProblem(problem) : "";
  // In demo mode the spaces are the recorded GPU's, so its measurements sit in the right places.
  const limits = useMemo(
    () =>
      (demo && recordedLimits(demoRecords, problemKey)) ||
      deviceLimits(device.state === "ready" ? device.report.adapter : null),
    [demo, demoRecords, device, problemKey],
  );
  const family = pickFamily(view.family, problem);
  const refusal = problem && family ? familyRefusal(family, problem, limits) : null;
  // The space depends only on the problem's canonical text, the family and the limits.
  // biome-ignore lint/correctness/useExhaustiveDependencies: problemKey stands for problem
  const space = useMemo(
    () => (problem && family && !refusal ? family.space(problem, limits) : null),
    [problemKey, family, limits, refusal],
  );
  const analysisState = useSpaceAnalysis(space);
  const sweepRecords = useLab((s) => s.sweepRecords);
  const loadSweepRecords = useLab((s) => s.loadSweepRecords);
  useEffect(() => {
    if (problemKey && family) loadSweepRecords(problemKey, family.id);
  }, [problemKey, family, loadSweepRecords]);
  const analysis = analysisState?.state === "done" ? analysisState.analysis : null;

  const config = useMemo(() => chosenConfig(space, view.config), [space, view.config]);
  const violations = space && config ? checkConfig(space, config) : [];
  // Picking a value moves to the nearest valid config that has it (a dead value keeps the config).
  const pick = (fixed: Config) => {
    if (!space || !config) return;
    const next = nearestValid(space, config, fixed);
    if (next) setView({ config: formatConfigText(next) });
  };

  return (
    <div className="page-grid sidebar">
      <div className="stack">
        <Card title="Problem" subtitle="A layer of a real network, or any convolution in the text form.">
          <SuitePicker onPick={(text) => setView({ problem: text, config: "" })} current={problemKey} />
          <ProblemInput value={view.problem} onChange={(text) => setView({ problem: text, config: "" })} />
        </Card>
        <FamilyPicker
          limits={limits}
          families={FAMILIES}
          problem={problem}
          selected={family?.id ?? ""}
          onSelect={(id) => setView({ family: id, config: "" })}
        />
      </div>
      <div className="stack">
        {!problem && (
          <Callout tone="info" title="Waiting for a valid problem">
            Fix the problem text to see its tuning space.
          </Callout>
        )}
        {problem && !family && (
          <Callout tone="warn" title="No kernel family">
            {FAMILIES.length === 0
              ? "This build registers no kernel families yet."
              : "No registered family supports this problem."}
          </Callout>
        )}
        {problem && family && refusal && (
          <Callout tone="warn" title={`${family.title} cannot run this problem here`}>
            {refusal}.{" "}
            {family.roof === "matrix" &&
              "Tensor cores need a browser that offers WebGPU's subgroup matrices and shader-f16: Chrome with --enable-unsafe-webgpu (chrome://flags/#enable-unsafe-webgpu) on a GPU that has them. The recorded demo shows an H200's tensor-core space and kernels."}
          </Callout>
        )}
        {space && analysisState?.state === "running" && (
          <Card title="Tuning space">
            <p className="muted" aria-live="polite">
              Walking the space… {count(analysisState.visited)} nodes
            </p>
          </Card>
        )}
        {analysis && <ConstraintFunnel analysis={analysis} />}
        {space && analysis && space.params.length >= 2 && (
          <SpaceMap
            space={space}
            analysis={analysis}
            config={config}
            xParam={view.xParam}
            yParam={view.yParam}
            onAxes={(xParam, yParam) => setView({ xParam, yParam })}
            records={
              view.demo
                ? demoRecords.filter((r) => r.problem.text === problemKey && r.family === family?.id)
                : sweepRecords
            }
            onPick={pick}
          />
        )}
        {space && (
          <ParameterDomains
            space={space}
            analysis={analysis}
            config={config}
            onPick={(name, value) => pick({ [name]: value })}
          />
        )}
        {problem && family && space && config && (
          <ShaderCard
            problem={problem}
            familyId={family.id}
            config={config}
            violations={violations.map((v) => v.message)}
            limits={limits}
            settled={analysis !== null}
          />
        )}
      </div>
    </div>
  );
}

function pickFamily(id: string, problem: ConvProblem | null) {
  const named = FAMILIES.find((f) => f.id === id);
  if (named) return named;
  return FAMILIES.find((f) => !problem || !f.unsupported(problem)) ?? null;
}

/** The config in the URL, completed from the first valid config for any parameter it lacks. */
function chosenConfig(space: TuningSpace | null, text: string): Config | null {
  if (!space) return null;
  const first = enumerate(space).next();
  const base: Config = first.done ? {} : first.value;
  const fromUrl = parseConfigText(text);
  const config: Config = {};
  for (const p of space.params) config[p.name] = fromUrl[p.name] ?? base[p.name] ?? (p.values[0] as number);
  return config;
}

function SpaceMap({
  space,
  analysis,
  records,
  config,
  xParam,
  yParam,
  onAxes,
  onPick,
}: {
  space: TuningSpace;
  analysis: SpaceAnalysis;
  /** Measured candidates of this problem and family: when there are some, the map can shade by speed. */
  records: readonly TuningRecord[];
  config: Config | null;
  xParam: string;
  yParam: string;
  onAxes(x: string, y: string): void;
  onPick(c: Config): void;
}) {
  const [shade, setShade] = useState<"count" | "runtime">("count");
  const names = space.params.map((p) => p.name);
  const xi = Math.max(0, names.indexOf(xParam));
  let yi = names.indexOf(yParam);
  if (yi < 0 || yi === xi) yi = xi === 0 ? 1 : 0;
  const x = space.params[xi];
  const y = space.params[yi];
  if (!x || !y) return null;
  const table = analysis.pairCounts(xi, yi);
  const fastest = shade === "runtime" ? fastestByPair(records, x.name, y.name) : null;
  return (
    <Card
      title="Space map"
      subtitle={
        fastest
          ? "The fastest runtime measured for each pair of values: where the speed lives."
          : "Valid configs for each pair of values: where the rules leave room, and where they wall it off."
      }
      actions={
        <>
          {records.length > 0 && (
            <label className="inline-field">
              <span className="field-label">Shade by</span>
              <select
                className="select"
                value={shade}
                onChange={(e) => setShade(e.target.value as "count" | "runtime")}
              >
                <option value="count">valid configs</option>
                <option value="runtime">fastest measured</option>
              </select>
            </label>
          )}
          <AxisSelect
            label="Across"
            names={names}
            value={x.name}
            onChange={(name) => onAxes(name, y.name === name ? x.name : y.name)}
          />
          <AxisSelect
            label="Down"
            names={names}
            value={y.name}
            onChange={(name) => onAxes(x.name === name ? y.name : x.name, name)}
          />
        </>
      }
    >
      <Heatmap
        label={`${fastest ? "Fastest runtime" : "Valid configs"} by ${x.name} and ${y.name}`}
        xName={x.name}
        yName={y.name}
        xValues={x.values}
        yValues={y.values}
        cell={(a, b) => {
          if (fastest) return fastest.get(`${x.values[a]},${y.values[b]}`)?.medianNs ?? null;
          const v = table[a]?.[b] ?? 0;
          return v === 0 ? null : v;
        }}
        describe={(a, b) => {
          const r = fastest?.get(`${x.values[a]},${y.values[b]}`);
          return r ? `fastest ${configText(r.config)}` : null;
        }}
        format={fastest ? duration : count}
        better={fastest ? "low" : "high"}
        selected={config ? { x: config[x.name] ?? Number.NaN, y: config[y.name] ?? Number.NaN } : null}
        onSelect={(a, b) => onPick({ [x.name]: a, [y.name]: b })}
        legend={
          fastest
            ? "Stronger colour: faster. Hatched: not measured. Press a cell to choose it."
            : "Stronger colour: more valid configs. Hatched: no valid config. Press a cell to choose it."
        }
      />
    </Card>
  );
}

function AxisSelect({
  label,
  names,
  value,
  onChange,
}: {
  label: string;
  names: string[];
  value: string;
  onChange(name: string): void;
}) {
  return (
    <label className="inline-field">
      <span className="field-label">{label}</span>
      <select className="select" value={value} onChange={(e) => onChange(e.target.value)}>
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </label>
  );
}

function ShaderCard({
  problem,
  familyId,
  config,
  violations,
  limits,
  settled,
}: {
  problem: ConvProblem;
  familyId: string;
  config: Config;
  violations: string[];
  limits: ReturnType<typeof deviceLimits>;
  /** Whether the cards above have their final size (the space analysed), so a scroll here stays. */
  settled: boolean;
}) {
  const family = FAMILIES.find((f) => f.id === familyId);
  const plan = useMemo(() => {
    if (!family || violations.length) return null;
    try {
      return { ok: true as const, plan: family.plan(problem, config, limits) };
    } catch (error) {
      return { ok: false as const, message: String(error) };
    }
  }, [family, problem, config, limits, violations.length]);
  const configLine = Object.entries(config)
    .map(([k, v]) => `${k}=${v}`)
    .join("  ");
  // A chart sent us here to see this config's code: show it.
  const revealShader = useLab((s) => s.revealShader);
  const shaderRevealed = useLab((s) => s.shaderRevealed);
  const anchor = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!revealShader || !settled) return;
    anchor.current?.scrollIntoView({ block: "start" });
    anchor.current?.focus({ preventScroll: true });
    shaderRevealed();
  }, [revealShader, settled, shaderRevealed]);
  return (
    <div ref={anchor} tabIndex={-1} className="reveal-target" data-testid="shader-card">
      <Card title="Generated WGSL" subtitle={<span className="mono">{configLine}</span>}>
        {violations.length > 0 && (
          <div className="violations" role="alert">
            This config breaks {violations.length === 1 ? "a rule" : `${violations.length} rules`}:
            <ul>
              {violations.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          </div>
        )}
        {plan && !plan.ok && (
          <Callout tone="bad" title="Code generation failed">
            {plan.message}
          </Callout>
        )}
        {plan?.ok &&
          plan.plan.passes.map((pass) => (
            <div key={pass.label}>
              <h3>
                {pass.label}{" "}
                <span className="muted mono">
                  dispatch {pass.dispatch.join("×")} · entry {pass.entryPoint}
                </span>
              </h3>
              <CodeView code={pass.wgsl} label={`WGSL of ${pass.label}`} />
            </div>
          ))}
      </Card>
    </div>
  );
}
