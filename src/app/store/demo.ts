import type { StateCreator } from "zustand/vanilla";
import type { TuningRecord } from "../../core/dataset/record";
import { formatProblem, LAYOUTS } from "../../core/problem";
// Types only: the recording's schema (zod) loads when the demo is first looked for.
import type { DemoAvailability } from "../demo";
import { checkProblemText } from "../explore/problemText";
import type { ViewState } from "../url";
import type { LabState } from "./index";

export interface DemoSlice {
  demoData: DemoAvailability;
  checkDemo(): Promise<void>;
  /** Moves the view to a recorded problem and family when the one shown has no recorded measurements. */
  openRecordedProblem(): void;
}

export const createDemoSlice: StateCreator<LabState, [], [], DemoSlice> = (set, get) => ({
  demoData: { state: "checking" },
  async checkDemo() {
    const { findRecording } = await import("../demo");
    set({ demoData: await findRecording() });
  },
  openRecordedProblem() {
    const recorded = recordedView(get().view, get().demoRecords);
    if (recorded) get().setView(recorded);
  },
});

/**
 * Where the demo opens: the problem shown if it was recorded, else the same problem in a recorded
 * layout (the recording may be NHWC where the lab defaults to NCHW), else the most measured one; with
 * its most measured family. Null when the view already shows recorded measurements.
 */
export function recordedView(
  view: ViewState,
  records: readonly TuningRecord[],
): Pick<ViewState, "problem" | "family" | "config"> | null {
  const counts = new Map<string, Map<string, number>>();
  for (const r of records) {
    const families = counts.get(r.problem.text) ?? new Map<string, number>();
    families.set(r.family, (families.get(r.family) ?? 0) + 1);
    counts.set(r.problem.text, families);
  }
  const total = (problem: string) => [...(counts.get(problem)?.values() ?? [])].reduce((a, b) => a + b, 0);
  const check = checkProblemText(view.problem);
  const shown = check.ok ? formatProblem(check.problem) : "";
  if (counts.get(shown)?.has(view.family)) return null;
  const twins = check.ok ? LAYOUTS.map((layout) => formatProblem({ ...check.problem, layout })) : [];
  const mostMeasured = [...counts.keys()].sort((a, b) => total(b) - total(a));
  const problem = [shown, ...twins, ...mostMeasured].find((text) => counts.has(text));
  if (!problem) return null;
  const families = [...(counts.get(problem)?.entries() ?? [])].sort((a, b) => b[1] - a[1]);
  return { problem, family: families[0]?.[0] ?? "", config: "" };
}
