/**
 * The features of a convolution, for both corpora: one list of names for a MIOpen problem and for
 * this lab's own, so the two speak one problem language (a saved model depends on its names).
 */
import type { Feature } from "../learn/features";
import { walkedPixels } from "../miopen/conv-asm-1x1u";
import type { MiopenProblem } from "../miopen/perfdb";
import { type ConvProblem, outputSize } from "../problem";

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
