import { proxy } from "comlink";
import type { StateCreator } from "zustand/vanilla";
import { DEFAULT_TRAIN_OPTIONS } from "../../core/model/defaults";
// Types only: a value import would pull tfjs into the first screen's bundle.
import type { EpochProgress, TrainOptions } from "../../core/model/train";
import type { NamedFile } from "../../worker/model";
import type { TrainSummary } from "../../worker/training";
import { errorMessage, modelEngine } from "../engine";
import type { LabState } from "./index";

/** The hyperparameters a person sets on the Train page, and the time budget in minutes. */
export type TrainSettings = Pick<
  TrainOptions,
  "units" | "attention" | "seed" | "epochs" | "batchSize" | "learningRate" | "patience"
> & { minutes: number };

/** Each numeric setting's bounds: the form's min/max, and the clamp applied to whatever is typed. */
export const SETTING_BOUNDS: Record<
  Exclude<keyof TrainSettings, "attention">,
  { min: number; max: number; step: number; label: string; hint: string }
> = {
  units: { min: 8, max: 512, step: 8, label: "Hidden units", hint: "GRU width of encoder and decoder" },
  epochs: { min: 1, max: 500, step: 1, label: "Epochs", hint: "passes over the training split" },
  batchSize: { min: 8, max: 2048, step: 8, label: "Batch size", hint: "examples per gradient step" },
  learningRate: { min: 0.0001, max: 0.1, step: 0.0001, label: "Learning rate", hint: "Adam's step size" },
  patience: {
    min: 1,
    max: 100,
    step: 1,
    label: "Patience",
    hint: "epochs without a better validation loss before stopping",
  },
  seed: { min: 0, max: 2 ** 31 - 1, step: 1, label: "Seed", hint: "initial weights and shuffling" },
  minutes: {
    min: 1,
    max: 240,
    step: 1,
    label: "Time budget (minutes)",
    hint: "stop after the epoch that passes it; the best epoch's weights are kept",
  },
};

export function clampSetting(name: keyof typeof SETTING_BOUNDS, value: number): number {
  const { min, max, step } = SETTING_BOUNDS[name];
  if (!Number.isFinite(value)) return min;
  const clamped = Math.min(max, Math.max(min, value));
  return step >= 1 ? Math.round(clamped) : clamped;
}

export type TrainingRun =
  | { state: "idle" }
  | { state: "running"; history: EpochProgress[] }
  | { state: "done"; history: EpochProgress[]; summary: TrainSummary }
  | { state: "cancelled"; history: EpochProgress[] }
  | { state: "failed"; history: EpochProgress[]; message: string };

/** The model the engine holds now (trained here or loaded), and the ones saved in this browser. */
export interface ModelState {
  /** `tunelab`: trained on this lab's records (its candidates run here); `miopen`: on a perf database. */
  current: { name: string; solver: string; kind: "miopen" | "tunelab" } | null;
  saved: string[];
  message: string | null;
}

export interface TrainSlice {
  trainSettings: TrainSettings;
  training: TrainingRun;
  model: ModelState;
  setTrainSettings(partial: Partial<TrainSettings>): void;
  startTraining(): Promise<void>;
  cancelTraining(): Promise<void>;
  saveModel(name: string): Promise<void>;
  /** The held model as the CLI's files, model.json + weights.bin (null, with a message, when it fails). */
  modelFiles(): Promise<NamedFile[] | null>;
  loadModel(url: string): Promise<void>;
  listModels(): Promise<void>;
  /** Loads the model that ships with the recorded demo (trained on its H100 records). */
  loadRecordedModel(): Promise<void>;
}

let trainingJob: string | null = null;

export const createTrainSlice: StateCreator<LabState, [], [], TrainSlice> = (set, get) => ({
  // The CLI's defaults, the best measured (docs/MODEL.md).
  trainSettings: {
    units: DEFAULT_TRAIN_OPTIONS.units,
    attention: DEFAULT_TRAIN_OPTIONS.attention,
    seed: DEFAULT_TRAIN_OPTIONS.seed,
    epochs: DEFAULT_TRAIN_OPTIONS.epochs,
    batchSize: DEFAULT_TRAIN_OPTIONS.batchSize,
    learningRate: DEFAULT_TRAIN_OPTIONS.learningRate,
    patience: DEFAULT_TRAIN_OPTIONS.patience,
    minutes: (DEFAULT_TRAIN_OPTIONS.maxSeconds ?? 0) / 60,
  },
  training: { state: "idle" },
  model: { current: null, saved: [], message: null },
  setTrainSettings: (partial) => set((s) => ({ trainSettings: { ...s.trainSettings, ...partial } })),

  async startTraining() {
    const file = get().miopenFile;
    if (!file || get().training.state === "running") return;
    const jobId = `train-${Date.now()}`;
    trainingJob = jobId;
    set({ training: { state: "running", history: [] } });
    // Epochs arrive on their own channel and may trail the result: keep every one, in order.
    const onEpoch = (epoch: EpochProgress) =>
      set((s) => {
        const run = s.training;
        if (run.state !== "running" && run.state !== "done") return {};
        const history = [...run.history.filter((h) => h.epoch !== epoch.epoch), epoch].sort(
          (a, b) => a.epoch - b.epoch,
        );
        return { training: { ...run, history } };
      });
    const { minutes, ...options } = get().trainSettings;
    try {
      const { savedAs, ...summary } = await modelEngine().trainModel(
        jobId,
        {
          data: file.bytes,
          name: file.name,
          solver: file.solver,
          directions: file.directions,
          options: { ...options, maxSeconds: minutes * 60 },
        },
        proxy(onEpoch),
      );
      set((s) => ({
        training: { state: "done", history: summary.history, summary },
        model: {
          ...s.model,
          current: { name: `indexeddb://${savedAs}`, solver: summary.solver, kind: "miopen" },
          message: `Trained on ${file.name}; kept in this browser as ${savedAs}.`,
        },
      }));
    } catch (error) {
      const run = get().training;
      const history = run.state === "idle" ? [] : run.history;
      const aborted =
        error instanceof Error && (error.name === "AbortError" || /cancelled/.test(error.message));
      set({
        training: aborted
          ? { state: "cancelled", history }
          : { state: "failed", history, message: errorMessage(error) },
      });
    } finally {
      trainingJob = null;
    }
  },

  async cancelTraining() {
    if (trainingJob) await modelEngine().cancel(trainingJob);
  },

  async saveModel(name) {
    try {
      await modelEngine().saveModel(name);
      await get().listModels();
      set((s) => ({ model: { ...s.model, message: `Saved as ${name} in this browser.` } }));
    } catch (error) {
      set((s) => ({ model: { ...s.model, message: errorMessage(error) } }));
    }
  },

  async modelFiles() {
    const current = get().model.current;
    if (!current) return null;
    try {
      const files = await modelEngine().modelFiles(current.kind);
      set((s) => ({
        model: {
          ...s.model,
          message: `Downloaded ${current.name} as ${files.map((f) => f.name).join(" + ")}: in one folder, they load with \`npm run cli -- predict --model FOLDER\`.`,
        },
      }));
      return files;
    } catch (error) {
      set((s) => ({ model: { ...s.model, message: errorMessage(error) } }));
      return null;
    }
  },

  async loadModel(url) {
    try {
      const metadata = await modelEngine().loadModel(url);
      // A model of this lab's records predicts across its kernel families: keep it where that happens.
      if (metadata.source.kind === "tunelab") await modelEngine().loadRecordModel(url);
      set((s) => ({
        model: {
          ...s.model,
          current: { name: url, solver: metadata.source.families.join(", "), kind: metadata.source.kind },
          message: `Loaded ${url}.`,
        },
      }));
    } catch (error) {
      set((s) => ({ model: { ...s.model, message: errorMessage(error) } }));
    }
  },

  async loadRecordedModel() {
    const demo = get().demoData;
    if (demo.state !== "available" || !demo.recording.model) return;
    const url = new URL(`${demo.base}${demo.recording.model}`, window.location.href).href;
    try {
      const metadata = await modelEngine().loadRecordModel(url);
      set((s) => ({
        model: {
          ...s.model,
          current: {
            name: "recorded demo model",
            solver: metadata.source.families.join(", "),
            kind: "tunelab",
          },
          message: `Loaded the recorded model (${metadata.training.examples} examples, ${metadata.source.families.join(", ")}).`,
        },
      }));
    } catch (error) {
      set((s) => ({ model: { ...s.model, message: errorMessage(error) } }));
    }
  },

  async listModels() {
    try {
      const saved = await modelEngine().listModels();
      set((s) => ({ model: { ...s.model, saved } }));
    } catch {
      // no engine here: nothing saved to list
    }
  },
});
