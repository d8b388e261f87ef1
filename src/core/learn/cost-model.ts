/**
 * A cost model: learns from every recorded runtime, not only each problem's fastest config, how much
 * slower than that problem's best a config of one family runs. It reads the problem (the implicit
 * GEMM's three sizes, log-scaled, its layout and precision), the config (each parameter's value,
 * log-scaled) and the kernel's plan (its passes and the workgroups of the largest), and ranks a space
 * by predicted cost.
 * An exhaustive recording holds thousands of times per problem where the Seq2Seq model learns from
 * one config, so a small network generalises to problems it never saw (docs/MODEL.md).
 */
import * as tf from "@tensorflow/tfjs";
import { recordLimits } from "../dataset/device";
import type { DeviceLimits } from "../families/family";
import { familyById } from "../families/index";
import { type ConvProblem, outputSize, parseProblem } from "../problem";
import { rng, shuffled } from "../random";
import type { RecordedTask } from "../search/recording";
import { type Config, enumerate } from "../space/space";

/** A problem's recorded outcomes in one family, on the device whose limits shaped its space. */
export interface CostTask {
  problem: ConvProblem;
  limits: DeviceLimits;
  /** Measured configs and their median times (failed ones left out). */
  measured: readonly { config: Config; ns: number }[];
}

/** A recorded task as a cost model learns from it: its configs that ran, with their times. */
export function costTaskOf(task: RecordedTask): CostTask {
  return {
    problem: parseProblem(task.problem),
    limits: recordLimits(task.device),
    measured: task.recorded.flatMap((o) =>
      o.status === "ok" && o.medianNs !== null ? [{ config: o.config, ns: o.medianNs }] : [],
    ),
  };
}

export interface CostModelOptions {
  epochs: number;
  units: number;
  batchSize: number;
  learningRate: number;
  /** Seeds the initial weights and the order examples are shown in. */
  seed: number;
  /**
   * The GPU's compute units (SMs, CUs), where the user knows them (WebGPU does not say): then how full
   * the last wave of workgroups is becomes a feature.
   */
  computeUnits?: number;
}

export const DEFAULT_COST_OPTIONS: CostModelOptions = {
  epochs: 30,
  units: 64,
  batchSize: 256,
  learningRate: 0.003,
  seed: 1,
};

/**
 * Cost models a family by default, from successive seeds, their predictions averaged: three put
 * model+cost's top 5 within 95% of the exhaustive best on 96% of vgg16's held-out tasks against 90%
 * with one (docs/MODEL.md).
 */
export const DEFAULT_COST_SEEDS = 3;

const log2 = (x: number) => Math.log2(Math.max(1, x));

/**
 * The input rows of one problem's configs: problem, config and plan features. The problem's part and
 * the family's parameter names are read once a problem; each config costs one plan (its dispatch).
 * The problem enters as its GEMM's sizes, layout and precision: given the convolution's own fields as
 * well, the model told the training networks' layers apart by them and ranked an unseen network's
 * layers worse (docs/MODEL.md, "Cost-model inputs").
 */
export function costFeaturizer(
  family: string,
  problem: ConvProblem,
  limits: DeviceLimits,
  computeUnits?: number,
): (config: Config) => number[] {
  const kernels = familyById(family);
  const out = outputSize(problem);
  const gemm = [problem.n * out.p * out.q, problem.k, (problem.c / problem.groups) * problem.r * problem.s];
  const problemPart = [
    ...gemm.map(log2),
    problem.layout === "NHWC" ? 1 : 0,
    problem.precision === "f16" ? 1 : 0,
  ];
  const names = kernels.space(problem, limits).params.map((p) => p.name);
  return (config) => {
    const { passes } = kernels.plan(problem, config, limits);
    const workgroups = Math.max(...passes.map((p) => p.dispatch[0] * p.dispatch[1] * p.dispatch[2]));
    const lastWave = computeUnits ? [workgroups / (Math.ceil(workgroups / computeUnits) * computeUnits)] : [];
    return [
      ...problemPart,
      ...names.map((name) => Math.log2(1 + (config[name] ?? 0))),
      passes.length,
      log2(workgroups),
      ...lastWave,
    ];
  };
}

/** A cost model as a Seq2Seq model's metadata holds it: its shape, its inputs' scaling and its weights. */
export interface SavedCostModel {
  family: string;
  units: number;
  computeUnits?: number;
  /** Each input's mean and inverse spread on the training rows (standardisation). */
  mean: number[];
  scale: number[];
  /** The three layers' kernels and biases in order, float32 little-endian, base64. */
  weights: string;
  /** Training examples (configs over all tasks) and the final epoch's mean squared error. */
  examples: number;
  loss: number;
}

/** Each input minus its training mean, times its inverse spread. */
const standardiser = (mean: readonly number[], scale: readonly number[]) => (row: readonly number[]) =>
  row.map((x, j) => (x - (mean[j] ?? 0)) * (scale[j] ?? 0));

/** Two ReLU layers and a linear output: ln(time / best) of one standardised input row. */
function network(width: number, units: number, seed: number): tf.Sequential {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed * 10 + k });
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [width], units, activation: "relu", kernelInitializer: init(1) }),
      tf.layers.dense({ units, activation: "relu", kernelInitializer: init(2) }),
      tf.layers.dense({ units: 1, kernelInitializer: init(3) }),
    ],
  });
}

// Every runtime the lab runs in (browsers, Node.js 16+) has these; core's ES2022 lib does not declare them.
declare function btoa(data: string): string;
declare function atob(data: string): string;

function base64(floats: Float32Array): string {
  let binary = "";
  for (const byte of new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength))
    binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * Trains on every measured config of the tasks (one family): the target is ln(time / the task's best),
 * inputs standardised on the training rows. Returns it as saved; costRanker ranks with it.
 */
export async function trainCostModel(
  family: string,
  tasks: readonly CostTask[],
  options: CostModelOptions = DEFAULT_COST_OPTIONS,
): Promise<SavedCostModel> {
  const rows: number[][] = [];
  const targets: number[] = [];
  for (const task of tasks) {
    if (!task.measured.length) continue;
    const best = Math.min(...task.measured.map((m) => m.ns));
    const features = costFeaturizer(family, task.problem, task.limits, options.computeUnits);
    for (const { config, ns } of task.measured) {
      rows.push(features(config));
      targets.push(Math.log(ns / best));
    }
  }
  const width = rows[0]?.length;
  if (!width) throw new Error(`no measured ${family} config to learn costs from`);
  const mean = Array.from(
    { length: width },
    (_, j) => rows.reduce((s, r) => s + (r[j] ?? 0), 0) / rows.length,
  );
  const scale = mean.map((m, j) => {
    const variance = rows.reduce((s, r) => s + ((r[j] ?? 0) - m) ** 2, 0) / rows.length;
    return variance > 0 ? 1 / Math.sqrt(variance) : 0;
  });
  const standardise = standardiser(mean, scale);

  // Shuffled once, seeded: tfjs's own shuffle is not.
  const order = shuffled(
    rng(options.seed),
    rows.map((_, i) => i),
  );
  const model = network(width, options.units, options.seed);
  model.compile({ optimizer: tf.train.adam(options.learningRate), loss: "meanSquaredError" });
  const x = tf.tensor2d(order.map((i) => standardise(rows[i] as number[])));
  const y = tf.tensor2d(order.map((i) => [targets[i] as number]));
  try {
    const history = await model.fit(x, y, {
      epochs: options.epochs,
      batchSize: options.batchSize,
      shuffle: false,
      verbose: 0,
    });
    const weights = model.getWeights().flatMap((w) => [...(w.dataSync() as Float32Array)]);
    return {
      family,
      units: options.units,
      ...(options.computeUnits ? { computeUnits: options.computeUnits } : {}),
      mean,
      scale,
      weights: base64(new Float32Array(weights)),
      examples: rows.length,
      loss: Number(history.history.loss?.at(-1)),
    };
  } finally {
    x.dispose();
    y.dispose();
    model.dispose();
  }
}

/** Predicts the cost (ln(time / best)) of one input row. */
type CostPredictor = (row: readonly number[]) => number;

/** Ranks configs of one problem by predicted cost, cheapest first. */
export type CostRanker = (problem: ConvProblem, limits: DeviceLimits, configs: readonly Config[]) => Config[];

/**
 * A saved cost model's prediction, in plain arithmetic (a few thousand rows through a 64-unit network
 * take milliseconds; no tfjs backend is needed). Refused, saying why, when its weights do not fit its
 * shape or are not finite numbers.
 */
function costPredictor(saved: SavedCostModel): CostPredictor {
  const { family, units, mean, scale } = saved;
  const width = mean.length;
  const expected = width * units + units + units * units + units + units + 1;
  let binary: string;
  try {
    binary = atob(saved.weights);
  } catch {
    throw new Error(`the cost model of ${family}: its weights are not base64`);
  }
  const floats =
    binary.length % 4 ? null : new Float32Array(Uint8Array.from(binary, (c) => c.charCodeAt(0)).buffer);
  if (scale.length !== width || floats?.length !== expected)
    throw new Error(
      `the cost model of ${family}: ${Math.floor(binary.length / 4)} weights where ${width} inputs and ${units} units need ${expected}; it is damaged`,
    );
  if (![...floats, ...mean, ...scale].every(Number.isFinite))
    throw new Error(`the cost model of ${family} holds numbers that are not finite; it is damaged`);
  // Dense layers as tfjs lays them out: kernel [inputs][outputs] row-major, then bias.
  let at = 0;
  const take = (n: number) => {
    at += n;
    return floats.subarray(at - n, at);
  };
  const layers = [
    [width, units],
    [units, units],
    [units, 1],
  ].map(([inputs, outputs]) => ({
    inputs: inputs as number,
    outputs: outputs as number,
    kernel: take((inputs as number) * (outputs as number)),
    bias: take(outputs as number),
  }));
  const standardise = standardiser(mean, scale);
  return (row) => {
    let x = standardise(row);
    layers.forEach((layer, l) => {
      const y = Array.from(layer.bias);
      for (let i = 0; i < layer.inputs; i++) {
        const xi = x[i] as number;
        if (xi === 0) continue;
        for (let o = 0; o < layer.outputs; o++)
          y[o] = (y[o] as number) + xi * (layer.kernel[i * layer.outputs + o] as number);
      }
      x = l < layers.length - 1 ? y.map((v) => Math.max(0, v)) : y;
    });
    return x[0] as number;
  };
}

/**
 * The ranking of saved cost models of one family: by one's predicted cost, or several's mean (an
 * ensemble of seeds, whose errors partly cancel).
 */
export function costRanker(saved: readonly SavedCostModel[]): CostRanker {
  const [first] = saved;
  if (!first) throw new Error("a cost ranking needs at least one cost model");
  // One row a config serves every model of the ensemble: they read the same features.
  const { family, computeUnits } = first;
  const width = first.mean.length;
  if (saved.some((c) => c.family !== family || c.computeUnits !== computeUnits || c.mean.length !== width))
    throw new Error(`the cost models of ${family} disagree on their family, compute units or inputs`);
  const predictors = saved.map(costPredictor);
  return (problem, limits, configs) => {
    const features = costFeaturizer(family, problem, limits, computeUnits);
    return configs
      .map((config) => {
        const row = features(config);
        if (row.length !== width)
          throw new Error(
            `the cost model of ${family} reads ${width} inputs where this version of the lab gives ${row.length}: it was trained by another version; train the model again`,
          );
        return { config, cost: predictors.reduce((sum, predict) => sum + predict(row), 0) };
      })
      .sort((a, b) => a.cost - b.cost)
      .map((c) => c.config);
  };
}

/**
 * A ranker a family of the tasks, each an ensemble of cost models (seeds 1 to `seeds`) trained on every
 * recorded time of that family's tasks: what `curve --cost-model` replays held-out problems with.
 */
export async function trainCostRankers(
  tasks: readonly RecordedTask[],
  options: { seeds: number; computeUnits?: number },
  onTrained?: (saved: SavedCostModel, seed: number, seconds: number) => void,
): Promise<Map<string, CostRanker>> {
  const rankers = new Map<string, CostRanker>();
  for (const family of new Set(tasks.map((t) => t.family))) {
    const examples = tasks.filter((t) => t.family === family).map(costTaskOf);
    const ensemble: SavedCostModel[] = [];
    for (let seed = 1; seed <= options.seeds; seed++) {
      const start = Date.now();
      const saved = await trainCostModel(family, examples, {
        ...DEFAULT_COST_OPTIONS,
        seed,
        ...(options.computeUnits ? { computeUnits: options.computeUnits } : {}),
      });
      onTrained?.(saved, seed, Math.round((Date.now() - start) / 1000));
      ensemble.push(saved);
    }
    rankers.set(family, costRanker(ensemble));
  }
  return rankers;
}

/** A model's saved cost models as rankers, by family (empty when it has none). */
export function costRankers(saved: readonly SavedCostModel[] = []): Map<string, CostRanker> {
  const byFamily = new Map<string, SavedCostModel[]>();
  for (const c of saved) byFamily.set(c.family, [...(byFamily.get(c.family) ?? []), c]);
  return new Map([...byFamily].map(([family, models]) => [family, costRanker(models)]));
}

/**
 * A problem's cheapest predicted configs of a family on a device, its whole valid space ranked by the
 * family's cost model; null for a family without one.
 */
export function cheapestConfigs(
  rankers: ReadonlyMap<string, CostRanker>,
  problem: ConvProblem,
  limits: DeviceLimits,
): (family: string, count: number) => Config[] | null {
  return (family, count) => {
    const rank = rankers.get(family);
    if (!rank) return null;
    return rank(problem, limits, [...enumerate(familyById(family).space(problem, limits))]).slice(0, count);
  };
}
