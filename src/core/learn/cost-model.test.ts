/** The cost model on the H200's exhaustive records: trained on some layers, it ranks another's space. */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { beforeAll, describe, expect, it } from "vitest";
import { readJsonl } from "../dataset/io";
import { configKey } from "../dataset/record";
import { recordedTasks } from "../search/recording";
import type { Config } from "../space/space";
import {
  type CostTask,
  costFeaturizer,
  costRanker,
  costTaskOf,
  DEFAULT_COST_OPTIONS,
  trainCostModel,
} from "./cost-model";

const FILE = "docs/h200/exhaustive-igemm-resnet18-nhwc.jsonl.gz";
const tasks = recordedTasks(readJsonl(gunzipSync(readFileSync(FILE)).toString("utf8"))).map(costTaskOf);
// resnet18's twelve layers (six at batch 1, six at 32): one of each held out.
const heldOut = [1, 7].map((i) => tasks[i] as CostTask);
const training = tasks.filter((t) => !heldOut.includes(t));
const options = { ...DEFAULT_COST_OPTIONS, epochs: 8 };

/** Best time over the time of the fastest of a task's first `count` ranked configs. */
function fractionOfBest(task: CostTask, ranked: readonly { [name: string]: number }[], count: number) {
  const ns = new Map(task.measured.map((m) => [configKey(m.config), m.ns]));
  const best = Math.min(...ns.values());
  return (
    best / Math.min(...ranked.slice(0, count).map((c) => ns.get(configKey(c)) ?? Number.POSITIVE_INFINITY))
  );
}

describe("trainCostModel", () => {
  beforeAll(async () => {
    await tf.setBackend("wasm");
  });

  it("ranks a layer it never saw: its first five hold a config within 90% of the best, and its first half runs faster than its second", async () => {
    const saved = await trainCostModel("igemm", training, options);
    expect(saved.examples).toBe(training.reduce((n, t) => n + t.measured.length, 0));
    const rank = costRanker([saved]);
    for (const task of heldOut) {
      const configs = task.measured.map((m) => m.config);
      const ranked = rank(task.problem, task.limits, configs);
      expect(ranked).toHaveLength(configs.length);
      const label = `${task.problem.n}x${task.problem.c}`;
      expect(fractionOfBest(task, ranked, 5), label).toBeGreaterThan(0.9);
      // A ranking by chance puts as many fast configs in either half.
      const ns = new Map(task.measured.map((m) => [configKey(m.config), m.ns]));
      const median = (configs: readonly Config[]) => {
        const times = configs.map((c) => ns.get(configKey(c)) as number).sort((a, b) => a - b);
        return times[Math.floor(times.length / 2)] as number;
      };
      const half = Math.floor(ranked.length / 2);
      expect(median(ranked.slice(0, half)), label).toBeLessThan(0.8 * median(ranked.slice(half)));
    }
  }, 120_000);

  it("is the same model on the same seed, another on another, and refuses a family with no times", async () => {
    const small = training.slice(0, 2);
    const [a, b, c] = [
      await trainCostModel("igemm", small, options),
      await trainCostModel("igemm", small, options),
      await trainCostModel("igemm", small, { ...options, seed: 2 }),
    ];
    expect(a.weights).toBe(b.weights);
    expect(a.weights).not.toBe(c.weights);
    await expect(trainCostModel("igemm", [{ ...(heldOut[0] as CostTask), measured: [] }])).rejects.toThrow(
      /no measured igemm config/,
    );
  }, 120_000);

  it("refuses a saved model whose weights do not fit its shape or are not numbers", async () => {
    const saved = await trainCostModel("igemm", training.slice(0, 1), { ...options, epochs: 1 });
    expect(() => costRanker([{ ...saved, weights: saved.weights.slice(0, 400) }])).toThrow(
      /the cost model of igemm: \d+ weights where \d+ inputs and 64 units need \d+; it is damaged/,
    );
    expect(() => costRanker([{ ...saved, weights: "not base64!" }])).toThrow(/not base64/);
    // Three floats are 12 bytes, 16 base64 characters with no padding: the first three weights made NaN.
    const nans = new Uint8Array(new Float32Array([Number.NaN, 0, 0]).buffer);
    const nan = btoa(String.fromCharCode(...nans));
    expect(() => costRanker([{ ...saved, weights: nan + saved.weights.slice(nan.length) }])).toThrow(
      /not finite/,
    );
    expect(() => costRanker([{ ...saved, mean: [...saved.mean, 0] }])).toThrow(/damaged/);
    // An ensemble shares one row a config, so its models must read the same features.
    expect(() => costRanker([saved, { ...saved, computeUnits: 132 }])).toThrow(/disagree/);
    // A model whose inputs are not the features this version computes (as one saved by a version
    // whose features differ): said so when it ranks, not ranked on misread inputs.
    const task = heldOut[0] as CostTask;
    const misread = costRanker([{ ...saved, computeUnits: 132 }]);
    expect(() => misread(task.problem, task.limits, [task.measured[0]?.config as Config])).toThrow(
      /reads \d+ inputs where this version of the lab gives \d+: it was trained by another version; train the model again/,
    );
  }, 60_000);

  it("reads the problem, the config and its plan", () => {
    const task = heldOut[0] as CostTask;
    const features = costFeaturizer("igemm", task.problem, task.limits);
    const [first, second] = task.measured.map((m) => features(m.config));
    expect(first?.length).toBe(second?.length);
    expect(first).not.toEqual(second);
    expect(first?.every(Number.isFinite)).toBe(true);
    // Given the GPU's compute units, the last wave's fill: a fraction in (0, 1].
    const m = task.measured[0] as CostTask["measured"][number];
    const withUnits = costFeaturizer("igemm", task.problem, task.limits, 132)(m.config);
    expect(withUnits.slice(0, -1)).toEqual(first);
    expect(withUnits.at(-1)).toBeGreaterThan(0);
    expect(withUnits.at(-1)).toBeLessThanOrEqual(1);
  });
});
