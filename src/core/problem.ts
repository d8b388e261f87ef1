/**
 * A 2-D convolution problem and its text form:
 *   NxCxHxW,KxRxS[,pad=P|PHxPW][,stride=S|SHxSW][,dil=D|DHxDW][,groups=G][,layout=NCHW|NHWC][,precision=f32|f16]
 * e.g. `1x64x56x56,64x3x3,pad=1`.
 */

export const LAYOUTS = ["NCHW", "NHWC"] as const;
export type Layout = (typeof LAYOUTS)[number];
export type Precision = "f32" | "f16";

export interface ConvProblem {
  n: number;
  c: number;
  h: number;
  w: number;
  k: number;
  r: number;
  s: number;
  padH: number;
  padW: number;
  strideH: number;
  strideW: number;
  dilH: number;
  dilW: number;
  groups: number;
  layout: Layout;
  precision: Precision;
}

/** A problem the text form or the checks reject; `part` names the offending piece. */
export class ProblemError extends Error {
  constructor(
    readonly part: string,
    message: string,
  ) {
    super(message);
  }
}

export function makeProblem(
  fields: Partial<ConvProblem> & Pick<ConvProblem, "c" | "h" | "w" | "k" | "r" | "s">,
): ConvProblem {
  return {
    n: 1,
    padH: 0,
    padW: 0,
    strideH: 1,
    strideW: 1,
    dilH: 1,
    dilW: 1,
    groups: 1,
    layout: "NCHW",
    precision: "f32",
    ...fields,
  };
}

/** Output height and width (P, Q). */
export function outputSize(p: ConvProblem): { p: number; q: number } {
  return {
    p: Math.floor((p.h + 2 * p.padH - p.dilH * (p.r - 1) - 1) / p.strideH) + 1,
    q: Math.floor((p.w + 2 * p.padW - p.dilW * (p.s - 1) - 1) / p.strideW) + 1,
  };
}

/** Multiply-adds counted twice: the FLOPs of the direct algorithm. */
export function problemFlops(p: ConvProblem): number {
  const { p: oh, q: ow } = outputSize(p);
  return 2 * p.n * p.k * oh * ow * (p.c / p.groups) * p.r * p.s;
}

/** Bytes one element of the problem's tensors takes in memory. */
export const elementBytes = (p: ConvProblem): 2 | 4 => (p.precision === "f16" ? 2 : 4);

export function tensorElements(p: ConvProblem): { input: number; filter: number; output: number } {
  const { p: oh, q: ow } = outputSize(p);
  return {
    input: p.n * p.c * p.h * p.w,
    filter: p.k * (p.c / p.groups) * p.r * p.s,
    output: p.n * p.k * oh * ow,
  };
}

const DIMS = /^(\d+)x(\d+)x(\d+)x(\d+)$/;
const FILTER = /^(\d+)x(\d+)x(\d+)$/;

function pair(part: string, value: string): [number, number] {
  const m = /^(\d+)(?:x(\d+))?$/.exec(value);
  if (!m) throw new ProblemError(part, `${part}: expected a number or AxB, got '${value}'`);
  const a = Number(m[1]);
  return [a, m[2] === undefined ? a : Number(m[2])];
}

export function parseProblem(text: string): ConvProblem {
  const parts = text
    .trim()
    .split(",")
    .map((s) => s.trim());
  const [dims = "", filter = "", ...options] = parts;
  const d = DIMS.exec(dims);
  if (!d) throw new ProblemError("input", `input: expected NxCxHxW (e.g. 1x64x56x56), got '${dims}'`);
  const f = FILTER.exec(filter);
  if (!f) throw new ProblemError("filter", `filter: expected KxRxS (e.g. 64x3x3), got '${filter}'`);
  const problem = makeProblem({
    n: Number(d[1]),
    c: Number(d[2]),
    h: Number(d[3]),
    w: Number(d[4]),
    k: Number(f[1]),
    r: Number(f[2]),
    s: Number(f[3]),
  });
  const seen = new Set<string>();
  for (const option of options) {
    const [key = "", value = "", extra] = option.split("=");
    if (extra !== undefined || value === "") {
      throw new ProblemError(
        option,
        `'${option}': expected name=value (pad, stride, dil, groups, layout, precision)`,
      );
    }
    if (seen.has(key)) throw new ProblemError(key, `${key}: given twice`);
    seen.add(key);
    switch (key) {
      case "pad":
        [problem.padH, problem.padW] = pair(key, value);
        break;
      case "stride":
        [problem.strideH, problem.strideW] = pair(key, value);
        break;
      case "dil":
        [problem.dilH, problem.dilW] = pair(key, value);
        break;
      case "groups":
        if (!/^\d+$/.test(value))
          throw new ProblemError(key, `groups: expected a whole number, got '${value}'`);
        problem.groups = Number(value);
        break;
      case "layout": {
        const layout = value.toUpperCase();
        if (layout !== "NCHW" && layout !== "NHWC")
          throw new ProblemError(key, `layout: expected NCHW or NHWC, got '${value}'`);
        problem.layout = layout;
        break;
      }
      case "precision":
        if (value !== "f32" && value !== "f16")
          throw new ProblemError(key, `precision: expected f32 or f16, got '${value}'`);
        problem.precision = value;
        break;
      default:
        throw new ProblemError(key, `unknown option '${key}' (pad, stride, dil, groups, layout, precision)`);
    }
  }
  const reasons = problemErrors(problem);
  if (reasons[0]) throw new ProblemError(reasons[0].part, reasons[0].message);
  return problem;
}

export function formatProblem(p: ConvProblem): string {
  const two = (a: number, b: number) => (a === b ? `${a}` : `${a}x${b}`);
  const parts = [`${p.n}x${p.c}x${p.h}x${p.w}`, `${p.k}x${p.r}x${p.s}`];
  if (p.padH || p.padW) parts.push(`pad=${two(p.padH, p.padW)}`);
  if (p.strideH !== 1 || p.strideW !== 1) parts.push(`stride=${two(p.strideH, p.strideW)}`);
  if (p.dilH !== 1 || p.dilW !== 1) parts.push(`dil=${two(p.dilH, p.dilW)}`);
  if (p.groups !== 1) parts.push(`groups=${p.groups}`);
  if (p.layout !== "NCHW") parts.push(`layout=${p.layout}`);
  if (p.precision !== "f32") parts.push(`precision=${p.precision}`);
  return parts.join(",");
}

/** Buffer-size limits a problem must fit; the WebGPU spec's defaults unless a device says more. */
export interface BufferLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

/** Why a problem is impossible (empty), or too big for a device; empty when it is fine. */
export function problemErrors(p: ConvProblem, limits?: BufferLimits): { part: string; message: string }[] {
  const errors: { part: string; message: string }[] = [];
  const positive: [string, number][] = [
    ["N", p.n],
    ["C", p.c],
    ["H", p.h],
    ["W", p.w],
    ["K", p.k],
    ["R", p.r],
    ["S", p.s],
    ["stride", Math.min(p.strideH, p.strideW)],
    ["dil", Math.min(p.dilH, p.dilW)],
    ["groups", p.groups],
  ];
  for (const [name, value] of positive) {
    if (!Number.isInteger(value) || value < 1)
      errors.push({ part: name, message: `${name} must be at least 1, got ${value}` });
  }
  if (errors.length) return errors;
  if (p.c % p.groups || p.k % p.groups) {
    errors.push({
      part: "groups",
      message: `C=${p.c} and K=${p.k} must both be divisible by groups=${p.groups}`,
    });
  }
  const { p: oh, q: ow } = outputSize(p);
  if (oh < 1 || ow < 1) {
    errors.push({
      part: "filter",
      message: `the output is empty (${oh}x${ow}): a ${p.r}x${p.s} filter (dilation ${p.dilH}x${p.dilW}) does not fit a ${p.h}x${p.w} image with pad ${p.padH}x${p.padW}`,
    });
  }
  if (limits && !errors.length) {
    const largest = Math.max(...Object.values(tensorElements(p))) * elementBytes(p);
    const cap = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
    if (largest > cap) {
      errors.push({
        part: "size",
        message: `a ${largest}-byte tensor exceeds this device's ${cap}-byte buffer limit`,
      });
    }
  }
  return errors;
}
