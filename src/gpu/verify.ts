/**
 * Checks a kernel against the problem's reference: random inputs from the check's seed (a fresh one
 * unless given; a sweep gives one so that a problem's inputs and reference are made once), the output
 * poisoned with NaN before the run (so an element the kernel never writes fails), then every output
 * element compared on the GPU (see ProblemBench). Every outcome is a value: invalid configs, compile
 * errors, allocation and runtime errors, and wrong results alike.
 */
import type { DeviceLimits, KernelFamily, KernelPlan } from "../core/families/family";
import { planConfig } from "../core/families/index";
import { type ConvProblem, formatProblem } from "../core/problem";
import type { Config } from "../core/space/space";
import { type Comparison, ProblemBench } from "./bench";
import type { KernelCache } from "./kernel";

export interface VerifyOptions {
  /** Seed of the random input and filter; a fresh one per check unless given. */
  seed?: number;
  /** Largest accepted relative error ||out - ref|| / ||ref|| (default: the problem's, src/core/tolerance.ts). */
  tolerance?: number;
  /** Largest accepted single-element error over the reference's RMS (default: the problem's). */
  elementTolerance?: number;
  /** Problems needing more multiply-adds than this get their reference from the GPU (default 2e7). */
  maxCpuReferenceMacs?: number;
}

export type VerifyFailureKind = "invalid" | "compile" | "allocation" | "runtime" | "unwritten" | "mismatch";

export type VerifyResult =
  | {
      ok: true;
      relativeError: number;
      maxElementError: number;
      /** Output elements compared with the reference: all of them. */
      compared: number;
      reference: "cpu" | "gpu";
      seed: number;
      compileMs: number;
      /** The checked run's GPU time (null without timestamps). */
      runNs: number | null;
    }
  | {
      ok: false;
      kind: VerifyFailureKind;
      message: string;
      seed: number;
      relativeError?: number;
      maxElementError?: number;
    };

/** Why a comparison fails the tolerances (unwritten elements first), or null when it passes. */
export function judgeComparison(
  c: Comparison,
  options: Pick<VerifyOptions, "tolerance" | "elementTolerance"> = {},
): { kind: "unwritten" | "mismatch"; message: string } | null {
  if (c.nonFinite > 0) {
    return {
      kind: "unwritten",
      message: `${c.nonFinite} of ${c.compared} output elements not written or not finite (first at offset ${c.firstNonFinite})`,
    };
  }
  const tolerance = options.tolerance ?? c.tolerance.relative;
  const elementTolerance = options.elementTolerance ?? c.tolerance.element;
  if (c.relativeError < tolerance && c.maxElementError < elementTolerance) return null;
  return {
    kind: "mismatch",
    message: `relative error ${c.relativeError.toExponential(2)} (limit ${tolerance}), worst element off by ${c.maxElementError.toExponential(2)} of the reference's RMS at offset ${c.worstOffset} (limit ${elementTolerance}), over all ${c.compared} elements`,
  };
}

/** The last check's bench, kept: checks of one problem with one seed share its tensors and reference. */
let lastBench: { key: string; bench: ProblemBench } | null = null;

async function benchFor(
  device: GPUDevice,
  problem: ConvProblem,
  seed: number,
  options: VerifyOptions,
): Promise<ProblemBench> {
  const key = `${formatProblem(problem)}|${seed}|${options.maxCpuReferenceMacs ?? ""}`;
  if (lastBench?.key === key && lastBench.bench.device === device) return lastBench.bench;
  lastBench?.bench.destroy();
  lastBench = null;
  const bench = await ProblemBench.create(device, problem, {
    seed,
    maxCpuReferenceMacs: options.maxCpuReferenceMacs,
  });
  lastBench = { key, bench };
  return bench;
}

let seedCounter = 0;
const freshSeed = () => (Date.now() + seedCounter++ * 0x9e3779b1) >>> 0;

/** Verifies one plan of a problem on a device. */
export async function verifyPlan(
  cache: KernelCache,
  problem: ConvProblem,
  plan: KernelPlan,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const seed = options.seed ?? freshSeed();
  const compiled = await cache.compile(plan);
  if (!compiled.ok) {
    return {
      ok: false,
      kind: "compile",
      seed,
      message: `${compiled.stage} ${compiled.pass}: ${compiled.message}`,
    };
  }
  let bench: ProblemBench;
  try {
    bench = await benchFor(cache.device, problem, seed, options);
  } catch (error) {
    return { ok: false, kind: "allocation", seed, message: (error as Error).message };
  }
  const made = await bench.instantiate(compiled);
  if (!made.ok) return { ok: false, kind: "allocation", seed, message: made.message };
  try {
    const checked = await bench.check(made.instance);
    if (!checked.ok) return { ok: false, kind: "runtime", seed, message: checked.message };
    const c = checked.comparison;
    const failure = judgeComparison(c, options);
    if (failure)
      return {
        ok: false,
        ...failure,
        seed,
        relativeError: c.relativeError,
        maxElementError: c.maxElementError,
      };
    return {
      ok: true,
      relativeError: c.relativeError,
      maxElementError: c.maxElementError,
      compared: c.compared,
      reference: bench.referenceSource,
      seed,
      compileMs: compiled.compileMs,
      runNs: checked.runNs,
    };
  } finally {
    made.instance.destroy();
  }
}

/** Plans one config (its rules checked first: a broken rule is an "invalid" result) and verifies it. */
export async function verifyConfig(
  cache: KernelCache,
  family: KernelFamily,
  problem: ConvProblem,
  config: Config,
  limits: DeviceLimits,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const planned = planConfig(family, problem, config, limits);
  if (!planned.ok) {
    const seed = options.seed ?? 0;
    const message = planned.violations.map((v) => `${v.rule}: ${v.message}`).join("; ");
    return { ok: false, kind: "invalid", seed, message };
  }
  return verifyPlan(cache, problem, planned.plan, options);
}
