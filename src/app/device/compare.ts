import type { TuningRecord } from "../../core/dataset/record";
import { fastestBy, type MeasuredRecord } from "../sweep/derive";

/** One problem measured on both GPUs: the fastest kernel each found, and how their times compare. */
export interface ProblemComparison {
  problem: string;
  here: MeasuredRecord;
  recorded: MeasuredRecord;
  /** This GPU's best time over the recorded GPU's: above 1, this GPU is that many times slower. */
  ratio: number;
}

export interface DeviceComparison {
  /** Problems both measured, in the recording's order of problem text. */
  shared: ProblemComparison[];
  /** Problems only this GPU measured, and only the recorded GPU measured. */
  onlyHere: number;
  onlyRecorded: number;
}

/** This GPU's records against a recording, problem by problem (the fastest kernel of any family each). */
export function compareDevices(
  here: readonly TuningRecord[],
  recorded: readonly TuningRecord[],
): DeviceComparison {
  const byProblem = (r: MeasuredRecord) => r.problem.text;
  const mine = fastestBy(here, byProblem);
  const theirs = fastestBy(recorded, byProblem);
  const shared: ProblemComparison[] = [];
  for (const [problem, r] of [...theirs].sort(([a], [b]) => a.localeCompare(b))) {
    const h = mine.get(problem);
    if (h) shared.push({ problem, here: h, recorded: r, ratio: h.medianNs / r.medianNs });
  }
  return {
    shared,
    onlyHere: mine.size - shared.length,
    onlyRecorded: theirs.size - shared.length,
  };
}
