import { readFileSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import type { Remote } from "comlink";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { configKey } from "../../../core/dataset/record";
import { artifactsFromFiles } from "../../../core/learn/artifacts";
import { formatProblem } from "../../../core/problem";
import { curveTask, type StrategyCurve } from "../../../core/search/curve";
import { compactRecordingSchema } from "../../../core/search/recording";
import { problemsBySuite, suiteLayers } from "../../../core/suites";
import { type ModelWorkerApi, modelApi, tasksOfCompactBytes } from "../../../worker/model-api";
import { RecordingSchema } from "../../demo";
import { downloadFile } from "../../download";
import { createLabStore, setLabStore } from "../../store";
import { DEFAULT_VIEW } from "../../url";
import { TuningCostCard } from "./TuningCostCard";

vi.mock("../../download", () => ({ downloadFile: vi.fn() }));

const DEMO = "public/demo";
const recording = RecordingSchema.parse(JSON.parse(readFileSync(`${DEMO}/recording.json`, "utf8")));
// The shipped exhaustive recording (gzip-compressed), as the lab fetches it.
const shippedBytes = readFileSync(`${DEMO}/${recording.exhaustive}`);
const shipped = compactRecordingSchema.parse(JSON.parse(gunzipSync(shippedBytes).toString("utf8")));
const NHWC = (id: string, batch: number) =>
  suiteLayers(id, batch).map((l) => formatProblem({ ...l.problem, layout: "NHWC" }));
/** yolov3-tiny's batch-32 layers swept so far (three are still to come). */
const YOLO_BATCH32 = NHWC("yolov3-tiny", 32).filter(
  (p) => !/^32x(512x13x13,255x1x1|384x26x26,256x3x3|256x26x26,255x1x1)/.test(p),
);

/** The model Worker's API in this process: tfjs's wasm backend, the recorded model read from public/demo. */
const modelEngine = modelApi({
  backend: async () => {
    await tf.setBackend("wasm");
    return "wasm";
  },
  openPerfDb: () => Promise.reject(new Error("no perf-db here")),
  load: async () =>
    artifactsFromFiles({
      modelJson: readFileSync(`${DEMO}/model/model.json`, "utf8"),
      weights: new Uint8Array(readFileSync(`${DEMO}/model/weights.bin`)),
    }),
  save: async () => {},
  list: async () => [],
});

describe("the tuning-cost card", () => {
  // Before a test stubs fetch: the wasm backend fetches its binary when it starts.
  beforeAll(() => tf.setBackend("wasm"));
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it("reads the shipped recording: every valid igemm config of four networks' layers (batch 1 and 32), split-K of three", async () => {
    expect(recording.exhaustive).toBe("exhaustive-h200.json.gz");
    expect(recording.modelTrainedOn).toEqual(["resnet50"]);
    expect([...shippedBytes.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    // Read as the lab's Worker reads it, and grouped by network as the card groups it.
    const tasks = (await tasksOfCompactBytes(shippedBytes)).map(curveTask);
    const problems = await modelEngine.recordedProblems(shippedBytes);
    expect(problems).toHaveLength(97);
    const networks = problemsBySuite(problems, recording.modelTrainedOn);
    const count = (ts: typeof tasks) => ts.reduce((n, t) => n + t.recorded.length, 0);
    const summary = networks.map((n) => {
      const of = tasks.filter((t) => n.problems.includes(t.problem));
      return [n.suite.id, n.problems.length, of.length, count(of)];
    });
    // [network, problems, problem-family tasks, records]
    expect(summary).toEqual([
      ["resnet18", 12, 12, 24_958],
      ["resnet50", 46, 49, 115_726],
      ["vgg16", 18, 18, 34_684],
      ["yolov3-tiny", 21, 21, 38_197],
    ]);
    const of = (id: string) => networks.find((n) => n.suite.id === id)?.problems.sort();
    expect(of("resnet50")).toEqual([...NHWC("resnet50", 1), ...NHWC("resnet50", 32)].sort());
    // resnet18's layers that resnet50 lacks: the ones it shares stay with resnet50, which the model saw.
    const resnet50 = new Set([...NHWC("resnet50", 1), ...NHWC("resnet50", 32)]);
    expect(of("resnet18")).toEqual(
      [...NHWC("resnet18", 1), ...NHWC("resnet18", 32)].filter((p) => !resnet50.has(p)).sort(),
    );
    expect(of("vgg16")).toEqual([...NHWC("vgg16", 1), ...NHWC("vgg16", 32)].sort());
    // yolov3-tiny at batch 32: the three layers not yet swept are not there.
    expect(of("yolov3-tiny")).toEqual([...NHWC("yolov3-tiny", 1), ...YOLO_BATCH32].sort());
    expect(tasks.filter((t) => t.family === "splitk").map((t) => t.problem)).toEqual([
      "1x512x7x7,512x3x3,pad=1,layout=NHWC",
      "1x256x14x14,256x3x3,pad=1,layout=NHWC",
      "1x128x28x28,128x3x3,pad=1,layout=NHWC",
    ]);
    expect(tasks).toHaveLength(100);
    // Exhaustive: each task holds every valid config of its family's space once, each one timed. The
    // stem's also holds its BN=32 configs, swept before the tile-n rule refused them; replays leave them out.
    const stem = /^(1|32)x3x416x416,/;
    for (const t of tasks) {
      const recorded = stem.test(t.problem) ? t.valid + (t.problem.startsWith("1x") ? 150 : 66) : t.valid;
      expect([t.recorded.length, t.candidates, t.repeated], `${t.problem} ${t.family}`).toEqual([
        recorded,
        t.valid,
        0,
      ]);
      expect(t.recorded.every((o) => o.status === "ok" && (o.medianNs ?? 0) > 0)).toBe(true);
    }
    expect(count(tasks)).toBe(213_565);
    // The same bytes uncompressed read the same (a server may inflate a .gz on the way).
    const plain = await tasksOfCompactBytes(gunzipSync(shippedBytes));
    expect(plain.map((t) => [t.problem, t.family, t.recorded.length])).toEqual(
      tasks.map((t) => [t.problem, t.family, t.recorded.length]),
    );
  }, 60_000);

  it("replays chosen problems only, and transfer and most-frequent draw only on the others", async () => {
    // A real subset of the shipped file: two vgg16 layers (chosen) and one resnet50 layer (the others).
    const [a, b, c] = [
      "1x256x28x28,512x3x3,pad=1,layout=NHWC",
      "1x512x28x28,512x3x3,pad=1,layout=NHWC",
      "1x256x14x14,256x3x3,pad=1,layout=NHWC",
    ];
    const subset = {
      ...shipped,
      tasks: shipped.tasks.filter((t) => [a, b, c].includes(t.problem) && t.family === "igemm"),
    };
    const bytes = gzipSync(JSON.stringify(subset));
    const tasks = (await tasksOfCompactBytes(bytes)).map(curveTask);
    const task = (p: string) => tasks.find((t) => t.problem === p) as (typeof tasks)[number];
    const fastest = (p: string) =>
      [...task(p).recorded].sort((x, y) => (x.medianNs as number) - (y.medianNs as number))[0]?.config ?? {};
    // The first measurement's share of the best on `a` when it measures `source`'s fastest config there.
    const firstShare = (source: string) => {
      const times = new Map(task(a).recorded.map((o) => [configKey(o.config), o.medianNs as number]));
      const best = Math.min(...times.values());
      return best / (times.get(configKey(fastest(source))) as number);
    };
    // b's and c's fastest configs differ on a: which one is measured first tells the pools apart.
    expect(firstShare(b)).not.toBeCloseTo(firstShare(c), 3);
    const replay = (problems?: string[]) =>
      modelEngine.tuningCost({
        recording: bytes,
        width: 8,
        seeds: 1,
        max: 20,
        ...(problems ? { problems } : {}),
      });
    const firstOnA = (curves: StrategyCurve[], name: string) =>
      curves.find((s) => s.name === name)?.problems.find((p) => p.problem === a)?.fractions[0];

    const chosen = await replay([a, b]);
    expect(chosen.map((s) => s.name)).toEqual(["transfer", "most-frequent", "annealing", "local", "random"]);
    for (const s of chosen) expect(s.problems.map((p) => p.problem)).toEqual([a, b]);
    // Only c is left to draw on: both start with its fastest config.
    expect(firstOnA(chosen, "transfer")).toBeCloseTo(firstShare(c), 9);
    expect(firstOnA(chosen, "most-frequent")).toBeCloseTo(firstShare(c), 9);

    // Every problem replayed: a's nearest other problem is b, the other vgg16 layer at 28x28.
    const all = await replay();
    for (const s of all) expect(s.problems.map((p) => p.problem).sort()).toEqual([a, b, c].sort());
    expect(firstOnA(all, "transfer")).toBeCloseTo(firstShare(b), 9);

    await expect(replay(["1x7x9x9,5x3x3,layout=NHWC"])).rejects.toThrow(
      "the recording has no records of 1x7x9x9,5x3x3,layout=NHWC",
    );
  }, 60_000);

  it("replays the network chosen, names the networks the model trained on, and reads the chart out in a line and as CSV", async () => {
    // Served as the demo ships it, gzip-compressed: the Worker's API inflates it.
    vi.stubGlobal("fetch", async () => new Response(shippedBytes));
    const tuningCost = vi.spyOn(modelEngine, "tuningCost");
    const store = createLabStore({
      view: { ...DEFAULT_VIEW, page: "dataset", demo: true },
      engines: {
        engine: () => {
          throw new Error("no GPU engine here");
        },
        modelEngine: () => modelEngine as unknown as Remote<ModelWorkerApi>,
      },
    });
    store.setState({ demoData: { state: "available", recording, base: "/demo/" } });
    setLabStore(store);
    render(<TuningCostCard />);
    expect(
      screen.getByRole("heading", { name: "How many measurements to find the best kernel" }),
    ).toBeTruthy();
    expect(screen.getByTestId("tuning-cost-model").textContent).toMatch(
      /^The recorded model learnt from the records of ResNet-50 v1\.5 \(224x224\) on this GPU /,
    );
    const select = (await screen.findByRole(
      "combobox",
      { name: "Problems" },
      { timeout: 30_000 },
    )) as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual([
      "ResNet-18 (224x224): 12 problems, the model never saw it",
      "ResNet-50 v1.5 (224x224): 46 problems, the model trained on it",
      "VGG-16 (224x224): 18 problems, the model never saw it",
      "YOLOv3-tiny (416x416): 21 problems, the model never saw it",
      "All networks: 97 problems",
    ]);
    // A network the model never saw is chosen first.
    expect(select.value).toBe("resnet18");
    fireEvent.change(select, { target: { value: "vgg16" } });
    fireEvent.click(screen.getByRole("button", { name: "Replay the strategies" }));
    const reading = await screen.findByTestId("tuning-cost-reading", {}, { timeout: 90_000 });
    expect(reading.textContent).toMatch(
      /^model-guided needed [\d.]+ measurements? to come within 95% of the best kernel, random needed [\d.]+ measurements \(medians over the 18 problems\)\.$/,
    );
    // The recorded model carries cost models, so the card explains the strategies they add.
    expect(document.body.textContent).toContain(
      "Cost-model measures first the 8 configs that the model's cost model",
    );
    // The Worker was asked for vgg16's problems alone.
    expect(tuningCost.mock.calls.at(-1)?.[0].problems?.sort()).toEqual(
      [...NHWC("vgg16", 1), ...NHWC("vgg16", 32)].sort(),
    );
    // Random needs more than one measurement on these layers.
    const randomNeeded = Number(/random needed ([\d.]+)/.exec(reading.textContent ?? "")?.[1]);
    expect(randomNeeded).toBeGreaterThan(1);

    await screen.findByTestId("tuning-cost-chart");
    // recharts loads lazily: the CSV is there once the chart has drawn.
    await vi.waitFor(
      () => {
        fireEvent.click(screen.getByRole("button", { name: "CSV" }));
        expect(vi.mocked(downloadFile)).toHaveBeenCalled();
      },
      { timeout: 20_000, interval: 200 },
    );
    const [csv, name] = vi.mocked(downloadFile).mock.calls.at(-1) ?? [];
    expect(name).toBe("tunelab-how-many-measurements-to-find-the-best-kernel.csv");
    const lines = String(csv).trim().split("\n");
    expect(lines[0]).toBe(
      "measurements,model-guided_fraction_of_best,model+frequent_fraction_of_best,cost-model_fraction_of_best,model+cost_fraction_of_best,transfer_fraction_of_best,most-frequent_fraction_of_best,annealing_fraction_of_best,local_fraction_of_best,random_fraction_of_best",
    );
    expect(lines).toHaveLength(301);
    const last = (lines.at(-1) ?? "").split(",").map(Number);
    expect(last[0]).toBe(300);
    for (const f of last.slice(1)) expect(f).toBeGreaterThan(0.5);
    for (const f of last.slice(1)) expect(f).toBeLessThanOrEqual(1);
  }, 150_000);
});
