/**
 * The model Worker's API, apart from the Worker's own wiring (model.ts) so that it runs anywhere its
 * few dependencies are given: it holds one model (trained here or loaded, on records or on a MIOpen
 * perf database alike) and trains, scores, predicts, saves and loads it through the learning pipeline
 * of src/core/learn, or keeps training the held one on new data (fine-tuning). Each training run has a
 * job id so the page can cancel it (an AbortSignal cannot cross postMessage).
 */
import type * as tf from "@tensorflow/tfjs";
import { transfer } from "comlink";
import type initSqlJs from "sql.js";
import { type Ask, explainFor, predictFor, rankInFamily, rankingFor } from "../core/corpora/index";
import { miopenCorpus } from "../core/corpora/miopen";
import { modelDeviceOf, recordCorpus } from "../core/corpora/records";
import type { DeviceInfo, TuningRecord } from "../core/dataset/record";
import {
  type LearnedModel,
  learnedModel,
  MODEL_JSON,
  type ModelMetadata,
  modelFromArtifacts,
  modelToFiles,
  WEIGHTS_BIN,
} from "../core/learn/artifacts";
import type { Corpus } from "../core/learn/corpus";
import { costRankers } from "../core/learn/cost-model";
import { DEFAULT_TRAIN_OPTIONS } from "../core/learn/defaults";
import type { Explanation } from "../core/learn/explain";
import {
  BLEND_BEAM_WIDTH,
  type EvalReport,
  evaluateModel,
  fineTuningCorpus,
  type LeftOut,
  type Prediction,
  splitCorpus,
  type TrainingPhase,
  trainModel,
} from "../core/learn/pipeline";
import type { EpochProgress, TrainOptions } from "../core/learn/train";
import {
  isGzip,
  type MiopenDirection,
  readSolverRows,
  type SolverCount,
  solverCounts,
} from "../core/miopen/perfdb";
import { parseProblem } from "../core/problem";
import {
  type CurveTask,
  costRanking,
  curveStrategies,
  curveTask,
  heldOutSplit,
  type StrategyCurve,
  tuningCostCurves,
} from "../core/search/curve";
import type { RankedConfig } from "../core/search/model-guided";
import { type RecordedTask, tasksOfCompact } from "../core/search/recording";
import { SerialQueue } from "../gpu/jobs";

/** Every trained model is kept under this name, so a reload does not lose it. */
const LATEST_MODEL = "tunelab-latest";

/** What the API needs of its environment: the Worker gives the browser's, a test Node's. */
export interface ModelApiDeps {
  /** Starts tfjs once; the backend's name. */
  backend(): Promise<string>;
  /** Opens a perf database's bytes (.db, or gzip-compressed as MIOpen ships them). */
  openPerfDb(bytes: Uint8Array, name: string): Promise<initSqlJs.Database>;
  /** A model's artifacts from where tf.io reads them (HTTP, indexeddb://name), unchecked. */
  load(url: string): Promise<tf.io.ModelArtifacts>;
  /** Keeps a model where tf.io writes one (indexeddb://name). */
  save(model: tf.LayersModel, url: string): Promise<void>;
  /** The saved models' URLs. */
  list(): Promise<string[]>;
}

/** A file for the page to save under its name (the page has the DOM that downloads need). */
export interface NamedFile {
  name: string;
  data: string | Uint8Array<ArrayBuffer>;
}

/** What a model learns from: this lab's records, or one solver's rows of a MIOpen perf database. */
export type TrainingData =
  | { kind: "tunelab"; name: string; records: TuningRecord[] }
  | { kind: "miopen"; name: string; bytes: Uint8Array; solver: string; directions: MiopenDirection[] };

export interface TrainRequest {
  data: TrainingData;
  /** Keep training the held model (its vocabulary and architecture) rather than a new one. */
  fineTune?: boolean;
  options?: Partial<
    Pick<
      TrainOptions,
      "units" | "attention" | "epochs" | "seed" | "batchSize" | "learningRate" | "patience" | "maxSeconds"
    >
  >;
}

export interface TrainSummary {
  /** What it learnt from: records count problems, a perf database rows. */
  kind: TrainingData["kind"];
  /** The families (kernel families or MIOpen solvers) the model learnt. */
  families: string[];
  backend: string;
  examples: { train: number; validation: number; holdout: number };
  history: EpochProgress[];
  bestEpoch: number;
  seconds: number;
  /** The held-out problems, scored with the beam search beside the baselines (null when none were held out). */
  holdout: EvalReport | null;
  /** The name the model is kept under in this browser. */
  savedAs: string;
  /** A fine-tuning run: the model it started from, scored on the same held-out problems, and what was left out. */
  fineTuned?: { before: EvalReport | null; leftOut: LeftOut | null };
  /** The cost models it carries, a family each: the recorded times each learnt from, its final loss. */
  costModels: { family: string; examples: number; loss: number }[];
}

/** A prediction asked by the page: a problem (text form), and the device or MIOpen direction it is for. */
export interface PredictRequest {
  problem: string;
  /** A model of records predicts for this device (the GPU here, or the recording's). */
  device?: DeviceInfo;
  /** A model of MIOpen data predicts for this direction. */
  direction?: MiopenDirection;
}

/** A tuning-cost replay asked by the page: the compact exhaustive recording's bytes and how to replay it. */
export interface TuningCostRequest {
  /** The file as fetched: gzip-compressed (as the demo ships it) or plain JSON. */
  recording: Uint8Array;
  /** The model that ranks each problem's configs (model-guided); none leaves that strategy out. */
  modelUrl?: string;
  /**
   * Replay only these problems (text form), and let transfer and most-frequent draw only on the
   * recording's others, as the CLI's `curve --held-out`; none replays every problem.
   */
  problems?: string[];
  /** Configs the model ranks, and the nearest problem's fastest configs transfer tries, first. */
  width: number;
  seeds: number;
  /** Most measurements a problem. */
  max: number;
}

/** Gzip-compressed bytes inflated by the platform's DecompressionStream (browsers, Workers, Node 18+). */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const body = new Response(bytes as BodyInit).body;
  if (!body) throw new Error("no bytes to gunzip");
  return new Uint8Array(await new Response(body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer());
}

/** A compact exhaustive recording's bytes (scripts/demo-curves.ts), gzip-compressed or plain JSON, to its checked tasks. */
export async function tasksOfCompactBytes(bytes: Uint8Array): Promise<RecordedTask[]> {
  const raw = isGzip(bytes) ? await gunzip(bytes) : bytes;
  return tasksOfCompact(JSON.parse(new TextDecoder().decode(raw)));
}

export function modelApi(deps: ModelApiDeps) {
  /** The one model held: trained here or loaded (its metadata carries the baselines' table). */
  let held: LearnedModel | undefined;
  const training = new SerialQueue();

  /**
   * Makes a model the held one, ready to predict, save and download whether it was trained here or
   * loaded. Its metadata also goes into the model itself, as in a loaded model.json, so a save keeps it.
   */
  function hold(learned: LearnedModel): void {
    learned.model.setUserDefinedMetadata(learned.metadata as unknown as Record<string, unknown>);
    if (held && held.model !== learned.model) held.model.dispose();
    held = learned;
  }

  function heldModel(): LearnedModel {
    if (!held) throw new Error("no model: train one or load one first");
    return held;
  }

  async function corpusOf(data: TrainingData): Promise<Corpus<unknown>> {
    if (data.kind === "tunelab") return recordCorpus(data.records, data.name);
    const db = await deps.openPerfDb(data.bytes, data.name);
    try {
      return miopenCorpus(readSolverRows(db, data.solver), { file: data.name, directions: data.directions });
    } finally {
      db.close();
    }
  }

  return {
    /** A perf database's solvers, most rows first, with their directions: what a model can learn from it. */
    async perfDbSolvers(data: Uint8Array, name: string): Promise<SolverCount[]> {
      const db = await deps.openPerfDb(data, name);
      try {
        const counts = solverCounts(db);
        if (!counts.length) throw new Error(`${name} has no perf_db rows`);
        return counts;
      } finally {
        db.close();
      }
    },

    /**
     * Trains one model at a time and holds it; `onProgress` hears every epoch, `cancel(jobId)` stops a
     * run between batches or drops a waiting one. The held-out problems are scored as `eval` scores them.
     */
    async trainModel(
      jobId: string,
      request: TrainRequest,
      onProgress?: (progress: EpochProgress) => void,
      onPhase?: (phase: TrainingPhase) => void,
    ): Promise<TrainSummary> {
      const backendName = await deps.backend();
      return training.run(jobId, async (signal) => {
        const from = request.fineTune ? heldModel() : undefined;
        const read = await corpusOf(request.data);
        const { corpus, leftOut } = from ? fineTuningCorpus(from, read) : { corpus: read, leftOut: null };
        const options: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...request.options, signal };
        if (onProgress) options.onEpoch = onProgress;
        const split = splitOf(corpus, options.seed, leftOut);
        const score = (learned: LearnedModel) =>
          split.holdout.length
            ? evaluateModel(learned, corpus.language, split.holdout, BLEND_BEAM_WIDTH)
            : Promise.resolve(null);
        if (from) onPhase?.("scoring-before");
        const before = from ? await score(from) : null;
        const trained = await trainModel(corpus, split, options, backendName, {
          ...(from ? { from } : {}),
          ...(onPhase ? { onPhase } : {}),
        });
        hold(trained);
        onPhase?.("evaluating");
        const holdout = await score(trained);
        await deps.save(trained.model, `indexeddb://${LATEST_MODEL}`);
        return {
          kind: request.data.kind,
          families: trained.metadata.source.families,
          backend: backendName,
          examples: {
            train: split.train.length,
            validation: split.validation.length,
            holdout: split.holdout.length,
          },
          history: trained.history,
          bestEpoch: trained.bestEpoch,
          seconds: trained.seconds,
          holdout,
          savedAs: LATEST_MODEL,
          ...(from ? { fineTuned: { before, leftOut } } : {}),
          costModels: (trained.metadata.costModels ?? []).map(({ family, examples, loss }) => ({
            family,
            examples,
            loss,
          })),
        };
      });
    },

    /** False when no run has that id. */
    async cancel(jobId: string): Promise<boolean> {
      return training.cancel(jobId);
    },

    /** Loads a model from IndexedDB (`indexeddb://name`) or over HTTP (a folder the CLI wrote: .../model.json). */
    async loadModel(url: string): Promise<ModelMetadata> {
      await deps.backend();
      // A model that is refused leaves the held one as it was.
      let learned: LearnedModel;
      try {
        learned = learnedModel(await modelFromArtifacts(await deps.load(url)));
      } catch (error) {
        throw new Error(`${url}: ${(error as Error).message}`);
      }
      hold(learned);
      return learned.metadata;
    },

    /** The held model's top-`width` candidates for a problem, in the order its saved neighbour blend ranks them. */
    async predict(request: PredictRequest, width: number): Promise<Prediction> {
      const [result] = await predictFor(heldModel(), [askOf(request)], width);
      if (!result) throw new Error("the beam search returned nothing");
      return result;
    },

    /**
     * A model-guided sweep's ranking of one problem: the beam's top `width` across families, each
     * family's share fused with the model's cost model of it (core's rankingFor, as the CLI's sweep).
     * Fails saying why when the model has no valid config.
     */
    async sweepRanking(request: PredictRequest, width: number): Promise<RankedConfig[]> {
      const { problem, ...context } = askOf(request);
      let refusal = "the beam search returned nothing";
      const rank = rankingFor(heldModel(), context, width, {
        onNoAnswer: (_, message) => {
          refusal = message;
        },
      });
      const ranked = await rank(problem);
      if (!ranked.length) throw new Error(refusal);
      return ranked;
    },

    /** The same prediction traced: the constrained beam step by step, and which features drive each token. */
    async explain(request: PredictRequest, width: number): Promise<Explanation> {
      return explainFor(heldModel(), askOf(request), width);
    },

    /** Saves the held model in IndexedDB under `name` (tf.io's own store, metadata included). */
    async saveModel(name: string): Promise<void> {
      await deps.save(heldModel().model, `indexeddb://${name}`);
    },

    /** The held model as the two files the CLI writes and reads; the weights are transferred, not cloned. */
    async modelFiles(): Promise<NamedFile[]> {
      const { model, metadata } = heldModel();
      const files = await modelToFiles(model, metadata);
      const weights = new Uint8Array(files.weights);
      return transfer(
        [
          { name: MODEL_JSON, data: files.modelJson },
          { name: WEIGHTS_BIN, data: weights },
        ],
        [weights.buffer],
      );
    },

    async listModels(): Promise<string[]> {
      await deps.backend();
      return deps.list();
    },

    /** The problems (text form) of an exhaustive recording, once each in the file's order: what a replay may choose from. */
    async recordedProblems(recording: Uint8Array): Promise<string[]> {
      return [...new Set((await tasksOfCompactBytes(recording)).map((t) => t.problem))];
    },

    /**
     * Tuning cost replayed on an exhaustive recording (core's curve replay, as the CLI's `curve`), with
     * the model at `modelUrl` ranking; that model is loaded for this alone, the held one stays.
     */
    async tuningCost(request: TuningCostRequest): Promise<StrategyCurve[]> {
      const recorded = (await tasksOfCompactBytes(request.recording)).map(curveTask);
      const chosen = request.problems ? new Set(request.problems) : null;
      const missing = [...(chosen ?? [])].filter((p) => !recorded.some((t) => t.problem === p));
      if (missing.length) throw new Error(`the recording has no records of ${missing.join("; ")}`);
      const { replayed: tasks, pool } = heldOutSplit(recorded, chosen);
      let ranker: LearnedModel | undefined;
      if (request.modelUrl) {
        await deps.backend();
        try {
          ranker = learnedModel(await modelFromArtifacts(await deps.load(request.modelUrl)));
        } catch (error) {
          throw new Error(`${request.modelUrl}: ${(error as Error).message}`);
        }
      }
      const model = ranker;
      const rank = model
        ? (task: CurveTask) =>
            rankInFamily(
              model,
              { problem: parseProblem(task.problem), device: modelDeviceOf(task.device) },
              task.family,
              request.width,
            )
        : undefined;
      try {
        const rankers = costRankers(model?.metadata.costModels);
        const costRank = rankers.size ? costRanking(rankers) : undefined;
        return await tuningCostCurves(tasks, curveStrategies(pool, request.width, rank, costRank), {
          seeds: Array.from({ length: request.seeds }, (_, i) => i + 1),
          max: request.max,
        });
      } finally {
        model?.model.dispose();
      }
    },
  };
}

export type ModelWorkerApi = ReturnType<typeof modelApi>;

/** A page's prediction request in the corpora's terms. */
function askOf(request: PredictRequest): Ask {
  return {
    problem: parseProblem(request.problem),
    ...(request.device ? { device: modelDeviceOf(request.device) } : {}),
    ...(request.direction ? { direction: request.direction } : {}),
  };
}

/** The corpus split for training; too few problems once some were left out says which and why. */
function splitOf<Q>(corpus: Corpus<Q>, seed: number, leftOut: LeftOut | null) {
  try {
    return splitCorpus(corpus, seed);
  } catch (error) {
    if (!leftOut) throw error;
    const tokens = leftOut.tokens.map((t) => t.token).join(", ");
    throw new Error(
      `${(error as Error).message} once ${leftOut.examples} of ${leftOut.of} are left out for values the model has no token for (${tokens})`,
    );
  }
}
