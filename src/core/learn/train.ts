/**
 * Training: teacher forcing (the decoder reads the true previous token), Adam, seeded shuffles and
 * initializers, early stopping on the validation loss with the best epoch's weights restored.
 * Progress is reported after every epoch; an abort signal stops between batches. A model given to
 * start from keeps learning (fine-tuning) from its own weights.
 */
import * as tf from "@tensorflow/tfjs";
import { rng, shuffled } from "../random";
import { buildSeq2Seq, type ModelOptions } from "./seq2seq";
import { END, type Example, START, type Tokenizer } from "./tokenizer";

/** The part of AbortSignal training reads (core has no DOM types). */
export interface AbortLike {
  readonly aborted: boolean;
}

export class TrainingAborted extends Error {
  constructor() {
    super("training was cancelled");
    this.name = "AbortError";
  }
}

export interface TrainOptions extends ModelOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Epochs without a better validation loss before stopping. */
  patience: number;
  /**
   * Learn from runtimes, not one winner: every measured config within this fraction of its problem's
   * best time (0.03: 3% slower at most) becomes a training example, so the beam learns the fast region.
   * Validation and evaluation keep each problem's best. Only data with measured times has it.
   */
  nearBest?: number;
  /**
   * Consensus targets: each problem's target is, of its configs within this fraction of its best time,
   * the one near-best on the most training problems (withConsensusTargets). Validation's too.
   */
  consensus?: number;
  /**
   * Per-position weights of the decoder's cross-entropy (the family token, each parameter, END),
   * normalised to mean 1: one weight per decoder position, or "auto", each position weighted by its
   * teacher-forced error rate on the validation examples, recomputed after every epoch (uniform in
   * the first). Absent: the plain mean over positions. Early stopping reads the unweighted loss.
   */
  positionWeights?: "auto" | number[];
  /**
   * Beside the Seq2Seq model, a cost model a family learnt from every measured time (data with times
   * only), saved in its metadata; on unless false. Its seconds count against maxSeconds.
   */
  costModel?: boolean;
  /** The recorded GPU's compute units (SMs, CUs), which WebGPU does not tell: a cost-model feature. */
  computeUnits?: number;
  /**
   * Cost models a family, from seeds seed, seed+1, ...: ranking averages their predictions (default
   * DEFAULT_COST_SEEDS).
   */
  costSeeds?: number;
  /** Stop after the epoch that passes this many seconds (the best epoch's weights are kept). */
  maxSeconds?: number;
  signal?: AbortLike;
  onEpoch?: (progress: EpochProgress) => void;
}

export interface EpochProgress {
  epoch: number;
  epochs: number;
  loss: number;
  valLoss: number;
  /** Teacher-forced accuracy over the family and parameter tokens of the validation examples. */
  valAccuracy: number;
  /** The loss weight of each decoder position in this epoch (with positionWeights only). */
  positionWeights?: number[];
  seconds: number;
}

export interface TrainResult {
  model: tf.LayersModel;
  history: EpochProgress[];
  /** 0 when no epoch beat the validation loss of the weights a fine-tuned model started with. */
  bestEpoch: number;
  /** What ended training before its last epoch: early stopping (patience) or the time budget; null if neither. */
  stoppedBy: "patience" | "time" | null;
  seconds: number;
}

/** Whether the time budget, not early stopping, ended training while the validation loss was still falling. */
export const cutShortByBudget = (result: Pick<TrainResult, "stoppedBy" | "bestEpoch" | "history">) =>
  result.stoppedBy === "time" && result.bestEpoch === result.history.length;

/** Tensors for a set of examples: encoder steps, one-hot previous tokens, one-hot next tokens. */
export interface Batch {
  problem: tf.Tensor3D;
  previous: tf.Tensor3D;
  next: tf.Tensor3D;
  /** Next-token ids, -1 where the value has no token; for accuracy. */
  nextIds: Int32Array;
}

export function encodeExamples(tokenizer: Tokenizer, examples: readonly Example[]): Batch {
  const steps = tokenizer.featureCount;
  const width = tokenizer.stepWidth;
  const length = tokenizer.decoderLength;
  const vocabulary = tokenizer.size;
  const problem = new Float32Array(examples.length * steps * width);
  const previous = new Float32Array(examples.length * length * vocabulary);
  const next = new Float32Array(examples.length * length * vocabulary);
  const nextIds = new Int32Array(examples.length * length).fill(-1);
  examples.forEach((example, e) => {
    tokenizer.encodeFeatures(example.features, problem.subarray(e * steps * width, (e + 1) * steps * width));
    const targets = tokenizer.targetIds(example.family, example.config);
    let before: number | undefined = START;
    targets.forEach((id, t) => {
      const row = (e * length + t) * vocabulary;
      if (before !== undefined) previous[row + before] = 1;
      if (id !== undefined) {
        next[row + id] = 1;
        nextIds[e * length + t] = id;
      }
      before = id;
    });
  });
  return {
    problem: tf.tensor3d(problem, [examples.length, steps, width]),
    previous: tf.tensor3d(previous, [examples.length, length, vocabulary]),
    next: tf.tensor3d(next, [examples.length, length, vocabulary]),
    nextIds,
  };
}

export function disposeBatch(batch: Batch): void {
  tf.dispose([batch.problem, batch.previous, batch.next]);
}

/**
 * Loss and teacher-forced token accuracy (family and parameters, not the END padding). Reads are
 * awaited: tfjs's webgpu backend cannot read synchronously where there is no OffscreenCanvas (Node).
 */
export async function evaluateTeacherForced(
  model: tf.LayersModel,
  tokenizer: Tokenizer,
  batch: Batch,
): Promise<{ loss: number; accuracy: number; positionAccuracy: (number | undefined)[] }> {
  const [lossTensor, predictedTensor] = tf.tidy(() => {
    const probs = model.predict([batch.problem, batch.previous], { batchSize: 1024 }) as tf.Tensor3D;
    return [tf.metrics.categoricalCrossentropy(batch.next, probs).mean(), probs.argMax(-1)];
  });
  const [[loss], predicted] = (await Promise.all([lossTensor.data(), predictedTensor.data()])) as [
    Float32Array,
    Int32Array,
  ];
  tf.dispose([lossTensor, predictedTensor]);
  const length = tokenizer.decoderLength;
  const rightAt = new Array<number>(length).fill(0);
  const totalAt = new Array<number>(length).fill(0);
  batch.nextIds.forEach((id, i) => {
    // Positions past the family's parameters are END padding; an unknown value (-1) counts as wrong.
    const t = i % length;
    if (t > 0 && id === END) return;
    totalAt[t] = (totalAt[t] as number) + 1;
    if (predicted[i] === id) rightAt[t] = (rightAt[t] as number) + 1;
  });
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  const total = sum(totalAt);
  return {
    loss: loss as number,
    accuracy: total ? sum(rightAt) / total : 0,
    // undefined where every example has END padding.
    positionAccuracy: totalAt.map((n, t) => (n ? (rightAt[t] as number) / n : undefined)),
  };
}

const now = () => Date.now() / 1000;

/** Weights scaled to mean 1, so that the loss keeps the plain mean's scale. */
export function normalisedWeights(weights: readonly number[]): number[] {
  const mean = weights.reduce((a, b) => a + b, 0) / weights.length;
  if (!weights.every((w) => Number.isFinite(w) && w >= 0) || !(mean > 0))
    throw new Error(`position weights must be finite, at least 0 and not all 0: ${weights.join(",")}`);
  return weights.map((w) => w / mean);
}

/** The smallest share a position keeps under "auto", so that one it gets right is not forgotten. */
export const AUTO_WEIGHT_FLOOR = 0.05;

/**
 * "auto"'s weights from per-position teacher-forced accuracy: each position's error rate (at least
 * AUTO_WEIGHT_FLOOR; END padding positions get the floor), normalised to mean 1.
 */
export function autoPositionWeights(positionAccuracy: readonly (number | undefined)[]): number[] {
  return normalisedWeights(
    positionAccuracy.map((a) => (a === undefined ? AUTO_WEIGHT_FLOOR : Math.max(1 - a, AUTO_WEIGHT_FLOOR))),
  );
}

/**
 * Cross-entropy per example and decoder position, times the weight of the position (read at every
 * call, so it can change between batches); tfjs averages the result over examples and positions.
 */
export function positionWeightedLoss(weights: () => tf.Tensor1D) {
  return (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.mul(tf.metrics.categoricalCrossentropy(yTrue, yPred), weights());
}

export async function trainSeq2Seq(
  tokenizer: Tokenizer,
  train: readonly Example[],
  validation: readonly Example[],
  options: TrainOptions,
  /** A model of this tokenizer to keep training (its weights change in place) instead of a new one. */
  from?: tf.LayersModel,
): Promise<TrainResult> {
  if (!train.length) throw new Error("no training examples");
  if (!validation.length) throw new Error("no validation examples (early stopping needs some)");
  const length = tokenizer.decoderLength;
  const given = options.positionWeights;
  if (Array.isArray(given) && given.length !== length)
    throw new Error(
      `position weights: ${given.length} given, the decoder has ${length} positions (the family token, ${length - 2} parameters, END)`,
    );
  const fixedWeights = Array.isArray(given) ? normalisedWeights(given) : undefined;
  const started = now();
  const model =
    from ??
    buildSeq2Seq(
      {
        featureSteps: tokenizer.featureCount,
        stepWidth: tokenizer.stepWidth,
        decoderLength: tokenizer.decoderLength,
        vocabulary: tokenizer.size,
      },
      options,
    );
  let weightValues: number[] | undefined = given === "auto" ? new Array(length).fill(1) : fixedWeights;
  let weightTensor = weightValues && tf.tensor1d(weightValues);
  model.compile({
    optimizer: tf.train.adam(options.learningRate),
    loss: weightTensor ? positionWeightedLoss(() => weightTensor as tf.Tensor1D) : "categoricalCrossentropy",
  });
  const trainBatch = encodeExamples(tokenizer, train);
  const validationBatch = encodeExamples(tokenizer, validation);
  const random = rng(options.seed);
  const history: EpochProgress[] = [];
  let best = { loss: Infinity, epoch: 0, weights: [] as tf.Tensor[] };
  let stoppedBy: TrainResult["stoppedBy"] = null;
  try {
    // Fine-tuning never ends worse on validation than it began: the starting weights are epoch 0.
    if (from) {
      const { loss } = await evaluateTeacherForced(model, tokenizer, validationBatch);
      best = { loss, epoch: 0, weights: model.getWeights().map((w) => w.clone()) };
    }
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const order = shuffled(
        random,
        train.map((_, i) => i),
      );
      let lossSum = 0;
      let batches = 0;
      for (let from = 0; from < order.length; from += options.batchSize) {
        if (options.signal?.aborted) throw new TrainingAborted();
        const indices = tf.tensor1d(order.slice(from, from + options.batchSize), "int32");
        const [problem, previous, next] = [trainBatch.problem, trainBatch.previous, trainBatch.next].map(
          (t) => tf.gather(t, indices),
        );
        const loss = await model.trainOnBatch(
          [problem as tf.Tensor, previous as tf.Tensor],
          next as tf.Tensor,
        );
        tf.dispose([indices, problem, previous, next] as tf.Tensor[]);
        lossSum += loss as number;
        batches++;
        // Let the event loop breathe (progress messages, cancellation) between batches.
        await tf.nextFrame();
      }
      const {
        loss: valLoss,
        accuracy: valAccuracy,
        positionAccuracy,
      } = await evaluateTeacherForced(model, tokenizer, validationBatch);
      const progress: EpochProgress = {
        epoch,
        epochs: options.epochs,
        loss: lossSum / batches,
        valLoss,
        valAccuracy,
        seconds: now() - started,
        ...(weightValues ? { positionWeights: weightValues } : {}),
      };
      if (given === "auto") {
        weightValues = autoPositionWeights(positionAccuracy);
        tf.dispose(weightTensor);
        weightTensor = tf.tensor1d(weightValues);
      }
      history.push(progress);
      options.onEpoch?.(progress);
      if (valLoss < best.loss) {
        tf.dispose(best.weights);
        best = { loss: valLoss, epoch, weights: model.getWeights().map((w) => w.clone()) };
      } else if (epoch - best.epoch >= options.patience) {
        stoppedBy = "patience";
        break;
      }
      if (options.maxSeconds !== undefined && progress.seconds >= options.maxSeconds) {
        stoppedBy = "time";
        break;
      }
    }
    model.setWeights(best.weights);
  } finally {
    tf.dispose(best.weights);
    tf.dispose(weightTensor);
    disposeBatch(trainBatch);
    disposeBatch(validationBatch);
  }
  return { model, history, bestEpoch: best.epoch, stoppedBy, seconds: now() - started };
}
