/// <reference lib="webworker" />
/**
 * The model in the Web Worker: train on a MIOpen perf database (progress per epoch, cancellable),
 * keep models in IndexedDB through tf.io, load one saved by the Node CLI over HTTP, and predict.
 * Backends in order of preference: webgpu, wasm, cpu.
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-webgpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import wasmPlainUrl from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url";
import wasmSimdUrl from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url";
import wasmThreadedUrl from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url";
import initSqlJs from "sql.js";
import sqlWasmUrl from "sql.js/dist/sql-wasm-browser.wasm?url";
import { solverSpace } from "../core/miopen/examples";
import {
  BLEND_BEAM_WIDTH,
  type EvalReport,
  evaluateMiopenModel,
  miopenProblemOf,
  splitMiopenRows,
  trainMiopenModel,
} from "../core/miopen/model";
import {
  type MiopenDirection,
  openPerfDb,
  readSolverRows,
  type SolverCount,
  solverCounts,
} from "../core/miopen/perfdb";
import { type ModelFiles, type ModelMetadata, modelToFiles, readMetadata } from "../core/model/artifacts";
import { startBackend } from "../core/model/backend";
import { type Ranking, rankWithNeighbours } from "../core/model/baselines";
import type { BeamCandidate, BeamResult } from "../core/model/beam";
import { DEFAULT_TRAIN_OPTIONS } from "../core/model/defaults";
import { miopenFeatures } from "../core/model/features";
import { predictConfigs } from "../core/model/predictor";
import { Tokenizer } from "../core/model/tokenizer";
import type { EpochProgress, TrainOptions } from "../core/model/train";
import { parseProblem } from "../core/problem";

let backend: Promise<string> | undefined;

function modelBackend(): Promise<string> {
  backend ??= (() => {
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

/** The model the worker holds: trained here or loaded (its metadata carries the baselines' table). */
let current: { model: tf.LayersModel; metadata: ModelMetadata } | undefined;

/**
 * Makes a model the held one, ready to predict, save and download whether it was trained here or
 * loaded. Its metadata also goes into the model itself, as in a loaded model.json, so a save keeps it.
 */
function hold(model: tf.LayersModel, metadata: ModelMetadata): void {
  model.setUserDefinedMetadata(metadata as unknown as Record<string, unknown>);
  if (current && current.model !== model) current.model.dispose();
  current = { model, metadata };
}

function requireModel() {
  if (!current) throw new Error("no model: train one or load one first");
  return current;
}

export interface TrainRequest {
  /** A MIOpen perf database, .db or .db.gz bytes. */
  data: Uint8Array;
  name: string;
  solver?: string;
  directions?: MiopenDirection[];
  options?: Partial<
    Pick<
      TrainOptions,
      "units" | "attention" | "epochs" | "seed" | "batchSize" | "learningRate" | "patience" | "maxSeconds"
    >
  >;
}

export interface TrainSummary {
  solver: string;
  backend: string;
  rows: { train: number; validation: number; holdout: number };
  history: EpochProgress[];
  bestEpoch: number;
  seconds: number;
  /** The held-out problems, scored with the beam search beside the baselines. */
  holdout: EvalReport;
}

/** Opens a perf database's bytes (.db, or gzip-compressed as MIOpen ships them). */
async function openDb(data: Uint8Array, name: string) {
  const SQL = await initSqlJs({ locateFile: () => sqlWasmUrl });
  return openPerfDb(SQL, data, { gunzip, name });
}

export const trainingApi = {
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

  /** Trains on a perf database; `onProgress` hears every epoch, `signal` cancels between batches. */
  async trainModel(
    request: TrainRequest,
    onProgress?: (progress: EpochProgress) => void,
    signal?: AbortSignal,
  ): Promise<TrainSummary> {
    const backendName = await modelBackend();
    const db = await openDb(request.data, request.name);
    let solver: string;
    let rows: ReturnType<typeof readSolverRows>;
    try {
      solver = request.solver ?? solverCounts(db)[0]?.solver ?? "";
      rows = readSolverRows(db, solver);
    } finally {
      db.close();
    }
    const options: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...request.options };
    const split = splitMiopenRows(rows, request.directions, options.seed);
    const trained = await trainMiopenModel(
      split,
      { ...options, ...(signal ? { signal } : {}), ...(onProgress ? { onEpoch: onProgress } : {}) },
      {
        file: request.name,
        ...(request.directions ? { directions: request.directions } : {}),
        backend: backendName,
      },
    );
    hold(trained.model, trained.metadata);
    // Scored as `eval` scores it: the beam re-ranked by the neighbour blend chosen on validation.
    const holdout = await evaluateMiopenModel(
      trained.model,
      trained.tokenizer,
      trained.baselines,
      split.holdout,
      BLEND_BEAM_WIDTH,
      trained.metadata.neighbours,
    );
    return {
      solver,
      backend: backendName,
      rows: { train: split.train.length, validation: split.validation.length, holdout: split.holdout.length },
      history: trained.history,
      bestEpoch: trained.bestEpoch,
      seconds: trained.seconds,
      holdout,
    };
  },

  /** Saves the held model in IndexedDB under `name` (tf.io's own store, metadata included). */
  async saveModel(name: string): Promise<void> {
    await requireModel().model.save(`indexeddb://${name}`);
  },

  /** The held model as the two files the CLI writes (model.json, weights.bin), for the page to download. */
  async modelFiles(): Promise<ModelFiles> {
    const { model, metadata } = requireModel();
    return modelToFiles(model, metadata);
  },

  /** Loads a model from IndexedDB (`indexeddb://name`) or over HTTP (a folder the CLI wrote: .../model.json). */
  async loadModel(url: string): Promise<ModelMetadata> {
    await modelBackend();
    const model = await tf.loadLayersModel(url);
    let metadata: ModelMetadata;
    try {
      metadata = readMetadata(model);
    } catch (error) {
      model.dispose();
      throw new Error(`${url}: ${(error as Error).message}`);
    }
    hold(model, metadata);
    return metadata;
  },

  async listModels(): Promise<string[]> {
    const models = await tf.io.listModels();
    return Object.keys(models).filter((url) => url.startsWith("indexeddb://"));
  },

  /** Top-`width` valid configs for a problem (tunelab's text form) in one MIOpen direction. */
  async predict(
    problemText: string,
    direction: MiopenDirection = "F",
    width = 8,
    solver?: string,
  ): Promise<RankedPrediction> {
    const { model, metadata } = requireModel();
    const family = solver ?? metadata.source.families[0];
    if (!family) throw new Error("the model knows no solver");
    const tokenizer = new Tokenizer(metadata.tokenizer);
    const problem = miopenProblemOf(parseProblem(problemText), direction);
    const space = solverSpace(family, problem, tokenizer.vocabulary(family));
    const features = miopenFeatures(problem);
    const [result] = await predictConfigs(model, tokenizer, family, [{ features, space }], width);
    if (!result) throw new Error("the beam search returned nothing");
    if (!result.ok) return result;
    // The order `eval` scores and the CLI's predict prints.
    return {
      ok: true,
      ...rankWithNeighbours(result.candidates, metadata.baselines, metadata.neighbours, family, features),
    };
  },
};

export type TrainingApi = typeof trainingApi;

/** The beam's answer for one problem, in the order the model's saved neighbour blend ranks it. */
export type RankedPrediction = ({ ok: true } & Ranking<BeamCandidate>) | Extract<BeamResult, { ok: false }>;
