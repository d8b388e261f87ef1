import { useId, useMemo, useState } from "react";
import { formatProblem, LAYOUTS, type Layout } from "../../../core/problem";
import { SUITES } from "../../../core/suites";
import { checkProblemText } from "../../explore/problemText";

/** Picks a layer of a real network and its memory layout; the chosen layer's text goes into the problem field. */
export function SuitePicker({ current, onPick }: { current: string; onPick(text: string): void }) {
  const id = useId();
  const [suiteId, setSuiteId] = useState(SUITES[0]?.id ?? "");
  // The layout is the shown problem's, so a recorded NHWC problem is among the layers; changing it
  // changes the problem's layout (a typed-in one too).
  const check = checkProblemText(current);
  const [layoutWhileInvalid, setLayoutWhileInvalid] = useState<Layout>("NCHW");
  const layout = check.ok ? check.problem.layout : layoutWhileInvalid;
  const pickLayout = (next: Layout) => {
    if (check.ok) onPick(formatProblem({ ...check.problem, layout: next }));
    else setLayoutWhileInvalid(next);
  };
  const suite = SUITES.find((s) => s.id === suiteId);
  const layers = useMemo(
    () =>
      suite ? suite.layers(1).map((l) => ({ ...l, text: formatProblem({ ...l.problem, layout }) })) : [],
    [suite, layout],
  );
  const selected = layers.find((l) => l.text === current)?.text ?? "";
  return (
    <div className="fields" style={{ gridTemplateColumns: "1fr 1fr", marginBottom: "0.75rem" }}>
      <div>
        <label className="field-label" htmlFor={`${id}-suite`}>
          Suite
        </label>
        <select
          id={`${id}-suite`}
          className="select"
          value={suiteId}
          onChange={(e) => setSuiteId(e.target.value)}
        >
          {SUITES.map((s) => (
            <option key={s.id} value={s.id}>
              {s.title}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label className="field-label" htmlFor={`${id}-layout`}>
          Layout
        </label>
        <select
          id={`${id}-layout`}
          className="select"
          value={layout}
          onChange={(e) => pickLayout(e.target.value as Layout)}
        >
          {LAYOUTS.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
      </div>
      <div style={{ gridColumn: "1 / -1" }}>
        <label className="field-label" htmlFor={`${id}-layer`}>
          Layer
        </label>
        <select
          id={`${id}-layer`}
          className="select"
          value={selected}
          onChange={(e) => e.target.value && onPick(e.target.value)}
        >
          <option value="">{selected ? "" : "choose a layer…"}</option>
          {layers.map((l) => (
            <option key={l.text} value={l.text}>
              {l.name}
              {l.count > 1 ? ` ×${l.count}` : ""} — {l.text}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
