/** The kernel families, and planning one config with its rules checked. */
import type { ConvProblem } from "../problem";
import { type Config, checkConfig, spaceRefusal, type Violation } from "../space/space";
import { directFamily } from "./direct";
import type { DeviceLimits, KernelFamily, KernelPlan } from "./family";
import { igemmFamily } from "./igemm";
import { im2colFamily } from "./im2col";
import { mmaFamily } from "./mma";
import { splitkFamily } from "./splitk";

export const FAMILIES: readonly KernelFamily[] = [
  directFamily,
  igemmFamily,
  splitkFamily,
  im2colFamily,
  mmaFamily,
];

/** The family with this id, or an error naming the known ones. */
export function familyById(id: string): KernelFamily {
  const family = FAMILIES.find((f) => f.id === id);
  if (!family) throw new Error(`unknown family '${id}' (${FAMILIES.map((f) => f.id).join(", ")})`);
  return family;
}

/**
 * Why a family can run no config of a problem on a device: the family's own refusal, or a device rule
 * (one judged before any parameter, like a missing feature) that fails. Null when configs may be valid.
 */
export function familyRefusal(
  family: KernelFamily,
  problem: ConvProblem,
  limits: DeviceLimits,
): string | null {
  return family.unsupported(problem) ?? spaceRefusal(family.space(problem, limits));
}

export type PlanResult = { ok: true; plan: KernelPlan } | { ok: false; violations: Violation[] };

/** The plan of one config, or the rules it breaks (including the family not supporting the problem). */
export function planConfig(
  family: KernelFamily,
  problem: ConvProblem,
  config: Config,
  limits: DeviceLimits,
): PlanResult {
  const unsupported = family.unsupported(problem);
  if (unsupported) return { ok: false, violations: [{ rule: "unsupported", message: unsupported }] };
  const violations = checkConfig(family.space(problem, limits), config);
  if (violations.length) return { ok: false, violations };
  return { ok: true, plan: family.plan(problem, config, limits) };
}
