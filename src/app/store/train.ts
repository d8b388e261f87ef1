import { proxy } from "comlink";
import type { StateCreator } from "zustand/vanilla";
import type { ModelMetadata, ModelSource } from "../../core/learn/artifacts";
import { CORPUS_NAMES } from "../../core/learn/corpus";
import { DEFAULT_TRAIN_OPTIONS } from "../../core/learn/defaults";
// Types only: a value import would pull tfjs into the first screen's bundle.
import type { TrainingPhase } from "../../core/learn/pipeline";
import { fewestProblems } from "../../core/learn/split";
import type { EpochProgress, TrainOptions } from "../../core/learn/train";
import type { MiopenDirection, SolverCount } from "../../core/miopen/perfdb";
import type { NamedFile, TrainingData, TrainSummary } from "../../worker/model";
import { errorMessage } from "../engine";
import type { LabState } from "./index";
import { shownRecords } from "./records";

/** The hyperparameters a person sets on the Train page, and the time budget in minutes. */
export type TrainSettings = Pick<
  TrainOptions,
  "units" | "attention" | "seed" | "epochs" | "batchSize" | "learningRate" | "patience"
> & { minutes: number; nearBestPercent: number };

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
  nearBestPercent: {
    min: 0,
    max: 20,
    step: 0.5,
    label: "Near-best configs (%)",
    hint: "learn from every measured config within this % of its problem's best time, not the best alone (0: the best alone)",
  },
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

/** `from`: the model a fine-tuning run starts from (null for a new model). */
export type TrainingRun =
  | { state: "idle" }
  | { state: "running"; jobId: string; history: EpochProgress[]; phase: TrainingPhase; from: string | null }
  | { state: "done"; history: EpochProgress[]; summary: TrainSummary; from: string | null }
  | { state: "cancelled"; history: EpochProgress[] }
  | { state: "failed"; history: EpochProgress[]; message: string };

/** The model the engine holds now (trained here or loaded), and the ones saved in this browser. */
/** What a model learnt from: this lab's records (`tunelab`) or a MIOpen perf database (`miopen`). */
export type ModelKind = ModelSource["kind"];

export interface ModelState {
  current: { name: string; families: string[]; kind: ModelKind } | null;
  saved: string[];
  message: string | null;
}

/** A MIOpen performance database the person chose to learn from. */
export interface MiopenFile {
  name: string;
  bytes: Uint8Array;
  /** Its solvers, most rows first, and the solver and directions chosen to learn. */
  solvers: SolverCount[];
  solver: string;
  directions: MiopenDirection[];
}

/** What the next training run learns from: the records on show, or the chosen perf database. */
export type TrainingSource = "records" | "miopen";

/** What it trains: a new model, or the held one kept training on the data (fine-tuning). */
export type TrainingStart = "new" | "held";

/** The solver the Train page starts with: the paper's ConvAsm1x1U where the file has it, else the largest. */
const PREFERRED_SOLVER = "ConvAsm1x1U";

/** Perf databases come as SQLite files, plain or gzip-compressed as MIOpen's sources ship them. */
export function isPerfDbName(name: string): boolean {
  return /\.db(\.gz)?$/i.test(name);
}

export interface TrainSlice {
  trainSettings: TrainSettings;
  training: TrainingRun;
  model: ModelState;
  trainOn: TrainingSource;
  trainFrom: TrainingStart;
  miopenFile: MiopenFile | null;
  /** Why the chosen perf database could not be read (null when it was, or none was chosen). */
  miopenFileError: string | null;
  setTrainSettings(partial: Partial<TrainSettings>): void;
  setTrainOn(source: TrainingSource): void;
  setTrainFrom(start: TrainingStart): void;
  /** Reads a perf database's solvers and keeps it to learn from; one that is not, `miopenFileError` says why. */
  chooseTrainingFile(file: File): Promise<void>;
  /** Picks the solver to learn (all its directions), or the directions of the chosen one. */
  chooseTrainingSolver(solver: string): void;
  chooseTrainingDirections(directions: MiopenDirection[]): void;
  startTraining(): Promise<void>;
  cancelTraining(): Promise<void>;
  saveModel(name: string): Promise<void>;
  /** The held model as the CLI's files, model.json + weights.bin (null, with a message, when it fails). */
  modelFiles(): Promise<NamedFile[] | null>;
  loadModel(url: string): Promise<void>;
  listModels(): Promise<void>;
  /** Loads the model that ships with the recorded demo (trained on its H200 records of the networks `modelTrainedOn` names). */
  loadRecordedModel(): Promise<void>;
}

/** Why a training run cannot start with this state, or null when it can. */
export function whyNoTraining(state: LabState): string | null {
  const why = state.trainOn === "records" ? whyNoRecords(state) : whyNoFile(state);
  return why ?? (state.trainFrom === "held" ? whyNoFineTuning(state) : null);
}

function whyNoRecords(state: LabState): string | null {
  const problems = new Set(shownRecords(state).flatMap((r) => (r.status === "ok" ? [r.problem.text] : [])))
    .size;
  if (!problems)
    return "No verified records to learn from: sweep some problems, import records or open the demo.";
  const fewest = fewestProblems();
  return problems < fewest
    ? `Training needs verified records of at least ${fewest} problems (a part to learn from, one to stop early on, one held out to score it); these have ${problems}: sweep or import more.`
    : null;
}

function whyNoFile(state: LabState): string | null {
  if (!state.miopenFile) return "Choose the training data below first.";
  if (!state.miopenFile.directions.length) return "Choose at least one direction below.";
  return null;
}

const SOURCE_KINDS: Record<TrainingSource, ModelKind> = { records: "tunelab", miopen: "miopen" };

/** Why the held model cannot keep training on the chosen data, or null when it can. */
export function whyNoFineTuning(state: LabState): string | null {
  const current = state.model.current;
  if (!current) return "No model to fine-tune: train one, or load one below.";
  const wanted = SOURCE_KINDS[state.trainOn];
  return current.kind === wanted
    ? null
    : `${current.name} learnt from ${CORPUS_NAMES[current.kind]}; it can keep learning only from ${CORPUS_NAMES[current.kind]}, not from ${CORPUS_NAMES[wanted]}.`;
}

function trainingData(state: LabState): TrainingData | null {
  if (whyNoTraining(state)) return null;
  const file = state.miopenFile;
  if (state.trainOn === "miopen" && file) {
    const { name, bytes, solver, directions } = file;
    return { kind: "miopen", name, bytes, solver, directions };
  }
  const name = state.view.demo ? "the recorded demo's records" : "this device's records";
  return { kind: "tunelab", name, records: shownRecords(state) };
}

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
    nearBestPercent: 0,
  },
  training: { state: "idle" },
  model: { current: null, saved: [], message: null },
  trainOn: "miopen",
  trainFrom: "new",
  miopenFile: null,
  miopenFileError: null,
  setTrainSettings: (partial) => set((s) => ({ trainSettings: { ...s.trainSettings, ...partial } })),
  setTrainOn: (trainOn) => set({ trainOn }),
  setTrainFrom: (trainFrom) => set({ trainFrom }),

  async chooseTrainingFile(file) {
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      // Read here, not at training: a file that is not a perf database is refused before it is kept.
      const solvers = await get().engines.modelEngine().perfDbSolvers(bytes, file.name);
      const chosen = solvers.find((s) => s.solver === PREFERRED_SOLVER) ?? (solvers[0] as SolverCount);
      set({
        miopenFile: { name: file.name, bytes, solvers, solver: chosen.solver, directions: chosen.directions },
        miopenFileError: null,
        trainOn: "miopen",
      });
    } catch (error) {
      // The file chosen before stays chosen: only this one is refused.
      set({ miopenFileError: errorMessage(error) });
    }
  },
  chooseTrainingSolver(solver) {
    const file = get().miopenFile;
    const chosen = file?.solvers.find((s) => s.solver === solver);
    if (file && chosen) set({ miopenFile: { ...file, solver, directions: chosen.directions } });
  },
  chooseTrainingDirections(directions) {
    const file = get().miopenFile;
    if (file) set({ miopenFile: { ...file, directions } });
  },

  async startTraining() {
    const data = trainingData(get());
    if (!data || get().training.state === "running") return;
    const jobId = `train-${Date.now()}`;
    const from = get().trainFrom === "held" ? (get().model.current?.name ?? null) : null;
    set({ training: { state: "running", jobId, history: [], phase: "reading", from } });
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
    const onPhase = (phase: TrainingPhase) =>
      set((s) => (s.training.state === "running" ? { training: { ...s.training, phase } } : {}));
    const { minutes, nearBestPercent, ...options } = get().trainSettings;
    // Only records hold every config's time; a perf database holds one tuned config per problem.
    const nearBest = get().trainOn === "records" && nearBestPercent > 0 ? nearBestPercent / 100 : undefined;
    try {
      const summary = await get()
        .engines.modelEngine()
        .trainModel(
          jobId,
          {
            data,
            fineTune: from !== null,
            options: { ...options, maxSeconds: minutes * 60, ...(nearBest ? { nearBest } : {}) },
          },
          proxy(onEpoch),
          proxy(onPhase),
        );
      const how = from === null ? "Trained" : `Fine-tuned ${from}`;
      set((s) => ({
        training: { state: "done", history: summary.history, summary, from },
        model: {
          ...s.model,
          current: { name: `indexeddb://${summary.savedAs}`, families: summary.families, kind: data.kind },
          message: `${how} on ${data.name}; kept in this browser as ${summary.savedAs}.`,
        },
      }));
      await get().listModels();
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
    }
  },

  async cancelTraining() {
    const run = get().training;
    if (run.state === "running") await get().engines.modelEngine().cancel(run.jobId);
  },

  async saveModel(name) {
    try {
      await get().engines.modelEngine().saveModel(name);
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
      const files = await get().engines.modelEngine().modelFiles();
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
    await loadHeld(get, set, url, url, (metadata) => `Loaded ${url} (learnt from ${metadata.source.file}).`);
  },

  async loadRecordedModel() {
    const demo = get().demoData;
    if (demo.state !== "available" || !demo.recording.model) return;
    const url = new URL(`${demo.base}${demo.recording.model}`, window.location.href).href;
    await loadHeld(
      get,
      set,
      url,
      "recorded demo model",
      (metadata) =>
        `Loaded the recorded model (${metadata.training.examples} examples, ${metadata.source.families.join(", ")}).`,
    );
  },

  async listModels() {
    try {
      const saved = await get().engines.modelEngine().listModels();
      set((s) => ({ model: { ...s.model, saved } }));
    } catch {
      // no engine here: nothing saved to list
    }
  },
});

/** Makes the model at `url` the engine's held one, shown under `name`. */
async function loadHeld(
  get: () => LabState,
  set: (partial: (s: LabState) => Partial<LabState>) => void,
  url: string,
  name: string,
  message: (metadata: ModelMetadata) => string,
): Promise<void> {
  try {
    const metadata = await get().engines.modelEngine().loadModel(url);
    const { kind, families } = metadata.source;
    set((s) => ({ model: { ...s.model, current: { name, families, kind }, message: message(metadata) } }));
  } catch (error) {
    set((s) => ({ model: { ...s.model, message: errorMessage(error) } }));
  }
}
