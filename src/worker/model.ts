/**
 * The model's Worker: training, saved models and the beam search (training.ts) behind comlink, apart
 * from the GPU engine's Worker so that tfjs loads only when someone trains or predicts. Each training
 * run has a job id so the page can cancel it (an AbortSignal cannot cross postMessage).
 */
/// <reference lib="webworker" />
import * as tf from "@tensorflow/tfjs";
import { expose, transfer } from "comlink";
import type { DeviceInfo } from "../core/dataset/record";
import {
  MODEL_JSON,
  type ModelFiles,
  type ModelMetadata,
  modelToFiles,
  readMetadata,
  WEIGHTS_BIN,
} from "../core/model/artifacts";
import { modelDeviceOf } from "../core/model/device";
import type { FamilyBeamResult } from "../core/model/predictor";
import { predictRecordConfigs } from "../core/model/records";
import { Tokenizer } from "../core/model/tokenizer";
import type { EpochProgress } from "../core/model/train";
import { parseProblem } from "../core/problem";
import { SerialQueue } from "../gpu/jobs";
import { type TrainRequest, trainingApi } from "./training";

/** Every trained model is kept in this browser under this name, so a reload does not lose it. */
const LATEST_MODEL = "tunelab-latest";

const training = new SerialQueue();

/** A file for the page to save under its name (the page has the DOM that downloads need). */
export interface NamedFile {
  name: string;
  data: string | Uint8Array<ArrayBuffer>;
}

/**
 * tfjs warns at every save that an RNN given its initial state inside its input list "was passed
 * non-serializable keyword arguments"; the model keeps that link (src/core/model/seq2seq.ts says why),
 * so this one message is noise in the page's console. Every other warning passes through.
 */
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === "string" && /^Layer \w+ was passed non-serializable keyword arguments/.test(args[0]))
    return;
  warn(...args);
};

/**
 * On a software adapter (SwiftShader) tfjs's webgpu backend is far slower than wasm, so it is dropped
 * there and the training API's preference order (webgpu, wasm, cpu) falls through to wasm.
 */
const backendsChosen = (async () => {
  const adapter = await self.navigator.gpu?.requestAdapter();
  const fallback = (adapter?.info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter;
  if (!adapter || fallback) tf.removeBackend("webgpu");
})();

/** Every call of the training API waits until the backends are settled. */
function settled<A extends unknown[], R>(call: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    await backendsChosen;
    return call(...args);
  };
}

/** A model trained on this lab's own records (e.g. the recorded demo's): it predicts runnable kernels. */
let recordModel: { model: tf.LayersModel; metadata: ModelMetadata } | undefined;

export const modelWorkerApi = {
  /** Loads a record-trained model (model.json over HTTP, or indexeddb://name). */
  async loadRecordModel(url: string): Promise<ModelMetadata> {
    await backendsChosen;
    const model = await tf.loadLayersModel(url);
    const metadata = readMetadata(model);
    if (metadata.source.kind !== "tunelab") {
      model.dispose();
      throw new Error(`${url} was trained on ${metadata.source.kind} data, not on tunelab records`);
    }
    recordModel?.model.dispose();
    recordModel = { model, metadata };
    return metadata;
  },
  /** The top-`width` configs across the lab's kernel families for a problem on a device, best first. */
  async predictRecords(problemText: string, device: DeviceInfo, width: number): Promise<FamilyBeamResult> {
    if (!recordModel) throw new Error("no record-trained model loaded");
    const tokenizer = new Tokenizer(recordModel.metadata.tokenizer);
    const [result] = await predictRecordConfigs(
      recordModel.model,
      tokenizer,
      [{ problem: parseProblem(problemText), device: modelDeviceOf(device) }],
      width,
    );
    if (!result) throw new Error("the beam search returned nothing");
    return result;
  },
  /**
   * A held model as the two files the CLI writes and reads (model.json, weights.bin): the record-trained
   * one (`tunelab`) or the training API's (`miopen`). The weights are transferred to the page, not cloned.
   */
  async modelFiles(kind: ModelMetadata["source"]["kind"]): Promise<NamedFile[]> {
    await backendsChosen;
    let files: ModelFiles;
    if (kind === "tunelab") {
      if (!recordModel) throw new Error("no record-trained model loaded");
      files = await modelToFiles(recordModel.model, recordModel.metadata);
    } else {
      files = await trainingApi.modelFiles();
    }
    const weights = new Uint8Array(files.weights);
    return transfer(
      [
        { name: MODEL_JSON, data: files.modelJson },
        { name: WEIGHTS_BIN, data: weights },
      ],
      [weights.buffer],
    );
  },
  saveModel: settled(trainingApi.saveModel),
  loadModel: settled(trainingApi.loadModel),
  listModels: settled(trainingApi.listModels),
  predict: settled(trainingApi.predict),
  perfDbSolvers: settled(trainingApi.perfDbSolvers),
  /** Trains one model at a time; `cancel(jobId)` stops a run between batches or drops a waiting one. */
  async trainModel(jobId: string, request: TrainRequest, onProgress?: (progress: EpochProgress) => void) {
    await backendsChosen;
    return training.run(jobId, async (signal) => {
      const summary = await trainingApi.trainModel(request, onProgress, signal);
      await trainingApi.saveModel(LATEST_MODEL);
      return { ...summary, savedAs: LATEST_MODEL };
    });
  },
  /** False when no run has that id. */
  async cancel(jobId: string): Promise<boolean> {
    return training.cancel(jobId);
  },
};

export type ModelWorkerApi = typeof modelWorkerApi;

expose(modelWorkerApi);
