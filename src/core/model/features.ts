/**
 * The problem language: a problem becomes an ordered list of named features, the encoder's input
 * sequence. Counts are read on a log2 scale plus their divisibility by powers of two, because tuned
 * configs split channels, pixels and images into power-of-two pieces; flags are 0 or 1.
 */
import { walkedPixels } from "../miopen/conv-asm-1x1u";
import type { MiopenProblem } from "../miopen/perfdb";
import { type ConvProblem, outputSize } from "../problem";

export interface Feature {
  name: string;
  value: number;
  kind: "count" | "flag";
  /** Computed from the others (a hint for the model; left out of the baseline's distance). */
  derived?: boolean;
}

/** log2 levels of the thermometer code: up to 2^24, past any tensor dimension or pixel count. */
const LEVELS = 24;

/** Width of one feature's value encoding: flag, log2, six divisibility bits, power of two, thermometer. */
export const VALUE_WIDTH = 9 + LEVELS;

/**
 * A count's encoding. The thermometer code (level i is how far log2 passes i, clamped to [0, 1])
 * turns "N is at least 64" into one unit the network reads directly, where a single log2 scalar
 * would need a finely tuned threshold.
 */
export function encodeValue(feature: Feature): number[] {
  if (feature.kind === "flag") return [feature.value, ...new Array<number>(VALUE_WIDTH - 1).fill(0)];
  const x = Math.max(0, Math.round(feature.value));
  const log = Math.log2(1 + x);
  const divisible = [2, 4, 8, 16, 32, 64].map((d) => (x > 0 && x % d === 0 ? 1 : 0));
  const powerOfTwo = x > 0 && (x & (x - 1)) === 0 ? 1 : 0;
  const thermometer = Array.from({ length: LEVELS }, (_, i) => Math.min(1, Math.max(0, log - i)));
  return [0, log / 8, ...divisible, powerOfTwo, ...thermometer];
}

const count = (name: string, value: number): Feature => ({ name, value, kind: "count" });
const derived = (name: string, value: number): Feature => ({ name, value, kind: "count", derived: true });
const flag = (name: string, on: boolean): Feature => ({ name, value: on ? 1 : 0, kind: "flag" });

/** The fields both problem types share, already in this project's names. */
interface FeatureFields
  extends Pick<
    ConvProblem,
    | "c"
    | "k"
    | "n"
    | "h"
    | "w"
    | "r"
    | "s"
    | "padH"
    | "padW"
    | "strideH"
    | "strideW"
    | "dilH"
    | "dilW"
    | "groups"
  > {
  direction: "F" | "B" | "W";
  precision: "fp32" | "fp16" | "bf16";
  nhwc: boolean;
  /** The image the kernel walks (output pixels forward, input pixels for backward data). */
  pixels: number;
}

/** One feature list for every problem type: saved models depend on its names and order. */
function problemFeatures(p: FeatureFields): Feature[] {
  return [
    flag("backward-data", p.direction === "B"),
    flag("backward-weights", p.direction === "W"),
    flag("fp16", p.precision === "fp16"),
    flag("bf16", p.precision === "bf16"),
    flag("nhwc", p.nhwc),
    count("C", p.c),
    count("K", p.k),
    count("N", p.n),
    count("H", p.h),
    count("W", p.w),
    count("R", p.r),
    count("S", p.s),
    count("pad_h", p.padH),
    count("pad_w", p.padW),
    count("stride_h", p.strideH),
    count("stride_w", p.strideW),
    count("dilation_h", p.dilH),
    count("dilation_w", p.dilW),
    count("groups", p.groups),
    derived("pixels", p.pixels),
    derived("pixels_x_N", p.pixels * p.n),
  ];
}

/** Features of a MIOpen perf-db problem (2-D; depth fields are 1 in 2-D rows and left out). */
export function miopenFeatures(p: MiopenProblem): Feature[] {
  const precision = p.precision === "FP16" ? "fp16" : p.precision === "BF16" ? "bf16" : "fp32";
  return problemFeatures({ ...p, precision, nhwc: p.layout === "NHWC", pixels: walkedPixels(p) });
}

/** Features of tunelab's own problem type (forward convolutions). */
export function convFeatures(p: ConvProblem): Feature[] {
  const out = outputSize(p);
  return problemFeatures({
    ...p,
    direction: "F",
    precision: p.precision === "f16" ? "fp16" : "fp32",
    nhwc: p.layout === "NHWC",
    pixels: out.p * out.q,
  });
}

/** The log2-scaled raw problem fields: the vector the nearest-neighbour baseline measures distances in. */
export function logVector(features: readonly Feature[]): number[] {
  return features
    .filter((f) => !f.derived)
    .map((f) => (f.kind === "flag" ? f.value : Math.log2(1 + f.value)));
}
