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
import { evaluateModel, predict, splitCorpus, type TrainedModel, trainModel } from "./pipeline";
import { TrainingAborted } from "./train";

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
