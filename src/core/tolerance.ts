/**
 * How far a correct kernel's output may be from the float64 reference, by precision. Errors are
 * measured as ||out - ref|| / ||ref|| (relative L2) and as the worst element's error over the
 * reference's root mean square (RMS).
 *
 * f32: a sum of a few thousand f32 products in another order differs by about 1e-6 of the RMS;
 * one wrong element differs by far more. Limits: 1e-4 relative, 1e-3 of the RMS per element.
 *
 * f16 (f16 tensors, f32 arithmetic): the reference convolves the same f16-rounded inputs, and a
 * product of two f16 values is exact in f32, so what remains is
 *   - the f16 output: rounding to nearest moves each element by at most u16 = 2^-11 of itself,
 *     so at most u16 relative, and at most u16 * peak of the RMS per element (peak = max|ref| / RMS);
 *   - the f32 sums over the reduction of length L (C/groups * R * S), in whatever order the kernel
 *     (or the tensor cores) adds: typically sqrt(L) * u32 of the RMS (u32 = 2^-24); allowed L * u32.
 * A single element off by even 1% of the RMS still fails.
 */
import { FLOAT_UNIT_ROUNDOFF, HALF_UNIT_ROUNDOFF } from "./half";
import type { ConvProblem } from "./problem";

export interface Tolerance {
  /** Largest accepted relative L2 error. */
  relative: number;
  /** Largest accepted single-element error over the reference's RMS. */
  element: number;
}

export const F32_TOLERANCE: Tolerance = { relative: 1e-4, element: 1e-3 };

/** The reduction length each output element sums over. */
function reductionLength(p: ConvProblem): number {
  return (p.c / p.groups) * p.r * p.s;
}

/** The tolerance for a problem's outputs; `peak` is the reference's max |value| over its RMS. */
export function toleranceFor(p: ConvProblem, peak: number): Tolerance {
  if (p.precision === "f32") return F32_TOLERANCE;
  const accumulation = reductionLength(p) * FLOAT_UNIT_ROUNDOFF;
  return { relative: HALF_UNIT_ROUNDOFF + accumulation, element: HALF_UNIT_ROUNDOFF * peak + accumulation };
}
