import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import initSqlJs from "sql.js";
import { beforeAll, describe, expect, it } from "vitest";
import { miopenCorpus, miopenLanguage } from "../corpora/miopen";
import { openPerfDb, readSolverRows } from "../miopen/perfdb";
import { DEFAULT_TRAIN_OPTIONS } from "./defaults";
import { exampleOf, splitCorpus } from "./pipeline";
import { Tokenizer } from "./tokenizer";
import {
  AUTO_WEIGHT_FLOOR,
  autoPositionWeights,
  disposeBatch,
  encodeExamples,
  normalisedWeights,
  positionWeightedLoss,
  type TrainOptions,
  trainSeq2Seq,
} from "./train";

const SOLVER = "ConvAsm1x1U";

beforeAll(async () => {
  await tf.setBackend("wasm");
});

describe("the position-weighted loss", () => {
  it("is the weighted mean of each example's and position's cross-entropy", async () => {
    // 2 examples, 3 positions, 4 tokens.
    const truth = [
      [0, 1, 3],
      [2, 2, 0],
    ];
    const probs = [
      [
        [0.7, 0.1, 0.1, 0.1],
        [0.2, 0.5, 0.2, 0.1],
        [0.25, 0.25, 0.25, 0.25],
      ],
      [
        [0.1, 0.1, 0.6, 0.2],
        [0.4, 0.3, 0.2, 0.1],
        [0.9, 0.05, 0.03, 0.02],
      ],
    ];
    const weights = [0.5, 2, 0.5];
    const yTrue = tf.oneHot(tf.tensor2d(truth, [2, 3], "int32"), 4).toFloat();
    const yPred = tf.tensor3d(probs);
    const w = tf.tensor1d(weights);
    const loss = tf.mean(positionWeightedLoss(() => w)(yTrue, yPred));
    let expected = 0;
    truth.forEach((row, e) => {
      row.forEach((id, t) => {
        expected -= (weights[t] as number) * Math.log(probs[e]?.[t]?.[id] as number);
      });
    });
    expect((await loss.data())[0]).toBeCloseTo(expected / 6, 5);
    tf.dispose([yTrue, yPred, w, loss]);
  });

  it("normalises weights to mean 1 and refuses ones it cannot", () => {
    expect(normalisedWeights([1, 3])).toEqual([0.5, 1.5]);
    expect(() => normalisedWeights([0, 0])).toThrow(/not all 0/);
    expect(() => normalisedWeights([1, -1, 3])).toThrow(/at least 0/);
    // auto: the error rate, at least the floor (also where a position is all padding), mean 1.
    const auto = autoPositionWeights([1, 0.5, 0.8, undefined]);
    const raw = [AUTO_WEIGHT_FLOOR, 0.5, 0.2, AUTO_WEIGHT_FLOOR];
    const mean = raw.reduce((a, b) => a + b) / raw.length;
    auto.forEach((w, i) => {
      expect(w).toBeCloseTo((raw[i] as number) / mean, 10);
    });
  });
});

describe("training with position weights (a small real slice)", () => {
  let tokenizer: Tokenizer;
  let train: ReturnType<typeof exampleOf>[];
  let validation: ReturnType<typeof exampleOf>[];
  const options: TrainOptions = {
    ...DEFAULT_TRAIN_OPTIONS,
    units: 16,
    epochs: 4,
    batchSize: 64,
    patience: 4,
    seed: 5,
  };
  beforeAll(async () => {
    const db = await openPerfDb(await initSqlJs(), readFileSync("data/miopen/gfx906_60.db.gz"), {
      gunzip: gunzipSync,
    });
    const rows = readSolverRows(db, SOLVER).filter((_, i) => i % 20 === 0);
    db.close();
    const corpus = miopenCorpus(rows, { file: "gfx906_60 subset", directions: ["F", "B"] });
    const split = splitCorpus(corpus, 5);
    train = split.train.map((e) => exampleOf(miopenLanguage, e));
    validation = split.validation.map((e) => exampleOf(miopenLanguage, e));
    tokenizer = Tokenizer.fit(train, (family) => corpus.paramNames(family));
  }, 60_000);

  /** Mean cross-entropy of one decoder position over the training examples, teacher-forced. */
  async function positionLoss(model: tf.LayersModel, position: number): Promise<number> {
    const batch = encodeExamples(tokenizer, train);
    const loss = tf.tidy(() => {
      const probs = model.predict([batch.problem, batch.previous]) as tf.Tensor3D;
      const perPosition = tf.metrics.categoricalCrossentropy(batch.next, probs) as tf.Tensor2D;
      return perPosition.slice([0, position], [-1, 1]).mean();
    });
    const value = (await loss.data())[0] as number;
    tf.dispose(loss);
    disposeBatch(batch);
    return value;
  }

  it("learns the position it is told to weigh faster than the plain loss does", async () => {
    // Position 3: the third parameter (0 is the family token).
    const target = 3;
    const weights = new Array<number>(tokenizer.decoderLength).fill(0.02);
    weights[target] = 1;
    const plain = await trainSeq2Seq(tokenizer, train, validation, options);
    const weighted = await trainSeq2Seq(tokenizer, train, validation, {
      ...options,
      positionWeights: weights,
    });
    const [plainLoss, weightedLoss] = [
      await positionLoss(plain.model, target),
      await positionLoss(weighted.model, target),
    ];
    // Every weight is recorded, normalised to mean 1.
    const recorded = weighted.history[0]?.positionWeights ?? [];
    expect(recorded).toEqual(normalisedWeights(weights));
    expect(plain.history[0]?.positionWeights).toBeUndefined();
    expect(weightedLoss).toBeLessThan(plainLoss * 0.9);
    plain.model.dispose();
    weighted.model.dispose();
  }, 120_000);

  it("auto: uniform in the first epoch, then each position's validation error rate", async () => {
    const result = await trainSeq2Seq(tokenizer, train, validation, {
      ...options,
      epochs: 2,
      patience: 2,
      positionWeights: "auto",
    });
    const [first, second] = result.history.map((h) => h.positionWeights ?? []);
    expect(first).toEqual(new Array(tokenizer.decoderLength).fill(1));
    expect(second).toHaveLength(tokenizer.decoderLength);
    expect((second ?? []).reduce((a, b) => a + b, 0)).toBeCloseTo(tokenizer.decoderLength, 6);
    // The END position is padding: it keeps the floor, the least weight of all.
    const end = (second ?? [])[tokenizer.decoderLength - 1] as number;
    expect(Math.min(...(second ?? []))).toBeCloseTo(end, 10);
    expect(Math.max(...(second ?? []))).toBeGreaterThan(1);
    result.model.dispose();
  }, 120_000);

  it("refuses weights that do not match the decoder's positions", async () => {
    await expect(
      trainSeq2Seq(tokenizer, train, validation, { ...options, positionWeights: [1, 2] }),
    ).rejects.toThrow(`position weights: 2 given, the decoder has ${tokenizer.decoderLength} positions`);
  });
});
