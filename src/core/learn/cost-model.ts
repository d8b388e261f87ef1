/**
 * A cost model: learns from every recorded runtime, not only each problem's fastest config, how much
 * slower than that problem's best a config of one family runs. It reads the problem (its log-scaled
 * fields and the implicit GEMM's three sizes), the config (each parameter's value, log-scaled) and the
 * kernel's plan (its passes and the workgroups of the largest), and ranks a space by predicted cost.
 * An exhaustive recording holds thousands of times per problem where the Seq2Seq model learns from
 * one config, so a small network generalises to problems it never saw (docs/MODEL.md).
 */
import * as tf from "@tensorflow/tfjs";
import { convFeatures } from "../corpora/conv-features";
import type { DeviceLimits } from "../families/family";
import { familyById } from "../families/index";
import { type ConvProblem, outputSize } from "../problem";
import { rng, shuffled } from "../random";
import type { Config } from "../space/space";
import { logVector } from "./features";

/** A problem's recorded outcomes in one family, on the device whose limits shaped its space. */
export interface CostTask {
  problem: ConvProblem;
  limits: DeviceLimits;
  /** Measured configs and their median times (failed ones left out). */
  measured: readonly { config: Config; ns: number }[];
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

const log2 = (x: number) => Math.log2(Math.max(1, x));

/** The input row of one config on one problem: problem, config and plan features. */
export function costFeatures(
  family: string,
  problem: ConvProblem,
  config: Config,
  limits: DeviceLimits,
  computeUnits?: number,
) {
  const kernels = familyById(family);
  const out = outputSize(problem);
  const gemm = [problem.n * out.p * out.q, problem.k, (problem.c / problem.groups) * problem.r * problem.s];
  const params = kernels.space(problem, limits).params.map((p) => Math.log2(1 + (config[p.name] ?? 0)));
  const { passes } = kernels.plan(problem, config, limits);
  const workgroups = Math.max(...passes.map((p) => p.dispatch[0] * p.dispatch[1] * p.dispatch[2]));
  const lastWave = computeUnits ? [workgroups / (Math.ceil(workgroups / computeUnits) * computeUnits)] : [];
  return [
    ...logVector(convFeatures(problem)),
    ...gemm.map(log2),
    ...params,
    passes.length,
    log2(workgroups),
    ...lastWave,
  ];
}

export interface CostModel {
  family: string;
  /** Training examples (configs over all tasks) and the final epoch's mean squared error. */
  examples: number;
  loss: number;
  /** The configs, cheapest predicted first. */
  rank(problem: ConvProblem, limits: DeviceLimits, configs: readonly Config[]): Promise<Config[]>;
  dispose(): void;
}

/**
 * Trains on every measured config of the tasks (one family): the target is ln(time / the task's best),
 * inputs standardised on the training rows.
 */
export async function trainCostModel(
  family: string,
  tasks: readonly CostTask[],
  options: CostModelOptions = DEFAULT_COST_OPTIONS,
): Promise<CostModel> {
  const rows: number[][] = [];
  const targets: number[] = [];
  for (const task of tasks) {
    if (!task.measured.length) continue;
    const best = Math.min(...task.measured.map((m) => m.ns));
    for (const { config, ns } of task.measured) {
      rows.push(costFeatures(family, task.problem, config, task.limits, options.computeUnits));
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
  const standardise = (row: readonly number[]) => row.map((x, j) => (x - (mean[j] ?? 0)) * (scale[j] ?? 0));

  // Shuffled once, seeded: tfjs's own shuffle is not.
  const order = shuffled(
    rng(options.seed),
    rows.map((_, i) => i),
  );
  const init = (k: number) => tf.initializers.glorotUniform({ seed: options.seed * 10 + k });
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [width],
        units: options.units,
        activation: "relu",
        kernelInitializer: init(1),
      }),
      tf.layers.dense({ units: options.units, activation: "relu", kernelInitializer: init(2) }),
      tf.layers.dense({ units: 1, kernelInitializer: init(3) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(options.learningRate), loss: "meanSquaredError" });
  const x = tf.tensor2d(order.map((i) => standardise(rows[i] as number[])));
  const y = tf.tensor2d(order.map((i) => [targets[i] as number]));
  let loss = Number.NaN;
  try {
    const history = await model.fit(x, y, {
      epochs: options.epochs,
      batchSize: options.batchSize,
      shuffle: false,
      verbose: 0,
    });
    loss = Number(history.history.loss?.at(-1));
  } finally {
    x.dispose();
    y.dispose();
  }
  return {
    family,
    examples: rows.length,
    loss,
    async rank(problem, limits, configs) {
      if (!configs.length) return [];
      const input = tf.tensor2d(
        configs.map((c) => standardise(costFeatures(family, problem, c, limits, options.computeUnits))),
      );
      const output = model.predict(input) as tf.Tensor;
      const cost = await output.data();
      input.dispose();
      output.dispose();
      return configs
        .map((config, i) => ({ config, cost: cost[i] as number }))
        .sort((a, b) => a.cost - b.cost)
        .map((c) => c.config);
    },
    dispose: () => model.dispose(),
  };
}
