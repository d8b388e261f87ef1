/// <reference lib="webworker" />
/**
 * The model's Worker: it holds one model (trained here or loaded, on records or on a MIOpen perf
 * database alike) and trains, scores, predicts, saves and loads through the learning pipeline of
 * src/core/learn, apart from the GPU engine's Worker so that tfjs loads only when someone trains or
 * predicts. Each training run has a job id so the page can cancel it (an AbortSignal cannot cross
 * postMessage). tfjs backends in order of preference: webgpu, wasm, cpu.
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-webgpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import wasmPlainUrl from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url";
import wasmSimdUrl from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url";
import wasmThreadedUrl from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url";
import { expose, transfer } from "comlink";
import initSqlJs from "sql.js";
import sqlWasmUrl from "sql.js/dist/sql-wasm-browser.wasm?url";
import { predictFor } from "../core/corpora/index";
import { miopenCorpus } from "../core/corpora/miopen";
import { modelDeviceOf, recordCorpus } from "../core/corpora/records";
import type { DeviceInfo, TuningRecord } from "../core/dataset/record";
import {
  type LearnedModel,
  learnedModel,
  MODEL_JSON,
  type ModelMetadata,
  modelToFiles,
  WEIGHTS_BIN,
} from "../core/learn/artifacts";
import { startBackend } from "../core/learn/backend";
import type { Corpus } from "../core/learn/corpus";
import { DEFAULT_TRAIN_OPTIONS } from "../core/learn/defaults";
import {
  BLEND_BEAM_WIDTH,
  type EvalReport,
  evaluateModel,
  type Prediction,
  splitCorpus,
  trainModel,
} from "../core/learn/pipeline";
import type { EpochProgress, TrainOptions } from "../core/learn/train";
import {
  type MiopenDirection,
  openPerfDb,
  readSolverRows,
  type SolverCount,
  solverCounts,
} from "../core/miopen/perfdb";
import { parseProblem } from "../core/problem";
import { SerialQueue } from "../gpu/jobs";

/** Every trained model is kept in this browser under this name, so a reload does not lose it. */
const LATEST_MODEL = "tunelab-latest";

/** A file for the page to save under its name (the page has the DOM that downloads need). */
export interface NamedFile {
  name: string;
  data: string | Uint8Array<ArrayBuffer>;
}

/**
 * tfjs warns at every save that an RNN given its initial state inside its input list "was passed
 * non-serializable keyword arguments"; the model keeps that link (src/core/learn/seq2seq.ts says why),
 * so this one message is noise in the page's console. Every other warning passes through.
 */
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === "string" && /^Layer \w+ was passed non-serializable keyword arguments/.test(args[0]))
    return;
  warn(...args);
};

let backend: Promise<string> | undefined;

/**
 * Starts tfjs once. On a software adapter (SwiftShader) tfjs's webgpu backend is far slower than
 * wasm, so it is dropped there and the preference order falls through to wasm.
 */
function modelBackend(): Promise<string> {
  backend ??= (async () => {
    const adapter = await self.navigator.gpu?.requestAdapter();
    const fallback = (adapter?.info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter;
    if (!adapter || fallback) tf.removeBackend("webgpu");
    // Vite serves the wasm binaries; tfjs must know where before the backend starts.
    setWasmPaths({
      "tfjs-backend-wasm.wasm": wasmPlainUrl,
      "tfjs-backend-wasm-simd.wasm": wasmSimdUrl,
      "tfjs-backend-wasm-threaded-simd.wasm": wasmThreadedUrl,
    });
    return startBackend(["webgpu", "wasm", "cpu"]);
  })();
  return backend;
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Opens a perf database's bytes (.db, or gzip-compressed as MIOpen ships them). */
async function openDb(data: Uint8Array, name: string) {
  const SQL = await initSqlJs({ locateFile: () => sqlWasmUrl });
  return openPerfDb(SQL, data, { gunzip, name });
}

/** The one model the worker holds: trained here or loaded (its metadata carries the baselines' table). */
let held: LearnedModel | undefined;

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

/** What a model learns from: this lab's records, or one solver's rows of a MIOpen perf database. */
export type TrainingData =
  | { kind: "tunelab"; name: string; records: TuningRecord[] }
  | { kind: "miopen"; name: string; bytes: Uint8Array; solver: string; directions: MiopenDirection[] };

export interface TrainRequest {
  data: TrainingData;
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
}

async function corpusOf(data: TrainingData): Promise<Corpus<unknown>> {
  if (data.kind === "tunelab") return recordCorpus(data.records, data.name);
  const db = await openDb(data.bytes, data.name);
  try {
    return miopenCorpus(readSolverRows(db, data.solver), { file: data.name, directions: data.directions });
  } finally {
    db.close();
  }
}

const training = new SerialQueue();

/** A prediction asked by the page: a problem (text form), and the device or MIOpen direction it is for. */
export interface PredictRequest {
  problem: string;
  /** A model of records predicts for this device (the GPU here, or the recording's). */
  device?: DeviceInfo;
  /** A model of MIOpen data predicts for this direction. */
  direction?: MiopenDirection;
}

export const modelWorkerApi = {
  /** A perf database's solvers, most rows first, with their directions: what a model can learn from it. */
  async perfDbSolvers(data: Uint8Array, name: string): Promise<SolverCount[]> {
    const db = await openDb(data, name);
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
  ): Promise<TrainSummary> {
    const backendName = await modelBackend();
    return training.run(jobId, async (signal) => {
      const corpus = await corpusOf(request.data);
      const options: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...request.options, signal };
      if (onProgress) options.onEpoch = onProgress;
      const split = splitCorpus(corpus, options.seed);
      const trained = await trainModel(corpus, split, options, backendName);
      hold(trained);
      const holdout = split.holdout.length
        ? await evaluateModel(trained, corpus.language, split.holdout, BLEND_BEAM_WIDTH)
        : null;
      await trained.model.save(`indexeddb://${LATEST_MODEL}`);
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
      };
    });
  },

  /** False when no run has that id. */
  async cancel(jobId: string): Promise<boolean> {
    return training.cancel(jobId);
  },

  /** Loads a model from IndexedDB (`indexeddb://name`) or over HTTP (a folder the CLI wrote: .../model.json). */
  async loadModel(url: string): Promise<ModelMetadata> {
    await modelBackend();
    const model = await tf.loadLayersModel(url);
    try {
      hold(learnedModel(model));
    } catch (error) {
      model.dispose();
      throw new Error(`${url}: ${(error as Error).message}`);
    }
    return heldModel().metadata;
  },

  /** The held model's top-`width` candidates for a problem, in the order its saved neighbour blend ranks them. */
  async predict(request: PredictRequest, width: number): Promise<Prediction> {
    const learned = heldModel();
    const ask = {
      problem: parseProblem(request.problem),
      ...(request.device ? { device: modelDeviceOf(request.device) } : {}),
      ...(request.direction ? { direction: request.direction } : {}),
    };
    const [result] = await predictFor(learned, [ask], width);
    if (!result) throw new Error("the beam search returned nothing");
    return result;
  },

  /** Saves the held model in IndexedDB under `name` (tf.io's own store, metadata included). */
  async saveModel(name: string): Promise<void> {
    await heldModel().model.save(`indexeddb://${name}`);
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
    await modelBackend();
    const models = await tf.io.listModels();
    return Object.keys(models).filter((url) => url.startsWith("indexeddb://"));
  },
};

export type ModelWorkerApi = typeof modelWorkerApi;

expose(modelWorkerApi);
