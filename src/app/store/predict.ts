import type { StateCreator } from "zustand/vanilla";
import type { CandidateStatus } from "../../core/dataset/record";
import type { Config } from "../../core/space/space";
import type { LabState } from "./index";

/** One of the beam's candidates, and (once measured) how it ran. */
export interface PredictedCandidate {
  rank: number;
  config: Config;
  /** The beam's score: sum of masked, renormalised log-probabilities. */
  logProb: number;
  measured?: { status: CandidateStatus; medianNs: number | null; message: string };
}

export type Prediction =
  | { state: "idle" }
  | { state: "predicting"; problem: string; family: string }
  | { state: "ready"; problem: string; family: string; candidates: PredictedCandidate[] }
  | { state: "failed"; problem: string; family: string; message: string };

export type Measurement =
  | { state: "idle" }
  | { state: "measuring"; done: number; total: number }
  | { state: "done"; tfjsNs: number | null }
  | { state: "cancelled" }
  | { state: "failed"; message: string };

export interface PredictSlice {
  topK: number;
  prediction: Prediction;
  measurement: Measurement;
  setTopK(k: number): void;
}

export const createPredictSlice: StateCreator<LabState, [], [], PredictSlice> = (set) => ({
  topK: 8,
  prediction: { state: "idle" },
  measurement: { state: "idle" },
  setTopK: (k) => set({ topK: Math.max(1, Math.min(64, Math.round(k) || 1)) }),
});

/** How many times faster the best measured candidate is than tfjs's conv2d (null until both are known). */
export function speedupOverTfjs(
  candidates: readonly PredictedCandidate[],
  tfjsNs: number | null,
): number | null {
  const times = candidates.flatMap((c) =>
    c.measured?.status === "ok" && c.measured.medianNs ? [c.measured.medianNs] : [],
  );
  if (tfjsNs === null || !times.length) return null;
  return tfjsNs / Math.min(...times);
}
