/**
 * The store's actions that run work, against in-process engines: the model Worker's own API
 * (model-api.ts) with real tfjs training and the real demo model, and a GPU engine that replays the
 * recorded H200 measurements (as core's replay runner does) in place of a GPU.
 */
import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import type { Remote } from "comlink";
import initSqlJs from "sql.js";
import { beforeAll, describe, expect, it } from "vitest";
import { recordCorpus } from "../../core/corpora/records";
import { readJsonl } from "../../core/dataset/io";
import { configKey, familyConfigKey, type TuningRecord } from "../../core/dataset/record";
import { familyById } from "../../core/families/index";
import { artifactsFromFiles, type ModelFiles } from "../../core/learn/artifacts";
import { openPerfDb } from "../../core/miopen/perfdb";
import { modelGuidedByFamily } from "../../core/search/model-guided";
import { recordedOutcomes, replayRunner } from "../../core/search/replay";
import { type Config, checkConfig } from "../../core/space/space";
import type { MeasureRequest, SweepRequest, WorkerApi } from "../../worker/index";
import { type ModelWorkerApi, modelApi } from "../../worker/model-api";
import { RecordingSchema } from "../demo";
import { DEFAULT_VIEW } from "../url";
import { createLabStore, type LabStore } from "./index";

const DEMO = "public/demo";
const records = readJsonl(readFileSync(`${DEMO}/dataset.jsonl`, "utf8"));
/** The recording's tensor-core records: a family (mma) the recorded model never learnt. */
const tensorCores = readJsonl(readFileSync(`${DEMO}/tensor-cores.jsonl`, "utf8"));
const [device] = records.map((r) => r.device);
const PROBLEM = recordCorpus(records, "dataset.jsonl").examples[0]?.group as string;

/** The demo model's weights.bin, damaged as a download cut short, one with bytes after it, or NaN in it. */
const DAMAGES: Record<string, (weights: Uint8Array) => Uint8Array> = {
  shorter: (weights) => weights.slice(0, -4),
  longer: (weights) => new Uint8Array([...weights, 0, 0, 0, 0]),
  nan: (weights) => {
    const copy = weights.slice();
    // The tenth float of the second weight, feature_projection/bias.
    new DataView(copy.buffer).setFloat32((46 * 64 + 10) * 4, Number.NaN, true);
    return copy;
  },
};

/** The model files served at a URL: public/demo's (…/demo/model/model.json), or damaged (…/damaged/HOW/model.json). */
function filesAt(url: string): ModelFiles {
  const path = new URL(url).pathname;
  const damage = DAMAGES[/^\/damaged\/(\w+)\//.exec(path)?.[1] ?? ""];
  const dir = damage
    ? `${DEMO}/model/`
    : `${DEMO}/${path.replace(/^\/demo\//, "").replace(/model\.json$/, "")}`;
  const weights = new Uint8Array(readFileSync(`${dir}weights.bin`));
  return { modelJson: readFileSync(`${dir}model.json`, "utf8"), weights: damage ? damage(weights) : weights };
}

/** The model Worker's API in this process: tfjs's cpu backend, sql.js, models read from public/demo. */
function modelEngine(): ModelWorkerApi {
  return modelApi({
    backend: async () => {
      await tf.setBackend("cpu");
      return "cpu";
    },
    openPerfDb: async (bytes, name) => openPerfDb(await initSqlJs(), bytes, { name }),
    load: (url) => artifactsFromFiles(filesAt(url)),
    save: async () => {},
    list: async () => [],
  });
}

/** The recorded result of a candidate, or an `invalid` one when the recording never measured it. */
function replayed(problem: string, family: string, config: Config): TuningRecord {
  const key = familyConfigKey(family, config);
  const recorded = records.find(
    (r) => r.problem.text === problem && familyConfigKey(r.family, r.config) === key,
  );
  const template = records.find((r) => r.problem.text === problem) as TuningRecord;
  return (
    recorded ?? {
      ...template,
      family,
      config,
      status: "invalid",
      medianNs: null,
      message: "no recorded result for this config",
    }
  );
}

/** The GPU engine's API as a replay of the recording: what each action asked for is kept. */
function replayEngine() {
  const measured: MeasureRequest[] = [];
  const swept: Config[][] = [];
  const api = {
    measured,
    swept,
    async measure(_: string, request: MeasureRequest, onProgress?: (p: unknown) => void) {
      return request.configs.map((config, i) => {
        const record = replayed(request.problem, request.family, config);
        onProgress?.({ done: i + 1, total: request.configs.length, record });
        if (i === 0) measured.push(request);
        return record;
      });
    },
    async baseline() {
      const ns = records.find((r) => r.problem.text === PROBLEM && r.baseline)?.baseline?.medianNs ?? 1;
      return { ok: true, baseline: { medianNs: ns } };
    },
    /** Core's strategies over the recorded outcomes; a model-guided sweep runs the rankings it is given. */
    async sweep(
      _: string,
      request: SweepRequest,
      __: unknown,
      rankings?: Record<string, { family: string; config: Config }[]>,
    ) {
      const guided = rankings ? modelGuidedByFamily(async () => rankings[PROBLEM] ?? []) : null;
      let candidates = 0;
      for (const problem of request.problems) {
        for (const id of request.families === "all" ? [] : request.families) {
          const family = familyById(id);
          const runner = replayRunner(recordedOutcomes(records, problem, id));
          const fields = records.find((r) => r.problem.text === problem)?.problem.fields;
          if (!guided || !fields) throw new Error("the replay engine sweeps recorded problems, model-guided");
          const space = family.space(fields, recordLimits);
          await guided(fields, id)(space, runner, request.budget ? { budget: request.budget } : {});
          swept.push(runner.asked);
          candidates += runner.asked.length;
        }
      }
      return {
        candidates,
        stopped: "exhausted",
        throughput: { candidates, seconds: 1, perSecond: candidates, workers: 1 },
        drift: null,
      };
    },
    async jobs() {
      return { running: null, waiting: [] };
    },
    async cancel() {
      return false;
    },
    async records() {
      return records;
    },
  };
  return api;
}

const recordLimits = {
  shaderF16: false,
  subgroups: false,
  ...(device?.limits as Record<string, number>),
} as Parameters<ReturnType<typeof familyById>["space"]>[1];

function labStore(engine = replayEngine(), model = modelEngine()): LabStore {
  const store = createLabStore({
    view: { ...DEFAULT_VIEW, demo: true },
    engines: {
      engine: () => engine as unknown as Remote<WorkerApi>,
      modelEngine: () => model as unknown as Remote<ModelWorkerApi>,
    },
  });
  const recording = RecordingSchema.parse(JSON.parse(readFileSync(`${DEMO}/recording.json`, "utf8")));
  store.setState({
    demoData: { state: "available", recording, base: "/demo/" },
    demoRecords: records,
    demoRecordsLoad: { state: "ready" },
  });
  return store;
}

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("start training", () => {
  it("trains a real model on the records on show, holds it, and predicts valid configs with it", async () => {
    const store = labStore();
    store.getState().setTrainOn("records");
    store.getState().setTrainSettings({ epochs: 2, units: 8, batchSize: 64, minutes: 1 });
    await store.getState().startTraining();
    const run = store.getState().training;
    if (run.state !== "done") throw new Error(`training ended ${run.state}: ${JSON.stringify(run)}`);
    const { summary } = run;
    expect(summary.history.length).toBeGreaterThan(0);
    expect(summary.history.length).toBeLessThanOrEqual(2);
    // 52 recorded problems, split by problem: a fifth held out, a tenth of the rest validates.
    expect(summary.examples.train + summary.examples.validation + summary.examples.holdout).toBe(52);
    expect(summary.holdout?.n).toBe(summary.examples.holdout);
    expect(summary.holdout?.valid).toBe(1);
    expect(store.getState().model.current).toMatchObject({ kind: "tunelab", families: summary.families });

    await store.getState().predict(PROBLEM);
    const prediction = store.getState().prediction;
    if (prediction.state !== "ready") throw new Error(JSON.stringify(prediction));
    const fields = records.find((r) => r.problem.text === PROBLEM)?.problem.fields;
    if (!fields) throw new Error("the problem is recorded");
    for (const c of prediction.candidates) {
      expect(summary.families).toContain(c.family);
      expect(checkConfig(familyById(c.family).space(fields, recordLimits), c.config)).toEqual([]);
    }
  }, 120_000);
});

describe("fine-tuning a model on the records on show", () => {
  it("keeps training the recorded model on the recording: before and after on the same held-out problems, the left-out ones named", async () => {
    const store = labStore();
    await store.getState().loadRecordedModel();
    store.getState().setTrainOn("records");
    store.getState().setTrainFrom("held");
    store.getState().setTrainSettings({ epochs: 2, batchSize: 64, minutes: 1 });
    const phases: string[] = [];
    const unsubscribe = store.subscribe(({ training }) => {
      if (training.state === "running" && phases.at(-1) !== training.phase) phases.push(training.phase);
    });
    await store.getState().startTraining();
    unsubscribe();
    const run = store.getState().training;
    if (run.state !== "done") throw new Error(`training ended ${run.state}: ${JSON.stringify(run)}`);
    const { summary } = run;
    expect(run.from).toBe("recorded demo model");
    expect(phases).toEqual([
      "reading",
      "scoring-before",
      "learning-costs",
      "training",
      "choosing-blend",
      "evaluating",
    ]);
    // The model has a token for every igemm and split-K value, so all 52 recorded problems train.
    expect(summary.fineTuned?.leftOut).toBeNull();
    expect(summary.examples.train + summary.examples.validation + summary.examples.holdout).toBe(52);
    const before = summary.fineTuned?.before;
    expect(before?.n).toBe(summary.examples.holdout);
    expect(summary.holdout?.n).toBe(summary.examples.holdout);
    expect(summary.families).toEqual(["igemm", "splitk"]);
    expect(store.getState().model.current).toMatchObject({
      name: "indexeddb://tunelab-latest",
      kind: "tunelab",
    });
    expect(store.getState().model.message).toBe(
      "Fine-tuned recorded demo model on the recorded demo's records; kept in this browser as tunelab-latest.",
    );
    // The fine-tuned model predicts valid configs.
    await store.getState().predict(PROBLEM);
    const prediction = store.getState().prediction;
    if (prediction.state !== "ready") throw new Error(JSON.stringify(prediction));
    const fields = records.find((r) => r.problem.text === PROBLEM)?.problem.fields;
    for (const c of prediction.candidates) {
      expect(checkConfig(familyById(c.family).space(fields as never, recordLimits), c.config)).toEqual([]);
    }
  }, 120_000);

  /** Fine-tunes the recorded model on these records as the records on show; the store once it failed. */
  async function refusedFineTuning(shown: TuningRecord[]): Promise<{ store: LabStore; message: string }> {
    const store = labStore();
    await store.getState().loadRecordedModel();
    store.setState({ demoRecords: shown });
    store.getState().setTrainOn("records");
    store.getState().setTrainFrom("held");
    await store.getState().startTraining();
    const run = store.getState().training;
    if (run.state !== "failed") throw new Error(`training ended ${run.state}`);
    return { store, message: run.message };
  }

  it("refuses records the model has no token for, saying which, and keeps the model", async () => {
    // The recording's tensor-core records alone: a family the recorded model never learnt.
    const { store, message } = await refusedFineTuning(tensorCores);
    expect(message).toMatch(
      /^none of the 46 tuned problems here fits the model's vocabulary: their fastest configs need mma, which it has no token for .*; train a new model on them$/,
    );
    expect(store.getState().model.current?.name).toBe("recorded demo model");
    await store.getState().predict(PROBLEM);
    expect(store.getState().prediction.state).toBe("ready");
  }, 60_000);

  it("says which problems were left out when too few remain to train on", async () => {
    // Three problems with every record and the tensor-core problems (f16: others than those), whose
    // family the model has no token for.
    const kept = new Set([...new Set(records.map((r) => r.problem.text))].slice(0, 3));
    const { message } = await refusedFineTuning([
      ...records.filter((r) => kept.has(r.problem.text)),
      ...tensorCores,
    ]);
    expect(message).toBe(
      "3 problems are too few to train with early stopping (need at least 6) once 46 of 49 are left out for values the model has no token for (mma)",
    );
  });
});

describe("loading a model", () => {
  it.each([
    ["holds NaN", "nan", "weights.bin: weight feature_projection/bias holds NaN: the model is damaged"],
    [
      "has bytes after the weights",
      "longer",
      "weights.bin holds 274680 bytes where model.json describes 274676",
    ],
    ["is cut short", "shorter", "weights.bin holds 274672 bytes where model.json describes 274676"],
  ])(
    "refuses a model whose weights.bin %s, naming the problem, and keeps the one held",
    async (_, how, why) => {
      const store = labStore();
      await store.getState().loadRecordedModel();
      const url = `http://lab.test/damaged/${how}/model.json`;
      await store.getState().loadModel(url);
      expect(store.getState().model.message).toContain(`${url}: ${why}`);
      expect(store.getState().model.current?.name).toBe("recorded demo model");
      await store.getState().predict(PROBLEM);
      expect(store.getState().prediction.state).toBe("ready");
    },
  );
});

describe("measure candidates", () => {
  it("runs each family's candidates, marks each with its own record, then takes tfjs's time", async () => {
    const engine = replayEngine();
    const store = labStore(engine);
    await store.getState().loadRecordedModel();
    store.getState().setTopK(4);
    await store.getState().predict(PROBLEM);
    await store.getState().measureCandidates();
    const { prediction, measurement } = store.getState();
    if (prediction.state !== "ready" || measurement.state !== "done") throw new Error("not measured");
    for (const c of prediction.candidates) {
      expect(c.measured?.medianNs).toBe(replayed(PROBLEM, c.family, c.config).medianNs);
    }
    // One measure job per family, in the order the candidates first name them.
    expect(engine.measured.map((m) => m.family)).toEqual([
      ...new Set(prediction.candidates.map((c) => c.family)),
    ]);
    expect(measurement.tfjsNs).toBeGreaterThan(0);
  }, 60_000);
});

describe("a model-guided sweep", () => {
  it("measures the family's share of the model's ranking on this GPU, best first, within the budget", async () => {
    const engine = replayEngine();
    const model = modelEngine();
    const store = labStore(engine, model);
    await store.getState().loadRecordedModel();
    const adapter = {
      ...(device as TuningRecord["device"]),
      device: "",
      isFallbackAdapter: false,
      features: [],
      subgroupMinSize: 0,
      subgroupMaxSize: 0,
      subgroupMatrixConfigs: [],
    };
    store.setState({ device: { state: "ready", report: { ok: true, adapter, hasTimestamps: true } } });
    const budget = 6;
    await store.getState().startSweep({
      problems: [PROBLEM],
      families: ["igemm"],
      strategy: "model-guided",
      budget: { candidates: budget },
    });
    const run = store.getState().sweep;
    if (run.state !== "finished") throw new Error(JSON.stringify(run));
    const asked = { problem: PROBLEM, device: device as TuningRecord["device"] };
    const beam = await model.predict(asked, budget);
    if (!beam.ok) throw new Error(beam.message);
    const share = beam.candidates.filter((c) => c.family === "igemm").map((c) => configKey(c.config));
    // The beam's share of igemm, taken in turn with the recorded model's igemm cost model's cheapest.
    const igemm = (await model.sweepRanking(asked, budget))
      .filter((c) => c.family === "igemm")
      .map((c) => c.config);
    expect(igemm).toHaveLength(share.length);
    expect(igemm.length).toBeGreaterThan(0);
    // On this problem the cost model brings configs the beam lacks (measured).
    expect(igemm.some((c) => !share.includes(configKey(c)))).toBe(true);
    expect(engine.swept).toEqual([igemm]);
    expect(run.done).toBe(igemm.length);
  }, 60_000);
});
