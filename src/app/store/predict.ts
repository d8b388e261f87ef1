import { proxy } from "comlink";
import type { StateCreator } from "zustand/vanilla";
import type { CandidateStatus, DeviceInfo, TuningRecord } from "../../core/dataset/record";
import type { NeighbourBlend } from "../../core/model/baselines";
import type { Config } from "../../core/space/space";
import type { MeasureProgress } from "../../worker/index";
import { engine, errorMessage, modelEngine } from "../engine";
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
    }
  | { state: "failed"; problem: string; family: string; message: string };

export type Measurement =
  | { state: "idle" }
  | { state: "measuring"; done: number; total: number }
  | { state: "done"; tfjsNs: number | null }
  | { state: "cancelled" }
  | { state: "failed"; message: string };

/** MIOpen's convolution directions: forward, backward data, backward weights. */
export type Direction = "F" | "B" | "W";

export interface PredictSlice {
  topK: number;
  direction: Direction;
  prediction: Prediction;
  measurement: Measurement;
  setTopK(k: number): void;
  setDirection(direction: Direction): void;
  predict(problem: string): Promise<void>;
  /** Runs the candidates of a tunelab family on this GPU, then tfjs's conv2d on the same problem. */
  measureCandidates(): Promise<void>;
  cancelMeasurement(): Promise<void>;
}

let measureJob: string | null = null;

export const createPredictSlice: StateCreator<LabState, [], [], PredictSlice> = (set, get) => ({
  topK: 8,
  direction: "F",
  prediction: { state: "idle" },
  measurement: { state: "idle" },
  setTopK: (k) => set({ topK: Math.max(1, Math.min(64, Math.round(k) || 1)) }),
  setDirection: (direction) => set({ direction }),

  async predict(problem) {
    const current = get().model.current;
    const family = current?.solver ?? "";
    set({ prediction: { state: "predicting", problem, family }, measurement: { state: "idle" } });
    try {
      let candidates: PredictedCandidate[];
      let rerankedBy: NeighbourBlend | null = null;
      if (current?.kind === "tunelab") {
        const device = predictionDevice(get());
        if (!device)
          throw new Error("no device to predict for: this one has no WebGPU, and no recording is shown");
        const result = await modelEngine().predictRecords(problem, device, get().topK);
        if (!result.ok) throw new Error(result.message);
        candidates = result.candidates.map((c, i) => ({
          rank: i + 1,
          family: c.family,
          config: c.config,
          logProb: c.logProb,
        }));
      } else {
        const result = await modelEngine().predict(problem, get().direction, get().topK);
        if (!result.ok) throw new Error(result.message);
        candidates = result.candidates.map((c, i) => ({
          rank: i + 1,
          family,
          config: c.config,
          logProb: c.logProb,
        }));
        rerankedBy = result.rerankedBy;
      }
      set({ prediction: { state: "ready", problem, family, candidates, rerankedBy } });
    } catch (error) {
      set({ prediction: { state: "failed", problem, family, message: errorMessage(error) } });
    }
  },

  async measureCandidates() {
    const prediction = get().prediction;
    if (prediction.state !== "ready" || get().measurement.state === "measuring") return;
    const jobId = `measure-${Date.now()}`;
    measureJob = jobId;
    const total = prediction.candidates.length;
    set({ measurement: { state: "measuring", done: 0, total } });
    const onProgress = (p: MeasureProgress) => {
      if (measureJob !== jobId) return;
      set((s) => {
        const current = s.prediction;
        if (current.state !== "ready") return {};
        const candidates = current.candidates.map((c) =>
          c.family === p.record.family && JSON.stringify(c.config) === JSON.stringify(p.record.config)
            ? {
                ...c,
                measured: { status: p.record.status, medianNs: p.record.medianNs, message: p.record.message },
              }
            : c,
        );
        return {
          prediction: { ...current, candidates },
          measurement: { state: "measuring", done: p.done, total },
        };
      });
    };
    try {
      // A record-trained model's candidates may span families: measure each family's in turn.
      const records: TuningRecord[] = [];
      for (const family of new Set(prediction.candidates.map((c) => c.family))) {
        if (measureJob !== jobId) break;
        const configs = prediction.candidates.filter((c) => c.family === family).map((c) => c.config);
        const offset = records.length;
        const onFamily = (p: MeasureProgress) => onProgress({ ...p, done: offset + p.done });
        const request = { problem: prediction.problem, family, configs };
        records.push(...(await engine().measure(`${jobId}-${family}`, request, proxy(onFamily))));
      }
      if (records.length < total) {
        set({ measurement: { state: "cancelled" } });
        return;
      }
      const baseline = records.find((r) => r.baseline)?.baseline ?? null;
      let tfjsNs = baseline?.medianNs ?? null;
      if (tfjsNs === null) {
        const result = await engine().baseline(`${jobId}-tfjs`, prediction.problem);
        tfjsNs = result.ok ? result.baseline.medianNs : null;
      }
      set((s) => {
        const current = s.prediction;
        if (current.state !== "ready") return { measurement: { state: "done", tfjsNs } };
        const byConfig = new Map(records.map((r) => [`${r.family}|${JSON.stringify(r.config)}`, r]));
        const candidates = current.candidates.map((c) => {
          const r = byConfig.get(`${c.family}|${JSON.stringify(c.config)}`);
          return r ? { ...c, measured: { status: r.status, medianNs: r.medianNs, message: r.message } } : c;
        });
        return { prediction: { ...current, candidates }, measurement: { state: "done", tfjsNs } };
      });
      await get().loadRecords();
    } catch (error) {
      set({ measurement: { state: "failed", message: errorMessage(error) } });
    }
  },

  async cancelMeasurement() {
    const job = measureJob;
    measureJob = null;
    const running = (await engine().jobs()).running;
    if (job && running?.startsWith(job)) await engine().cancel(running);
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

/** The device a record-trained model predicts for: the recording's in demo mode, else this GPU. */
function predictionDevice(state: LabState): DeviceInfo | null {
  if (state.view.demo) return state.demoRecords[0]?.device ?? null;
  if (state.device.state !== "ready") return null;
  const { vendor, architecture, description, limits } = state.device.report.adapter;
  return { vendor, architecture, description, limits, peakGflops: null, peakGBps: null };
}
