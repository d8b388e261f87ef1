import { useId, useState } from "react";
import { stepMass, type TraceStep } from "../../../core/learn/beam";
import type { Explanation, Saliency } from "../../../core/learn/explain";
import { Heatmap } from "../../components/Heatmap";
import { Callout, Card } from "../../components/ui";
import { useLab } from "../../store";

const percent = (p: number) => `${(p * 100).toFixed(p > 0 && p < 0.01 ? 2 : 1)}%`;

/** A partial config as `BM=32 BN=64`, in decoding order. */
const prefixText = (names: readonly string[], values: readonly number[]) =>
  values.map((v, i) => `${names[i]}=${v}`).join(" ") || "(start)";

/**
 * How the constrained beam searched, and which problem features drive each predicted parameter: the
 * prediction decoded again with a trace, on demand (shown once there is a prediction).
 */
export function ExplainCards() {
  const explanation = useLab((s) => s.explanation);
  const explain = useLab((s) => s.explain);
  const ready = explanation.state === "ready" ? explanation.explanation : null;
  return (
    <>
      <Card
        title="How the beam searched"
        subtitle="The constrained beam search, one tuning parameter at a time: the partial configs it kept with their scores, and the values the kernel's and device's rules masked before the model's probabilities were renormalised."
      >
        {!ready && (
          <div className="card-actions">
            <button
              type="button"
              className="button"
              disabled={explanation.state === "explaining"}
              onClick={() => explain()}
            >
              Show the search
            </button>
          </div>
        )}
        {explanation.state === "explaining" && <p aria-live="polite">Decoding again, step by step…</p>}
        {explanation.state === "failed" && (
          <Callout tone="bad" title="No trace">
            {explanation.message}
          </Callout>
        )}
        {ready && <BeamSteps explanation={ready} />}
      </Card>
      {ready?.saliency && <FeatureSaliency saliency={ready.saliency} />}
    </>
  );
}

function BeamSteps({ explanation }: { explanation: Explanation }) {
  const { trace, result } = explanation;
  const best = result.ok ? result.candidates[0]?.family : undefined;
  const [family, setFamily] = useState(best ?? trace.beams[0]?.family ?? "");
  const [position, setPosition] = useState(0);
  const stepId = useId();
  const beam = trace.beams.find((b) => b.family === family) ?? trace.beams[0];
  if (!beam) return <p className="muted">The model knows no family that runs this problem.</p>;
  const steps = beam.result.trace;
  const at = Math.min(position, steps.length - 1);
  const step = steps[at] as TraceStep;
  const names = steps.map((s) => s.param);
  return (
    <div className="stack" data-testid="beam-steps">
      <p>
        First the family:{" "}
        {trace.families.map((f, i) => (
          <span key={f.family}>
            {i > 0 && ", "}
            {f.allowed ? (
              <span className="mono">{f.family}</span>
            ) : (
              <s className="masked-value mono">{f.family}</s>
            )}{" "}
            {percent(Math.exp(f.logProb))}
            {f.refusal && <span className="muted"> (masked: {f.refusal})</span>}
          </span>
        ))}
        . Each allowed family gets its own beam; a candidate's score adds its family's log-probability.
      </p>
      <div className="fields">
        <label>
          <span className="field-label">Family's beam (its share once masked)</span>
          <select
            className="select"
            value={beam.family}
            onChange={(e) => {
              setFamily(e.target.value);
              setPosition(0);
            }}
          >
            {trace.beams.map((b) => (
              <option key={b.family} value={b.family}>
                {b.family} {percent(Math.exp(b.familyLogProb))}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor={stepId}>
          <span className="field-label">
            Step {at + 1} of {steps.length}: <span className="mono">{step.param}</span>
          </span>
          <input
            id={stepId}
            type="range"
            min={0}
            max={steps.length - 1}
            value={at}
            aria-valuetext={`step ${at + 1} of ${steps.length}, ${step.param}`}
            onChange={(e) => setPosition(e.target.valueAsNumber)}
          />
        </label>
      </div>
      {beam.result.ok ? null : (
        <Callout tone="warn" title={`No ${beam.family} config`}>
          {beam.result.message}
        </Callout>
      )}
      <StepDetail step={step} names={names} familyLogProb={beam.familyLogProb} />
    </div>
  );
}

function StepDetail({
  step,
  names,
  familyLogProb,
}: {
  step: TraceStep;
  names: readonly string[];
  familyLogProb: number;
}) {
  const mass = stepMass(step);
  // The vocabulary is the same after every prefix: its gaps are said once, not on every row.
  const tokenless = [
    ...new Set(
      step.expansions.flatMap((e) => e.masked.filter((m) => m.rule === "vocabulary").map((m) => m.value)),
    ),
  ];
  return (
    <>
      <p data-testid="step-mass">
        Constraints removed <strong>{percent(mass.masked)}</strong> of the probability mass at{" "}
        <span className="mono">{step.param}</span>; the allowed values held {percent(mass.allowed)}
        {mass.elsewhere >= 0.0005 && (
          <>
            , tokens that are no value of {step.param} {percent(mass.elsewhere)}
          </>
        )}{" "}
        <span className="muted">(over the kept prefixes, weighted by their scores)</span>.
      </p>
      <div className="table-scroll">
        <table className="table" data-testid="kept-beams">
          <caption className="sr-only">Partial configs kept after {step.param}</caption>
          <thead>
            <tr>
              <th scope="col" className="num">
                Kept
              </th>
              <th scope="col">Partial config</th>
              <th scope="col" className="num">
                Score
              </th>
            </tr>
          </thead>
          <tbody>
            {step.kept.map((k, i) => (
              <tr key={k.values.join()}>
                <td className="num">{i + 1}</td>
                <td className="mono">
                  {prefixText(names, k.values.slice(0, -1))}{" "}
                  <span className="new-value">
                    {step.param}={k.values.at(-1)}
                  </span>
                </td>
                <td className="num mono">{(k.logProb + familyLogProb).toFixed(3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted">
        Scores include the family's log-probability ({familyLogProb.toFixed(3)}), as in the candidates' table.
        Each kept prefix was extended by every value of {step.param}; the model's probability of each, and the
        values the rules masked:
      </p>
      <ul className="expansions" data-testid="expansions">
        {step.expansions.map((e) => (
          <li key={e.prefix.join()}>
            <span className="mono">{prefixText(names, e.prefix)}</span> →{" "}
            {e.allowed.map((a) => (
              <span key={a.value} className="mono allowed-value">
                {step.param}={a.value} {percent(Math.exp(a.logProb))}{" "}
              </span>
            ))}
            {e.masked
              .filter((m) => m.rule !== "vocabulary")
              .map((m) => (
                <div key={m.value}>
                  <s className="masked-value mono">
                    {step.param}={m.value}
                  </s>{" "}
                  {Number.isFinite(m.logProb) && (
                    <span className="mono">{percent(Math.exp(m.logProb))} </span>
                  )}
                  <span className="muted">
                    masked by {m.rule}: {m.message}
                  </span>
                </div>
              ))}
          </li>
        ))}
      </ul>
      {tokenless.length > 0 && (
        <p className="muted">
          Never in training, so the model has no token for{" "}
          {tokenless.map((v, i) => (
            <span key={v}>
              {i > 0 && ", "}
              <s className="masked-value mono">
                {step.param}={v}
              </s>
            </span>
          ))}
          : the beam cannot emit {tokenless.length === 1 ? "it" : "them"}.
        </p>
      )}
    </>
  );
}

function FeatureSaliency({ saliency }: { saliency: Saliency }) {
  const tokens = saliency.tokens;
  return (
    <Card
      title="What drives each parameter"
      subtitle="Gradient saliency of the best-scoring candidate: how strongly each chosen value's log-probability responds to each problem feature (the gradient's size over the feature's encoding), as a share per column. The model's attention, where it has one, looks at the encoder's running states, which mix the features read before, so it cannot name one feature: gradients can."
    >
      <Heatmap
        label="Feature saliency per predicted token"
        xName="token"
        yName="feature"
        xValues={tokens.map((_, i) => i)}
        yValues={saliency.features.map((_, i) => i)}
        xText={(x) => {
          const t = tokens[x];
          return t ? `${t.name}=${t.value}` : "";
        }}
        yText={(y) => {
          const f = saliency.features[y];
          return f ? `${f.label} = ${f.value}` : "";
        }}
        cell={(x, y) => tokens[x]?.weights[y] ?? null}
        format={(v) => `${Math.round(v * 100)}`}
        better="high"
        legend="Cells: each feature's share (%) of the column's saliency; darker drives that choice more."
      />
    </Card>
  );
}
