import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import initSqlJs from "sql.js";
import { beforeAll, describe, expect, it } from "vitest";
import { miopenCorpus, miopenLanguage, solverSpace } from "../corpora/miopen";
import { openPerfDb, type PerfRow, readSolverRows } from "../miopen/perfdb";
import { checkConfig } from "../space/space";
import { learnedModel, modelFromFiles, modelToFiles } from "./artifacts";
import { DEFAULT_TRAIN_OPTIONS } from "./defaults";
import {
  evaluateModel,
  fineTuningCorpus,
  fineTuningSplit,
  predict,
  splitCorpus,
  type TrainedModel,
  trainModel,
} from "./pipeline";
import { fewestProblems } from "./split";
import { cutShortByBudget, TrainingAborted } from "./train";

const SOLVER = "ConvAsm1x1U";
let rows: PerfRow[];
let trained: TrainedModel;
const corpusOf = (subset: readonly PerfRow[], directions?: string[]) =>
  miopenCorpus(subset, { file: "gfx906_60 subset", directions });

beforeAll(async () => {
  await tf.setBackend("wasm");
  const SQL = await initSqlJs();
  const db = await openPerfDb(SQL, readFileSync("data/miopen/gfx906_60.db.gz"), {
    gunzip: gunzipSync,
  });
  // Every 20th row: a small real subset that trains in seconds.
  rows = readSolverRows(db, SOLVER).filter((_, i) => i % 20 === 0);
  db.close();
  const corpus = corpusOf(rows, ["F", "B"]);
  trained = await trainModel(
    corpus,
    splitCorpus(corpus, 5),
    { ...DEFAULT_TRAIN_OPTIONS, units: 16, epochs: 6, batchSize: 64, patience: 6, seed: 5 },
    tf.getBackend(),
  );
}, 120_000);

describe("a tiny real training run", () => {
  it("lowers the loss", () => {
    const losses = trained.history.map((h) => h.loss);
    expect(losses.length).toBe(6);
    expect(losses.at(-1)).toBeLessThan((losses[0] as number) * 0.8);
    // Well above chance (about 1 in 40 tokens) after a few epochs on a few hundred rows.
    expect(trained.history.at(-1)?.valAccuracy).toBeGreaterThan(0.2);
  });

  it("round-trips through model.json + weights.bin to identical beam predictions", async () => {
    const sample = rows.slice(0, 12);
    const files = await modelToFiles(trained.model, trained.metadata);
    expect(JSON.parse(files.modelJson).weightsManifest[0].paths).toEqual(["./weights.bin"]);
    const loaded = learnedModel(await modelFromFiles(files));
    expect(loaded.tokenizer.json).toEqual(trained.tokenizer.json);
    const queries = sample.map((r) => ({ problem: r.problem, solver: SOLVER }));
    const before = await predict(trained, miopenLanguage, queries, 4);
    const after = await predict(loaded, miopenLanguage, queries, 4);
    expect(after).toEqual(before);
    before.forEach((result, i) => {
      expect(result.ok).toBe(true);
      const space = solverSpace(SOLVER, (sample[i] as PerfRow).problem, trained.tokenizer);
      if (result.ok) for (const c of result.candidates) expect(checkConfig(space, c.config)).toEqual([]);
    });
    loaded.model.dispose();
  });

  it("saves the neighbour blend chosen on the validation shapes; the blended answers stay valid", async () => {
    const blend = trained.metadata.neighbours;
    expect(blend?.count).toBeGreaterThan(0);
    expect(blend?.weight).toBeGreaterThanOrEqual(0);
    const split = splitCorpus(corpusOf(rows, ["F", "B"]), 5);
    const report = await evaluateModel(trained, miopenLanguage, split.holdout, 4);
    expect(report.valid).toBe(1);
    expect(report.topK).toBe(report.modelAlone.topK);
  });

  it("scores teacher-forced tokens on any rows as training scored its validation rows", async () => {
    const split = splitCorpus(corpusOf(rows, ["F", "B"]), 5);
    const report = await evaluateModel(trained, miopenLanguage, split.validation, 2);
    const best = trained.history[trained.bestEpoch - 1];
    expect(report.teacherForced.accuracy).toBeCloseTo(best?.valAccuracy ?? -1, 6);
    expect(report.teacherForced.loss).toBeCloseTo(best?.valLoss ?? -1, 4);
  });

  it("rejects a model.json that is not a tunelab model", async () => {
    await expect(modelFromFiles({ modelJson: "{}", weights: new Uint8Array() })).rejects.toThrow(
      /modelTopology/,
    );
    await expect(modelFromFiles({ modelJson: "nope", weights: new Uint8Array() })).rejects.toThrow(
      /not JSON/,
    );
  });

  it("ran its epochs out: neither early stopping nor the time budget ended it", () => {
    expect(trained.stoppedBy).toBeNull();
    expect(cutShortByBudget(trained)).toBe(false);
  });

  it("stops after the epoch that passes the time budget, and is known to be cut short", async () => {
    const corpus = corpusOf(rows.slice(0, 200));
    const rushed = await trainModel(
      corpus,
      splitCorpus(corpus, 1),
      { ...DEFAULT_TRAIN_OPTIONS, units: 8, epochs: 3, maxSeconds: 0 },
      tf.getBackend(),
    );
    rushed.model.dispose();
    expect(rushed.history.length).toBe(1);
    expect(rushed.stoppedBy).toBe("time");
    expect(cutShortByBudget(rushed)).toBe(true);
  });

  it("stops when its signal is aborted", async () => {
    const corpus = corpusOf(rows.slice(0, 200));
    await expect(
      trainModel(
        corpus,
        splitCorpus(corpus, 1),
        { ...DEFAULT_TRAIN_OPTIONS, units: 8, epochs: 3, signal: { aborted: true } },
        tf.getBackend(),
      ),
    ).rejects.toBeInstanceOf(TrainingAborted);
  });
});

describe("fine-tuning: a model keeps learning on new rows", () => {
  // Rows the model never saw: the ones between its every-20th.
  const newRows = () =>
    corpusOf(
      allRows.filter((_, i) => i % 20 === 10),
      ["F", "B"],
    );
  let allRows: PerfRow[];
  beforeAll(async () => {
    const db = await openPerfDb(await initSqlJs(), readFileSync("data/miopen/gfx906_60.db.gz"), {
      gunzip: gunzipSync,
    });
    allRows = readSolverRows(db, SOLVER);
    db.close();
  });

  it("keeps every row whose tuned config the model's vocabulary covers (every one of this solver's)", () => {
    const corpus = newRows();
    const { corpus: kept, leftOut } = fineTuningCorpus(trained, corpus);
    expect(leftOut).toBeNull();
    expect(kept.examples).toEqual(corpus.examples);
  });

  it("refuses data the model cannot learn: another solver, or this lab's records", () => {
    const other = miopenCorpus(
      allRows.slice(0, 5).map((r) => ({ ...r, solver: "ConvOclDirectFwd1x1" })),
      { file: "other solver" },
    );
    expect(() => fineTuningCorpus(trained, other)).toThrow(
      "none of the 5 tuned problems here fits the model's vocabulary: their fastest configs need ConvOclDirectFwd1x1, which it has no token for (a model's tokens are fixed when it is first trained); train a new model on them",
    );
    expect(() =>
      fineTuningCorpus(trained, { ...other, language: { ...other.language, kind: "tunelab" } }),
    ).toThrow("the model learnt from a MIOpen perf database");
  });

  it("fits a split made on the whole file to the vocabulary: training and validation lose the rows it lacks tokens for, the held-out part stays whole", () => {
    // Every third row asks for read_size 99, a value the model has no token for.
    const odd = (i: number) => i % 3 === 0;
    const corpus = corpusOf(
      allRows
        .filter((_, i) => i % 20 === 10)
        .map((r, i) => (odd(i) ? { ...r, params: [99, ...r.params.slice(1)] } : r)),
      ["F", "B"],
    );
    const needs99 = (e: { config: Record<string, number> }) => e.config.read_size === 99;
    const split = splitCorpus(corpus, 3);
    const { split: fitted, fit } = fineTuningSplit(trained, corpus, split);
    expect(fitted.holdout).toBe(split.holdout);
    expect(fitted.train).toEqual(split.train.filter((e) => !needs99(e)));
    expect(fitted.validation).toEqual(split.validation.filter((e) => !needs99(e)));
    expect(fit.train).toEqual({
      examples: split.train.filter(needs99).length,
      of: split.train.length,
      tokens: [{ token: `${SOLVER} read_size=99`, examples: split.train.filter(needs99).length }],
    });
    expect(fit.validation?.examples).toBe(split.validation.filter(needs99).length);
    expect(fit.holdoutUnreachable).toBe(split.holdout.filter(needs99).length);
    expect(fit.holdoutUnreachable).toBeGreaterThan(0);
    // Nothing the model can learn from: the part is named.
    const all99 = corpusOf(
      allRows.filter((_, i) => i % 20 === 10).map((r) => ({ ...r, params: [99, ...r.params.slice(1)] })),
      ["F", "B"],
    );
    expect(() => fineTuningSplit(trained, all99, splitCorpus(all99, 3))).toThrow(
      /^training problems: none of the \d+ tuned problems here fits the model's vocabulary: their fastest configs need ConvAsm1x1U read_size=99/,
    );
  });

  it("starts from the model's weights, never ends worse on validation, and keeps its vocabulary and architecture", async () => {
    const { corpus } = fineTuningCorpus(trained, newRows());
    const split = splitCorpus(corpus, 3);
    const before = await evaluateModel(trained, miopenLanguage, split.validation, 2);
    const tuned = await trainModel(
      corpus,
      split,
      {
        ...DEFAULT_TRAIN_OPTIONS,
        units: 99,
        attention: false,
        epochs: 3,
        batchSize: 64,
        patience: 3,
        seed: 3,
      },
      tf.getBackend(),
      { from: trained },
    );
    expect(tuned.tokenizer).toBe(trained.tokenizer);
    expect(tuned.metadata.options).toMatchObject({ units: 16, attention: true, epochs: 3 });
    expect(tuned.metadata.source.file).toBe("gfx906_60 subset, then gfx906_60 subset");
    // The baselines remember the first training rows and the new ones.
    const count = (t: TrainedModel) => t.metadata.baselines?.families[SOLVER]?.points.length ?? 0;
    expect(count(tuned)).toBe(count(trained) + split.train.length);
    // Epoch 0 is the model as it came: the kept weights score no worse on validation than it did.
    const after = await evaluateModel(tuned, miopenLanguage, split.validation, 2);
    expect(after.teacherForced.loss).toBeLessThanOrEqual(before.teacherForced.loss + 1e-6);
    if (tuned.bestEpoch > 0)
      expect(tuned.history[tuned.bestEpoch - 1]?.valLoss).toBeLessThan(before.teacherForced.loss);
    // The model it started from is untouched (a copy was trained).
    const again = await evaluateModel(trained, miopenLanguage, split.validation, 2);
    expect(again.teacherForced.loss).toBeCloseTo(before.teacherForced.loss, 6);
    tuned.model.dispose();
  });
});

describe("the fewest problems a training run needs", () => {
  it("is the smallest count that leaves training and validation problems beside the held-out ones", () => {
    expect(fewestProblems()).toBe(6);
    expect(fewestProblems(0)).toBe(5);
  });
});
