/**
 * CPU convolution with float64 accumulation: the ground truth every generated kernel is checked against.
 * Tensor layouts are those documented on KernelFamily in families/family.ts.
 */
import { type ConvProblem, outputSize, tensorElements } from "./problem";

/** Element strides of the input, filter and output for the problem's layout. */
export interface ConvIndexing {
  /** Input offset of (n, c, h, w). */
  input(n: number, c: number, h: number, w: number): number;
  /** Filter offset of (k, c within the group, r, s). */
  filter(k: number, c: number, r: number, s: number): number;
  /** Output offset of (n, k, p, q). */
  output(n: number, k: number, p: number, q: number): number;
  /** (n, k, p, q) of an output offset. */
  outputCoords(offset: number): [number, number, number, number];
}

export function convIndexing(pr: ConvProblem): ConvIndexing {
  const { c: C, h: H, w: W, k: K, r: R, s: S } = pr;
  const { p: P, q: Q } = outputSize(pr);
  const cg = C / pr.groups;
  if (pr.layout === "NCHW") {
    return {
      input: (n, c, h, w) => ((n * C + c) * H + h) * W + w,
      filter: (k, c, r, s) => ((k * cg + c) * R + r) * S + s,
      output: (n, k, p, q) => ((n * K + k) * P + p) * Q + q,
      outputCoords: (o) => [
        Math.floor(o / (K * P * Q)),
        Math.floor(o / (P * Q)) % K,
        Math.floor(o / Q) % P,
        o % Q,
      ],
    };
  }
  return {
    input: (n, c, h, w) => ((n * H + h) * W + w) * C + c,
    filter: (k, c, r, s) => ((k * R + r) * S + s) * cg + c,
    output: (n, k, p, q) => ((n * P + p) * Q + q) * K + k,
    outputCoords: (o) => [
      Math.floor(o / (P * Q * K)),
      o % K,
      Math.floor(o / (Q * K)) % P,
      Math.floor(o / K) % Q,
    ],
  };
}

/** One output element, accumulated in float64. */
export function referenceAt(
  pr: ConvProblem,
  input: ArrayLike<number>,
  filter: ArrayLike<number>,
  index: ConvIndexing,
  n: number,
  k: number,
  p: number,
  q: number,
): number {
  const cg = pr.c / pr.groups;
  const c0 = Math.floor(k / (pr.k / pr.groups)) * cg;
  let sum = 0;
  for (let c = 0; c < cg; c++) {
    for (let r = 0; r < pr.r; r++) {
      const h = p * pr.strideH - pr.padH + r * pr.dilH;
      if (h < 0 || h >= pr.h) continue;
      for (let s = 0; s < pr.s; s++) {
        const w = q * pr.strideW - pr.padW + s * pr.dilW;
        if (w < 0 || w >= pr.w) continue;
        sum += (input[index.input(n, c0 + c, h, w)] as number) * (filter[index.filter(k, c, r, s)] as number);
      }
    }
  }
  return sum;
}

/** The whole output, in the input's layout. */
export function referenceConv(
  pr: ConvProblem,
  input: ArrayLike<number>,
  filter: ArrayLike<number>,
): Float64Array {
  checkSizes(pr, input, filter);
  const index = convIndexing(pr);
  const { p: P, q: Q } = outputSize(pr);
  const out = new Float64Array(tensorElements(pr).output);
  for (let n = 0; n < pr.n; n++)
    for (let k = 0; k < pr.k; k++)
      for (let p = 0; p < P; p++)
        for (let q = 0; q < Q; q++)
          out[index.output(n, k, p, q)] = referenceAt(pr, input, filter, index, n, k, p, q);
  return out;
}

/** Only the output elements at `offsets` (for problems too big to convolve whole on the CPU). */
export function referenceSample(
  pr: ConvProblem,
  input: ArrayLike<number>,
  filter: ArrayLike<number>,
  offsets: readonly number[],
): Float64Array {
  checkSizes(pr, input, filter);
  const index = convIndexing(pr);
  return Float64Array.from(offsets, (o) => referenceAt(pr, input, filter, index, ...index.outputCoords(o)));
}

function checkSizes(pr: ConvProblem, input: ArrayLike<number>, filter: ArrayLike<number>): void {
  const sizes = tensorElements(pr);
  if (input.length !== sizes.input || filter.length !== sizes.filter) {
    throw new Error(
      `reference: expected ${sizes.input} input and ${sizes.filter} filter elements, got ${input.length} and ${filter.length}`,
    );
  }
}

/** ||out - ref|| / ||ref|| (Euclidean); NaN or infinite anywhere in `out` gives Infinity. */
export function relativeError(out: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (out.length !== ref.length) throw new Error(`relativeError: ${out.length} vs ${ref.length} elements`);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < ref.length; i++) {
    const o = out[i] as number;
    const r = ref[i] as number;
    if (!Number.isFinite(o)) return Number.POSITIVE_INFINITY;
    diff += (o - r) ** 2;
    norm += r * r;
  }
  if (norm === 0) return diff === 0 ? 0 : Number.POSITIVE_INFINITY;
  return Math.sqrt(diff / norm);
}

/** Distinct output offsets, sorted, chosen uniformly: `count` of them or all when there are fewer. */
export function sampleOffsets(total: number, count: number, random: () => number): number[] {
  if (count >= total) return Array.from({ length: total }, (_, i) => i);
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(Math.floor(random() * total));
  return [...chosen].sort((a, b) => a - b);
}

/** relativeError over `offsets` only: `out` is the whole output, `refAtOffsets` the reference there. */
export function sampledRelativeError(
  out: ArrayLike<number>,
  refAtOffsets: ArrayLike<number>,
  offsets: readonly number[],
): number {
  return relativeError(
    offsets.map((o) => out[o] as number),
    refAtOffsets,
  );
}
