/**
 * One model format everywhere: tfjs's layers-model JSON plus one weights file, with tunelab's own
 * metadata (tokenizer, what it was trained on, the baselines' table) inside model.json's
 * userDefinedMetadata. Node writes
 * the two files to a folder; the browser keeps the same artifacts in IndexedDB (tf.io) or loads the
 * folder over HTTP, so a model from either side loads in the other.
 */
import * as tf from "@tensorflow/tfjs";
import type { DeviceLimits } from "../families/family";
import type { BaselineTable, NeighbourBlend } from "./baselines";
import type { SavedCostModel } from "./cost-model";
import { Tokenizer, type TokenizerJson } from "./tokenizer";
import type { TrainOptions } from "./train";

export const MODEL_JSON = "model.json";
export const WEIGHTS_BIN = "weights.bin";

/** Where a model's training examples came from: which corpus (its problem language), file and families. */
export interface ModelSource {
  /** `tunelab`: this lab's records (src/core/corpora/records.ts); `miopen`: a perf database (miopen.ts). */
  kind: "miopen" | "tunelab";
  file: string;
  families: string[];
  /** MIOpen: the directions learned. */
  directions?: string[];
  /** tunelab records: the devices measured, whose limits shape each family's space at prediction. */
  devices?: ModelDevice[];
}

export interface ModelMetadata {
  format: "tunelab-seq2seq";
  version: 1;
  tokenizer: TokenizerJson;
  source: ModelSource;
  options: Pick<
    TrainOptions,
    | "units"
    | "attention"
    | "seed"
    | "epochs"
    | "batchSize"
    | "learningRate"
    | "patience"
    | "positionWeights"
    | "nearBest"
    | "consensus"
    | "costModel"
    | "computeUnits"
  >;
  /** The neighbour blend chosen on the validation split, applied when scoring (absent: the model alone). */
  neighbours?: NeighbourBlend;
  /**
   * What the baselines and the blend remember of the training set (its problems and configs): saved
   * inside the model so that every copy of it, file or IndexedDB, predicts and scores alike.
   */
  baselines?: BaselineTable;
  /** The cost models learnt beside it, a family each, from every recorded time (cost-model.ts). */
  costModels?: SavedCostModel[];
  training: { examples: number; validation: number; bestEpoch: number; seconds: number; backend: string };
}

export interface ModelDevice {
  vendor: string;
  architecture: string;
  description: string;
  limits: DeviceLimits;
}

export interface ModelFiles {
  modelJson: string;
  weights: Uint8Array;
}

export function readMetadata(model: tf.LayersModel): ModelMetadata {
  const meta = model.getUserDefinedMetadata() as Partial<ModelMetadata> | undefined;
  if (meta?.format !== "tunelab-seq2seq" || meta.version !== 1 || !meta.tokenizer) {
    throw new Error("this is not a tunelab model (model.json has no tunelab-seq2seq metadata)");
  }
  return meta as ModelMetadata;
}

/** A model with what its metadata says: its tokenizer, baselines and where its examples came from. */
export interface LearnedModel {
  model: tf.LayersModel;
  tokenizer: Tokenizer;
  metadata: ModelMetadata;
}

export function learnedModel(model: tf.LayersModel, metadata = readMetadata(model)): LearnedModel {
  return { model, tokenizer: new Tokenizer(metadata.tokenizer), metadata };
}

/** The model's files: model.json (topology, weight manifest, metadata) and weights.bin. */
export async function modelToFiles(model: tf.LayersModel, metadata: ModelMetadata): Promise<ModelFiles> {
  model.setUserDefinedMetadata(metadata as unknown as Record<string, unknown>);
  let files: ModelFiles | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData ?? new ArrayBuffer(0);
      const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(weightData));
      const json: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
        userDefinedMetadata: artifacts.userDefinedMetadata,
      };
      files = { modelJson: JSON.stringify(json), weights };
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  if (!files) throw new Error("saving the model produced no files");
  return files;
}

const DTYPE_BYTES: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/**
 * Refuses weights that tfjs would load without a word: a weights.bin longer or shorter than its
 * manifest says (a wrong or damaged file), and NaN or infinite numbers, which would predict nonsense
 * as calmly as a trained model predicts.
 */
function checkWeights(specs: readonly tf.io.WeightsManifestEntry[], bytes: Uint8Array): void {
  const sizes = specs.map((spec) => {
    const dtype = spec.quantization?.dtype ?? spec.dtype;
    const width = DTYPE_BYTES[dtype];
    if (width === undefined)
      throw new Error(`${WEIGHTS_BIN}: weight ${spec.name} has unknown dtype ${dtype}`);
    return spec.shape.reduce((n, d) => n * d, 1) * width;
  });
  const expected = sizes.reduce((a, b) => a + b, 0);
  if (bytes.byteLength !== expected) {
    throw new Error(
      `${WEIGHTS_BIN} holds ${bytes.byteLength} bytes where ${MODEL_JSON} describes ${expected}: it belongs to another model or is damaged`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  specs.forEach((spec, i) => {
    if (spec.dtype === "float32" && !spec.quantization) {
      for (let at = offset; at < offset + (sizes[i] ?? 0); at += 4) {
        const value = view.getFloat32(at, true);
        if (!Number.isFinite(value))
          throw new Error(`${WEIGHTS_BIN}: weight ${spec.name} holds ${value}: the model is damaged`);
      }
    }
    offset += sizes[i] ?? 0;
  });
}

/** The tf.io artifacts of a model's files, as they are: modelFromArtifacts checks them. */
export async function artifactsFromFiles(files: ModelFiles): Promise<tf.io.ModelArtifacts> {
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(files.modelJson) as tf.io.ModelJSON;
  } catch (error) {
    throw new Error(`${MODEL_JSON} is not JSON: ${(error as Error).message}`);
  }
  if (!json.modelTopology || !json.weightsManifest)
    throw new Error(`${MODEL_JSON} has no modelTopology or weightsManifest`);
  const bytes = files.weights;
  return tf.io.getModelArtifactsForJSON(json, async (manifest) => [
    manifest.flatMap((group) => group.weights),
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
  ]);
}

/**
 * A tunelab model from artifacts wherever tf.io read them (files, HTTP, IndexedDB): damaged weights
 * and a model without tunelab's metadata are refused before anything uses it.
 */
export async function modelFromArtifacts(artifacts: tf.io.ModelArtifacts): Promise<tf.LayersModel> {
  const data = artifacts.weightData;
  checkWeights(
    artifacts.weightSpecs ?? [],
    new Uint8Array(data ? tf.io.CompositeArrayBuffer.join(data) : []),
  );
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  try {
    readMetadata(model);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

/** A model's artifacts where tf.io finds them (HTTP, indexeddb://NAME), read as tf.loadLayersModel reads them. */
export async function artifactsAt(url: string): Promise<tf.io.ModelArtifacts> {
  const handler = tf.io.getLoadHandlers(url)[0] ?? tf.io.browserHTTPRequest(url);
  if (!handler.load) throw new Error("tf.io cannot load a model from there");
  return handler.load();
}

export async function modelFromFiles(files: ModelFiles): Promise<tf.LayersModel> {
  return modelFromArtifacts(await artifactsFromFiles(files));
}
