import { readFileSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import * as tf from "@tensorflow/tfjs";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import type { Remote } from "comlink";
import { afterEach, describe, expect, it, vi } from "vitest";
import { artifactsFromFiles } from "../../../core/learn/artifacts";
import { formatProblem } from "../../../core/problem";
import { curveTask } from "../../../core/search/curve";
import { compactRecordingSchema } from "../../../core/search/recording";
import { suiteLayers } from "../../../core/suites";
import { type ModelWorkerApi, modelApi, tasksOfCompactBytes } from "../../../worker/model-api";
import { RecordingSchema } from "../../demo";
import { downloadFile } from "../../download";
import { createLabStore, setLabStore } from "../../store";
import { DEFAULT_VIEW } from "../../url";
import { TuningCostCard } from "./TuningCostCard";

vi.mock("../../download", () => ({ downloadFile: vi.fn() }));

const DEMO = "public/demo";
const recording = RecordingSchema.parse(JSON.parse(readFileSync(`${DEMO}/recording.json`, "utf8")));
// The shipped exhaustive recording (gzip-compressed) cut to one problem, so the replay takes a second here.
const shippedBytes = readFileSync(`${DEMO}/${recording.exhaustive}`);
const shipped = compactRecordingSchema.parse(JSON.parse(gunzipSync(shippedBytes).toString("utf8")));
const oneProblem = {
  ...shipped,
  tasks: shipped.tasks.filter(
    (t) => t.problem === "1x512x7x7,512x3x3,pad=1,layout=NHWC" && t.family === "igemm",
  ),
};

/** The model Worker's API in this process: tfjs's cpu backend, the recorded model read from public/demo. */
const modelEngine = modelApi({
  backend: async () => {
    await tf.setBackend("cpu");
    return "cpu";
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
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it("reads the shipped recording: every valid igemm config of resnet50's 23 layers at batch 1 and 32, split-K of three", async () => {
    expect(recording.exhaustive).toBe("exhaustive-h200.json.gz");
    expect([...shippedBytes.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    // Read as the lab's Worker reads it.
    const tasks = (await tasksOfCompactBytes(shippedBytes)).map(curveTask);
    const layers = [1, 32].flatMap((n) =>
      suiteLayers("resnet50", n).map((l) => formatProblem({ ...l.problem, layout: "NHWC" })),
    );
    expect(layers).toHaveLength(46);
    const igemm = tasks.filter((t) => t.family === "igemm");
    expect(igemm.map((t) => t.problem).sort()).toEqual([...layers].sort());
    expect(tasks.filter((t) => t.family === "splitk").map((t) => t.problem)).toEqual([
      "1x512x7x7,512x3x3,pad=1,layout=NHWC",
      "1x256x14x14,256x3x3,pad=1,layout=NHWC",
      "1x128x28x28,128x3x3,pad=1,layout=NHWC",
    ]);
    expect(tasks).toHaveLength(49);
    // Exhaustive: each task holds every valid config of its family's space once, each one timed.
    for (const t of tasks) {
      expect([t.recorded.length, t.candidates, t.repeated], `${t.problem} ${t.family}`).toEqual([
        t.valid,
        t.valid,
        0,
      ]);
      expect(t.recorded.every((o) => o.status === "ok" && (o.medianNs ?? 0) > 0)).toBe(true);
    }
    const count = (ts: typeof tasks) => ts.reduce((n, t) => n + t.recorded.length, 0);
    expect(count(igemm.filter((t) => t.problem.startsWith("1x")))).toBe(43_591);
    expect(count(igemm.filter((t) => t.problem.startsWith("32x")))).toBe(47_436);
    expect(count(tasks)).toBe(115_726);
    // The same bytes uncompressed read the same (a server may inflate a .gz on the way).
    const plain = await tasksOfCompactBytes(gunzipSync(shippedBytes));
    expect(plain.map((t) => [t.problem, t.family, t.recorded.length])).toEqual(
      tasks.map((t) => [t.problem, t.family, t.recorded.length]),
    );
  }, 60_000);

  it("replays the recorded strategies, model-guided first, and reads the chart out in a line and as CSV", async () => {
    // Served as the demo ships it, gzip-compressed: the Worker's API inflates it.
    vi.stubGlobal("fetch", async () => new Response(gzipSync(JSON.stringify(oneProblem))));
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
    fireEvent.click(screen.getByRole("button", { name: "Replay the strategies" }));
    const reading = await screen.findByTestId("tuning-cost-reading", {}, { timeout: 60_000 });
    expect(reading.textContent).toMatch(
      /^model-guided needed [\d.]+ measurements to come within 95% of the best kernel, random needed [\d.]+ \(medians over the one problem\)\.$/,
    );
    // Random needs more than one measurement on this layer; every curve ends at or under 100%.
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
      "measurements,model-guided_fraction_of_best,transfer_fraction_of_best,most-frequent_fraction_of_best,annealing_fraction_of_best,local_fraction_of_best,random_fraction_of_best",
    );
    expect(lines).toHaveLength(301);
    const last = (lines.at(-1) ?? "").split(",").map(Number);
    expect(last[0]).toBe(300);
    for (const f of last.slice(1)) expect(f).toBeGreaterThan(0.5);
    for (const f of last.slice(1)) expect(f).toBeLessThanOrEqual(1);
  }, 90_000);
});
