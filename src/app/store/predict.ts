import { proxy } from "comlink";
import type { StateCreator } from "zustand/vanilla";
import { deviceInfoOf } from "../../core/dataset/device";
import {
  type CandidateStatus,
  type DeviceInfo,
  familyConfigKey,
  type TuningRecord,
} from "../../core/dataset/record";
import type { NeighbourBlend } from "../../core/learn/baselines";
import type { Explanation } from "../../core/learn/explain";
import type { Config } from "../../core/space/space";
import type { MeasureProgress } from "../../worker/index";
import type { PredictRequest } from "../../worker/model-api";
import { errorMessage } from "../engine";
import type { LabState } from "./index";

/** One of the beam's candidates, and (once measured) how it ran. */
export interface PredictedCandidate {
  rank: number;
  /** The kernel family (for a model of this lab's records) or MIOpen solver the config belongs to. */
  family: string;
  config: Config;
  /** The beam's score: sum of masked, renormalised log-probabilities. */
  logProb: number;
  measured?: { status: CandidateStatus; medianNs: number | null; message: string };
}

export type Prediction =
  | { state: "idle" }
  | { state: "predicting"; problem: string; family: string }
  | {
      state: "ready";
      problem: string;
      family: string;
      candidates: PredictedCandidate[];
      /** The neighbour blend that ordered the candidates (as `eval` scores them); null: the model's scores. */
      rerankedBy: NeighbourBlend | null;
      /** What the model was asked, and for how many candidates: an explanation decodes the same. */
      asked: { request: PredictRequest; width: number };
    }
  | { state: "failed"; problem: string; family: string; message: string };

export type Measurement =
  | { state: "idle" }
  | { state: "measuring"; jobId: string; done: number; total: number }
  | { state: "done"; tfjsNs: number | null }
  | { state: "cancelled" }
  | { state: "failed"; message: string };

/** How the beam searched for a prediction, asked for after it (the untraced prediction stays fast). */
export type ExplanationState =
  | { state: "idle" }
  | { state: "explaining"; problem: string }
  | { state: "ready"; problem: string; explanation: Explanation }
  | { state: "failed"; problem: string; message: string };

/** MIOpen's convolution directions: forward, backward data, backward weights. */
export type Direction = "F" | "B" | "W";

export interface PredictSlice {
  topK: number;
  direction: Direction;
  prediction: Prediction;
  explanation: ExplanationState;
  measurement: Measurement;
  setTopK(k: number): void;
  setDirection(direction: Direction): void;
  predict(problem: string): Promise<void>;
  /** Decodes the predicted problem again, traced, with the saliency of its best-scoring candidate. */
  explain(): Promise<void>;
  /** Runs the candidates of a tunelab family on this GPU, then tfjs's conv2d on the same problem. */
  measureCandidates(): Promise<void>;
  cancelMeasurement(): Promise<void>;
}

export const createPredictSlice: StateCreator<LabState, [], [], PredictSlice> = (set, get) => ({
  topK: 8,
  direction: "F",
  prediction: { state: "idle" },
  explanation: { state: "idle" },
  measurement: { state: "idle" },
  setTopK: (k) => set({ topK: Math.max(1, Math.min(64, Math.round(k) || 1)) }),
  setDirection: (direction) => set({ direction }),

  async predict(problem) {
    const family = get().model.current?.families.join(", ") ?? "";
    set({
      prediction: { state: "predicting", problem, family },
      explanation: { state: "idle" },
      measurement: { state: "idle" },
    });
    try {
      const asked = { request: predictRequest(get(), problem), width: get().topK };
      const result = await get().engines.modelEngine().predict(asked.request, asked.width);
      if (!result.ok) throw new Error(result.message);
      const candidates = result.candidates.map((c, i) => ({
        rank: i + 1,
        family: c.family,
        config: c.config,
        logProb: c.logProb,
      }));
      set({
        prediction: { state: "ready", problem, family, candidates, rerankedBy: result.rerankedBy, asked },
      });
    } catch (error) {
      set({ prediction: { state: "failed", problem, family, message: errorMessage(error) } });
    }
  },

  async explain() {
    const prediction = get().prediction;
    if (prediction.state !== "ready") return;
    const { problem } = prediction;
    set({ explanation: { state: "explaining", problem } });
    const still = () => get().prediction === prediction;
    try {
      const { request, width } = prediction.asked;
      const explanation = await get().engines.modelEngine().explain(request, width);
      if (still()) set({ explanation: { state: "ready", problem, explanation } });
    } catch (error) {
      if (still()) set({ explanation: { state: "failed", problem, message: errorMessage(error) } });
    }
  },

  async measureCandidates() {
    const prediction = get().prediction;
    if (prediction.state !== "ready" || get().measurement.state === "measuring") return;
    const jobId = `measure-${Date.now()}`;
    const total = prediction.candidates.length;
    const stillMeasuring = () => {
      const m = get().measurement;
      return m.state === "measuring" && m.jobId === jobId;
    };
    set({ measurement: { state: "measuring", jobId, done: 0, total } });
    /** The prediction's candidates with these records' measurements (matched by family and config). */
    const withMeasured = (candidates: PredictedCandidate[], records: readonly TuningRecord[]) => {
      const byConfig = new Map(records.map((r) => [familyConfigKey(r.family, r.config), r]));
      return candidates.map((c) => {
        const r = byConfig.get(familyConfigKey(c.family, c.config));
        return r ? { ...c, measured: { status: r.status, medianNs: r.medianNs, message: r.message } } : c;
      });
    };
    try {
      // A record-trained model's candidates may span families: measure each family's in turn.
      const records: TuningRecord[] = [];
      for (const family of new Set(prediction.candidates.map((c) => c.family))) {
        if (!stillMeasuring()) break;
        const configs = prediction.candidates.filter((c) => c.family === family).map((c) => c.config);
        const offset = records.length;
        const onProgress = (p: MeasureProgress) => {
          if (!stillMeasuring()) return;
          set((s) =>
            s.prediction.state === "ready"
              ? {
                  prediction: {
                    ...s.prediction,
                    candidates: withMeasured(s.prediction.candidates, [p.record]),
                  },
                  measurement: { state: "measuring", jobId, done: offset + p.done, total },
                }
              : {},
          );
        };
        const request = { problem: prediction.problem, family, configs };
        records.push(
          ...(await get().engines.engine().measure(`${jobId}-${family}`, request, proxy(onProgress))),
        );
      }
      if (records.length < total) {
        set({ measurement: { state: "cancelled" } });
        return;
      }
      const baseline = records.find((r) => r.baseline)?.baseline ?? null;
      let tfjsNs = baseline?.medianNs ?? null;
      if (tfjsNs === null) {
        const result = await get().engines.engine().baseline(`${jobId}-tfjs`, prediction.problem);
        tfjsNs = result.ok ? result.baseline.medianNs : null;
      }
      set((s) => ({
        ...(s.prediction.state === "ready"
          ? { prediction: { ...s.prediction, candidates: withMeasured(s.prediction.candidates, records) } }
          : {}),
        measurement: { state: "done", tfjsNs },
      }));
      await get().loadRecords();
    } catch (error) {
      set({ measurement: { state: "failed", message: errorMessage(error) } });
    }
  },

  async cancelMeasurement() {
    const measurement = get().measurement;
    if (measurement.state !== "measuring") return;
    set({ measurement: { state: "cancelled" } });
    const running = (await get().engines.engine().jobs()).running;
    if (running?.startsWith(measurement.jobId)) await get().engines.engine().cancel(running);
  },
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

/** What the model Worker is asked for a problem: the direction (MIOpen) and the device it is for (records). */
function predictRequest(state: LabState, problem: string): PredictRequest {
  const device = predictionDevice(state);
  return { problem, direction: state.direction, ...(device ? { device } : {}) };
}

/** The device a record-trained model predicts for: the recording's in demo mode, else this GPU. */
function predictionDevice(state: LabState): DeviceInfo | null {
  if (state.view.demo) return state.demoRecords[0]?.device ?? null;
  if (state.device.state !== "ready") return null;
  return deviceInfoOf(state.device.report.adapter, null);
}
