import { useId } from "react";
import { outputSize, problemFlops, tensorElements } from "../../core/problem";
import { si } from "../format";
import { checkProblemText } from "./problemText";

/**
 * The problem's text form, validated on every keystroke: the faulty segment is marked in place and
 * the message names it. The summary below shows what the problem means (output size, work, tensors).
 */
export function ProblemInput({
  value,
  onChange,
  label = "Problem",
}: {
  value: string;
  onChange(text: string): void;
  label?: string;
}) {
  const id = useId();
  const check = checkProblemText(value);
  const segments = value.split(",");
  return (
    <div className="problem-input">
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <input
        id={id}
        className={`text-input mono ${check.ok ? "" : "invalid"}`}
        value={value}
        spellCheck={false}
        autoComplete="off"
        aria-invalid={!check.ok}
        aria-describedby={`${id}-status`}
        onChange={(e) => onChange(e.target.value)}
      />
      {!check.ok && (
        <div className="segments mono" aria-hidden="true">
          {segments.map((segment, i) => (
            <span
              // biome-ignore lint/suspicious/noArrayIndexKey: segments are positional
              key={i}
              className={!check.ok && check.segment === i ? "segment bad" : "segment"}
            >
              {segment}
              {i < segments.length - 1 ? "," : ""}
            </span>
          ))}
        </div>
      )}
      <p id={`${id}-status`} className={check.ok ? "field-hint" : "field-error"} aria-live="polite">
        {check.ok ? <ProblemSummary problem={check.problem} /> : check.message}
      </p>
    </div>
  );
}

function ProblemSummary({ problem }: { problem: Parameters<typeof problemFlops>[0] }) {
  const { p, q } = outputSize(problem);
  const t = tensorElements(problem);
  return (
    <>
      output {problem.n}×{problem.k}×{p}×{q} · {si(problemFlops(problem), "FLOP")} · tensors {si(t.input)} /{" "}
      {si(t.filter)} / {si(t.output)} elements
    </>
  );
}
