import type { Remote } from "comlink";
import { afterEach, describe, expect, it } from "vitest";
import { sampleRecord } from "../../core/dataset/fixtures";
import type { WorkerApi } from "../../worker/index";
import type { ModelWorkerApi } from "../../worker/model";
import { keepSweepHistory } from "./history";
import { createLabStore } from "./index";
import { speedupOverTfjs } from "./predict";
import { clampSetting, isPerfDbName } from "./train";

describe("train settings", () => {
  it("clamps to each setting's bounds and rounds whole-number settings", () => {
    expect(clampSetting("units", 3)).toBe(8);
    expect(clampSetting("units", 99.6)).toBe(100);
    expect(clampSetting("epochs", 10_000)).toBe(500);
    expect(clampSetting("learningRate", 0.0123)).toBe(0.0123);
    expect(clampSetting("learningRate", Number.NaN)).toBe(0.0001);
  });

  it("merges partial settings in the store", () => {
    const store = createLabStore();
    store.getState().setTrainSettings({ epochs: 5 });
    expect(store.getState().trainSettings).toMatchObject({ epochs: 5, units: 64 });
  });
});

describe("predict", () => {
  it("keeps K within 1..64", () => {
    const store = createLabStore();
    store.getState().setTopK(0);
    expect(store.getState().topK).toBe(1);
    store.getState().setTopK(1000);
    expect(store.getState().topK).toBe(64);
  });

  it("measures the speedup of the best measured candidate over tfjs", () => {
    const candidate = (rank: number, medianNs: number | null, status: "ok" | "compile-failed" = "ok") => ({
      rank,
      family: "direct",
      config: {},
      logProb: -rank,
      measured: { status, medianNs, message: "" },
    });
    expect(
      speedupOverTfjs([candidate(1, 400), candidate(2, 200), candidate(3, null, "compile-failed")], 1000),
    ).toBe(5);
    expect(speedupOverTfjs([candidate(1, 400)], null)).toBeNull();
    expect(speedupOverTfjs([{ rank: 1, family: "direct", config: {}, logProb: 0 }], 1000)).toBeNull();
  });
});

describe("import routing", () => {
  it("recognises MIOpen perf databases, compressed or not", () => {
    expect(isPerfDbName("gfx906_60.db")).toBe(true);
    expect(isPerfDbName("gfx906_60.DB.gz")).toBe(true);
    expect(isPerfDbName("records.jsonl")).toBe(false);
  });
});

describe("a sweep cut short by a reload", () => {
  afterEach(() => localStorage.clear());

  it("comes back with the form set as it was, beside Resume", () => {
    const request = {
      problems: ["1x64x56x56,64x3x3,pad=1"],
      families: ["igemm"],
      strategy: "random" as const,
      budget: { candidates: 200 },
      seed: 7,
    };
    localStorage.setItem("tunelab.sweep.running", JSON.stringify(request));
    const state = createLabStore().getState();
    expect(state.interrupted).toEqual(request);
    expect(state.sweepSettings).toEqual({ strategy: "random", budget: 200, seed: 7 });
  });

  it("starts from the defaults when nothing was interrupted", () => {
    expect(createLabStore().getState().sweepSettings).toEqual({
      strategy: "exhaustive",
      budget: 64,
      seed: 1,
    });
  });
});

describe("clearing the dataset", () => {
  it("empties the engine's store once, then the records and the sweep's view of them, each slice its own", async () => {
    let cleared = 0;
    const engine = { clearRecords: async () => void cleared++ } as unknown as Remote<WorkerApi>;
    const store = createLabStore({
      engines: { engine: () => engine, modelEngine: () => ({}) as Remote<ModelWorkerApi> },
    });
    const record = sampleRecord();
    store.setState({
      records: [record],
      sweepRecords: [record],
      importState: { state: "done", name: "a.jsonl", added: 1, skipped: 0, rejected: [] },
    });
    await store.getState().clearStoredRecords();
    // The records slice alone leaves the sweep slice's state as it was.
    expect(store.getState().sweepRecords).toEqual([record]);
    store.setState({ records: [record] });
    await store.getState().clearRecords();
    expect(cleared).toBe(2);
    expect(store.getState()).toMatchObject({ records: [], sweepRecords: [], importState: { state: "idle" } });
  });
});

describe("a sweep's end", () => {
  afterEach(() => localStorage.clear());

  it("reads the stored, final times: a candidate re-timed after a drift check replaces what progress reported", async () => {
    const reported = sampleRecord({ medianNs: 307_000 });
    const retimed = { ...reported, medianNs: 615_000 };
    const request = {
      problems: [reported.problem.text],
      families: [reported.family],
      strategy: "exhaustive" as const,
      budget: { candidates: 1 },
      seed: 1,
    };
    // The engine reports the candidate as measured, then its drift check re-times it before storing.
    const engine = {
      async sweep(_: string, __: unknown, onProgress: (p: unknown) => void) {
        onProgress({
          problem: request.problems[0],
          family: reported.family,
          done: 1,
          total: 1,
          etaMs: 0,
          best: reported,
          record: reported,
        });
        return {
          candidates: 1,
          stopped: "exhausted",
          throughput: { candidates: 1, seconds: 1, perSecond: 1, workers: 1 },
          drift: {
            threshold: 0.05,
            checks: 1,
            drifted: 1,
            unresolved: 0,
            retimed: 1,
            maxDeviation: 0.01,
            log: [],
          },
        };
      },
      records: async () => [retimed],
    } as unknown as Remote<WorkerApi>;
    const store = createLabStore({
      engines: { engine: () => engine, modelEngine: () => ({}) as Remote<ModelWorkerApi> },
    });
    const stop = keepSweepHistory(store);
    await store.getState().startSweep(request);
    stop();
    expect(store.getState().sweep).toMatchObject({ state: "finished", stopped: "exhausted", done: 1 });
    expect(store.getState().sweepRecords.map((r) => r.medianNs)).toEqual([615_000]);
    expect(store.getState().sweepHistory[0]?.bestNs).toBe(615_000);
  });
});
