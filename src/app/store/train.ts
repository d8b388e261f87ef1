import type { StateCreator } from "zustand/vanilla";
// Types only: a value import would pull tfjs into the first screen's bundle.
import type { EpochProgress, TrainOptions } from "../../core/model/train";
import type { LabState } from "./index";

/** The hyperparameters a person sets on the Train page. */
export type TrainSettings = Pick<
  TrainOptions,
  "units" | "attention" | "seed" | "epochs" | "batchSize" | "learningRate" | "patience"
>;

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
};

export function clampSetting(name: keyof typeof SETTING_BOUNDS, value: number): number {
  const { min, max, step } = SETTING_BOUNDS[name];
  if (!Number.isFinite(value)) return min;
  const clamped = Math.min(max, Math.max(min, value));
  return step >= 1 ? Math.round(clamped) : clamped;
}

export type TrainingRun =
  | { state: "idle" }
  | { state: "running"; history: EpochProgress[]; examples: number }
  | { state: "done"; history: EpochProgress[]; bestEpoch: number; stoppedEarly: boolean; seconds: number }
  | { state: "cancelled"; history: EpochProgress[] }
  | { state: "failed"; history: EpochProgress[]; message: string };

export interface TrainSlice {
  trainSettings: TrainSettings;
  training: TrainingRun;
  setTrainSettings(partial: Partial<TrainSettings>): void;
}

export const createTrainSlice: StateCreator<LabState, [], [], TrainSlice> = (set) => ({
  // Small enough to train in seconds in a tab on a few hundred records.
  trainSettings: {
    units: 64,
    attention: false,
    seed: 1,
    epochs: 30,
    batchSize: 128,
    learningRate: 0.003,
    patience: 8,
  },
  training: { state: "idle" },
  setTrainSettings: (partial) => set((s) => ({ trainSettings: { ...s.trainSettings, ...partial } })),
});
