/** Small helpers shared by the families' WGSL generators. */
import { type ConvProblem, formatProblem, outputSize } from "../problem";
import { type Config, type Rule, rule, type TuningSpace } from "../space/space";
import type { DeviceLimits } from "./family";

/**
 * Fills `{{NAME}}` placeholders of a WGSL template. A placeholder without a value, or a value no
 * placeholder takes, is a bug in the generator: both throw.
 */
export function fillTemplate(template: string, fills: Record<string, string>): string {
  const used = new Set<string>();
  const text = template.replace(/\{\{([A-Z_0-9]+)\}\}/g, (_, name: string) => {
    const value = fills[name];
    if (value === undefined) throw new Error(`template placeholder {{${name}}} has no value`);
    used.add(name);
    return value;
  });
  const unused = Object.keys(fills).filter((name) => !used.has(name));
  if (unused.length) throw new Error(`template has no placeholder for ${unused.join(", ")}`);
  return text;
}

/** `const NAME: u32 = 12u;` lines (`i32` for names in `signed`). */
export function wgslConstants(values: Record<string, number>, signed: readonly string[] = []): string {
  return Object.entries(values)
    .map(([name, v]) => {
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff)
        throw new Error(`constant ${name}=${v} is not a u32`);
      return signed.includes(name) ? `const ${name}: i32 = ${v}i;` : `const ${name}: u32 = ${v}u;`;
    })
    .join("\n");
}

/** The problem's numbers as the names every template uses (baked into the shader as constants). */
export function problemConstants(p: ConvProblem): Record<string, number> {
  const { p: P, q: Q } = outputSize(p);
  return {
    N: p.n,
    C: p.c,
    H: p.h,
    W: p.w,
    K: p.k,
    R: p.r,
    S: p.s,
    P,
    Q,
    PAD_H: p.padH,
    PAD_W: p.padW,
    STRIDE_H: p.strideH,
    STRIDE_W: p.strideW,
    DIL_H: p.dilH,
    DIL_W: p.dilW,
    GROUPS: p.groups,
    CG: p.c / p.groups,
    KG: p.k / p.groups,
  };
}

/** Names everything that changes a family's code: the family, the problem (baked in) and the config. */
export function shaderKey(family: string, problem: ConvProblem, space: TuningSpace, config: Config): string {
  return `${family}|${formatProblem(problem)}|${space.params.map((p) => `${p.name}=${config[p.name]}`).join(",")}`;
}

/** Reads a parameter of a config the space has already validated. */
export function param(config: Config, name: string): number {
  const v = config[name];
  if (v === undefined) throw new Error(`config has no value for ${name}`);
  return v;
}

export const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);

/** Workgroups for `invocations` invocations of `wg` each, spread over x and y within the per-dimension limit. */
export function spreadDispatch(
  invocations: number,
  wg: number,
  limits: DeviceLimits,
): [number, number, number] {
  const groups = ceilDiv(invocations, wg);
  const x = Math.min(groups, limits.maxComputeWorkgroupsPerDimension);
  return [x, ceilDiv(groups, x), 1];
}
export const roundUp = (a: number, b: number): number => Math.ceil(a / b) * b;
export const pow2Range = (from: number, to: number): number[] => {
  const out: number[] = [];
  for (let v = from; v <= to; v *= 2) out.push(v);
  return out;
};

/** The WGSL scalar a problem's tensors are stored in: f16 problems keep f16 in memory and add in f32. */
export type StorageScalar = "f32" | "f16";

export const storageScalar = (p: ConvProblem): StorageScalar => p.precision;

/** A load or store's WGSL type: the scalar, or a vec4 of it. */
export const storageType = (scalar: StorageScalar, width: number): string =>
  width === 4 ? `vec4<${scalar}>` : scalar;

/** The directives a shader that touches f16 memory starts with (an empty line for f32). */
export const enablesFor = (scalar: StorageScalar): string => (scalar === "f16" ? "enable f16;" : "");

/**
 * A rule refusing every config of an f16 problem on a device without `shader-f16`; judged before any
 * parameter is decoded, so the space is empty and says why.
 */
export function halfPrecisionRule(p: ConvProblem, limits: DeviceLimits): Rule[] {
  if (p.precision !== "f16") return [];
  return [
    rule("shader-f16", [], () =>
      limits.shaderF16
        ? null
        : "f16 problems need the device's shader-f16 feature, which it does not offer (most browsers offer it where the GPU has f16; the CLI on NVIDIA's Vulkan driver needs --unsafe-features)",
    ),
  ];
}

/** Why an f16 problem cannot run on an f32-only family, else null. */
export function f32Only(p: ConvProblem): string | null {
  return p.precision === "f32" ? null : "f32 problems only";
}

/**
 * The conjunction of the conditions that apply ("true" when none). Uses `&`, not `&&`: no
 * short-circuit branches, which GPUs do not want and which SwiftShader's compiler chokes on.
 */
export function allOf(conditions: (string | false)[]): string {
  const kept = conditions.filter((c): c is string => Boolean(c));
  if (kept.length === 1) return kept[0] as string;
  return kept.length ? kept.map((c) => `(${c})`).join(" & ") : "true";
}
