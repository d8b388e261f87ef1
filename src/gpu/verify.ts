/**
 * Checks a kernel against the CPU reference: random inputs from the check's seed (a fresh one unless
 * given; a sweep gives one per run so that a problem's inputs are made once), the output poisoned
 * with NaN before the run (so an element the kernel never writes fails), then the relative error
 * ||out - ref|| / ||ref|| over the whole output, or over a random sample of it for big problems.
 * Every outcome is a value: invalid configs, compile errors, allocation and runtime errors, and
 * wrong results alike.
 */
import type { DeviceLimits, KernelFamily, KernelPlan } from "../core/families/family";
import { planConfig } from "../core/families/index";
import { type ConvProblem, formatProblem, problemFlops, tensorElements } from "../core/problem";
import { rng } from "../core/random";
import { referenceConv, referenceSample, relativeError, sampleOffsets } from "../core/reference";
import type { Config } from "../core/space/space";
import { createKernelInstance, type KernelCache } from "./kernel";

export interface VerifyOptions {
  /** Seed of the random input and filter (and of the sample); a fresh one per check unless given. */
  seed?: number;
  /** Largest accepted relative error (default 1e-4, for f32). */
  tolerance?: number;
  /** Problems needing more multiply-adds than this on the CPU are compared on a sample (default 2e7). */
  maxReferenceMacs?: number;
  /** Output elements compared when sampling (default 2048). */
  sampleSize?: number;
}

export type VerifyFailureKind = "invalid" | "compile" | "allocation" | "runtime" | "unwritten" | "mismatch";

export type VerifyResult =
  | {
      ok: true;
      relativeError: number;
      /** Output elements compared with the reference. */
      compared: number;
      sampled: boolean;
      seed: number;
      compileMs: number;
    }
  | {
      ok: false;
      kind: VerifyFailureKind;
      message: string;
      seed: number;
      relativeError?: number;
    };

export const DEFAULT_TOLERANCE = 1e-4;

/** Uniform values in [-1, 1): never all zeros, so a kernel that ignores its inputs fails. */
export function randomTensor(length: number, random: () => number): Float32Array<ArrayBuffer> {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = random() * 2 - 1;
  return out;
}

interface CheckData {
  key: string;
  input: Float32Array<ArrayBuffer>;
  filter: Float32Array<ArrayBuffer>;
  /** The reference output, whole (offsets null) or at sampled offsets. */
  expected: { offsets: number[] | null; values: ArrayLike<number> };
}

/**
 * The last check's inputs and reference, kept: a sweep verifies every candidate of a problem with one
 * seed, so a batch-32 layer's tens of millions of random values and its reference are made once.
 */
let lastCheck: CheckData | null = null;

function checkData(problem: ConvProblem, seed: number, options: VerifyOptions): CheckData {
  const sampleSize = options.sampleSize ?? 2048;
  const sampled = problemFlops(problem) / 2 > (options.maxReferenceMacs ?? 2e7);
  const key = `${formatProblem(problem)}|${seed}|${sampled ? sampleSize : "all"}`;
  if (lastCheck?.key === key) return lastCheck;
  const random = rng(seed);
  const sizes = tensorElements(problem);
  const input = randomTensor(sizes.input, random);
  const filter = randomTensor(sizes.filter, random);
  let expected: CheckData["expected"];
  if (sampled) {
    const offsets = sampleOffsets(sizes.output, sampleSize, random);
    expected = { offsets, values: referenceSample(problem, input, filter, offsets) };
  } else {
    expected = { offsets: null, values: referenceConv(problem, input, filter) };
  }
  lastCheck = { key, input, filter, expected };
  return lastCheck;
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
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const compiled = await cache.compile(plan);
  if (!compiled.ok) {
    return {
      ok: false,
      kind: "compile",
      seed,
      message: `${compiled.stage} ${compiled.pass}: ${compiled.message}`,
    };
  }
  const made = await createKernelInstance(cache.device, problem, compiled);
  if (!made.ok) return { ok: false, kind: "allocation", seed, message: made.message };
  const { instance } = made;
  try {
    const { input, filter, expected } = checkData(problem, seed, options);
    instance.write(input, filter);
    instance.poisonOutput();
    const ran = await instance.run();
    if (!ran.ok) return { ok: false, kind: "runtime", seed, message: ran.message };
    const output = await instance.readOutput();

    const unwritten = output.findIndex((v) => !Number.isFinite(v));
    if (unwritten >= 0) {
      const count = output.reduce((n, v) => n + (Number.isFinite(v) ? 0 : 1), 0);
      return {
        ok: false,
        kind: "unwritten",
        seed,
        message: `${count} of ${output.length} output elements not written (first at offset ${unwritten})`,
      };
    }
    const sampled = expected.offsets !== null;
    const error = sampled
      ? relativeError(
          (expected.offsets as number[]).map((o) => output[o] as number),
          expected.values,
        )
      : relativeError(output, expected.values);
    const compared = expected.values.length;
    if (!(error < tolerance)) {
      return {
        ok: false,
        kind: "mismatch",
        seed,
        relativeError: error,
        message: `relative error ${error.toExponential(2)} exceeds ${tolerance} over ${compared} elements`,
      };
    }
    return { ok: true, relativeError: error, compared, sampled, seed, compileMs: compiled.compileMs };
  } finally {
    instance.destroy();
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
