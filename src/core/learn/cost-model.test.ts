/** The cost model on the H200's exhaustive records: trained on some layers, it ranks another's space. */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { beforeAll, describe, expect, it } from "vitest";
import { recordLimits } from "../dataset/device";
import { readJsonl } from "../dataset/io";
import { configKey } from "../dataset/record";
import { parseProblem } from "../problem";
import { recordedTasks } from "../search/recording";
import { type CostTask, costFeatures, DEFAULT_COST_OPTIONS, trainCostModel } from "./cost-model";

const FILE = "docs/h200/exhaustive-igemm-resnet18-nhwc.jsonl.gz";
const tasks: CostTask[] = recordedTasks(readJsonl(gunzipSync(readFileSync(FILE)).toString("utf8"))).map(
  (t) => ({
    problem: parseProblem(t.problem),
    limits: recordLimits(t.device),
    measured: t.recorded.flatMap((o) =>
      o.status === "ok" && o.medianNs !== null ? [{ config: o.config, ns: o.medianNs }] : [],
    ),
  }),
);
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

  it("ranks a layer it never saw: its first five hold a config within 90% of the best, far above the median config", async () => {
    const model = await trainCostModel("igemm", training, options);
    try {
      expect(model.examples).toBe(training.reduce((n, t) => n + t.measured.length, 0));
      for (const task of heldOut) {
        const configs = task.measured.map((m) => m.config);
        const ranked = await model.rank(task.problem, task.limits, configs);
        expect(ranked).toHaveLength(configs.length);
        const top5 = fractionOfBest(task, ranked, 5);
        // The median config of the space, for scale: a ranking by chance lands about there.
        const times = task.measured.map((m) => m.ns).sort((a, b) => a - b);
        const median = (times[0] as number) / (times[Math.floor(times.length / 2)] as number);
        expect(top5, `${task.problem.n}x${task.problem.c}`).toBeGreaterThan(0.9);
        expect(median).toBeLessThan(0.7);
      }
    } finally {
      model.dispose();
    }
  }, 120_000);

  it("is the same model on the same seed, and refuses a family with no times", async () => {
    const small = training.slice(0, 2);
    const [a, b] = [
      await trainCostModel("igemm", small, options),
      await trainCostModel("igemm", small, options),
    ];
    const task = heldOut[0] as CostTask;
    const configs = task.measured.map((m) => m.config).slice(0, 200);
    expect(await a.rank(task.problem, task.limits, configs)).toEqual(
      await b.rank(task.problem, task.limits, configs),
    );
    a.dispose();
    b.dispose();
    await expect(trainCostModel("igemm", [{ ...task, measured: [] }])).rejects.toThrow(
      /no measured igemm config/,
    );
  }, 120_000);

  it("reads the problem, the config and its plan", () => {
    const task = heldOut[0] as CostTask;
    const [first, second] = task.measured.map((m) =>
      costFeatures("igemm", task.problem, m.config, task.limits),
    );
    expect(first?.length).toBe(second?.length);
    expect(first).not.toEqual(second);
    expect(first?.every(Number.isFinite)).toBe(true);
    // Given the GPU's compute units, the last wave's fill: a fraction in (0, 1].
    const m = task.measured[0] as CostTask["measured"][number];
    const withUnits = costFeatures("igemm", task.problem, m.config, task.limits, 132);
    expect(withUnits.slice(0, -1)).toEqual(first);
    expect(withUnits.at(-1)).toBeGreaterThan(0);
    expect(withUnits.at(-1)).toBeLessThanOrEqual(1);
  });
});
