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
  seconds: number;
}

export interface TrainResult {
  model: tf.LayersModel;
  history: EpochProgress[];
  /** 0 when no epoch beat the validation loss of the weights a fine-tuned model started with. */
  bestEpoch: number;
  stoppedEarly: boolean;
  seconds: number;
}

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
): Promise<{ loss: number; accuracy: number }> {
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
  let right = 0;
  let total = 0;
  batch.nextIds.forEach((id, i) => {
    // Positions past the family's parameters are END padding; an unknown value (-1) counts as wrong.
    const isPadding = i % length > 0 && id === END;
    if (isPadding) return;
    total++;
    if (predicted[i] === id) right++;
  });
  return { loss: loss as number, accuracy: total ? right / total : 0 };
}

const now = () => Date.now() / 1000;

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
  model.compile({ optimizer: tf.train.adam(options.learningRate), loss: "categoricalCrossentropy" });
  const trainBatch = encodeExamples(tokenizer, train);
  const validationBatch = encodeExamples(tokenizer, validation);
  const random = rng(options.seed);
  const history: EpochProgress[] = [];
  let best = { loss: Infinity, epoch: 0, weights: [] as tf.Tensor[] };
  let stoppedEarly = false;
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
      const { loss: valLoss, accuracy: valAccuracy } = await evaluateTeacherForced(
        model,
        tokenizer,
        validationBatch,
      );
      const progress = {
        epoch,
        epochs: options.epochs,
        loss: lossSum / batches,
        valLoss,
        valAccuracy,
        seconds: now() - started,
      };
      history.push(progress);
      options.onEpoch?.(progress);
      if (valLoss < best.loss) {
        tf.dispose(best.weights);
        best = { loss: valLoss, epoch, weights: model.getWeights().map((w) => w.clone()) };
      } else if (epoch - best.epoch >= options.patience) {
        stoppedEarly = true;
        break;
      }
      if (options.maxSeconds !== undefined && progress.seconds >= options.maxSeconds) {
        stoppedEarly = true;
        break;
      }
    }
    model.setWeights(best.weights);
  } finally {
    tf.dispose(best.weights);
    disposeBatch(trainBatch);
    disposeBatch(validationBatch);
  }
  return { model, history, bestEpoch: best.epoch, stoppedEarly, seconds: now() - started };
}
