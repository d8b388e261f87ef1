/** Command-line forms shared by the commands that take problems, families, configs and limits. */

import { readFileSync } from "node:fs";
import {
  type DeviceFacts,
  type DeviceLimits,
  type KernelFamily,
  limitsOf,
  SPEC_DEFAULT_LIMITS,
} from "../core/families/family";
import { FAMILIES, familyById, familyRefusal } from "../core/families/index";
import { type ConvProblem, formatProblem, parseProblem } from "../core/problem";
import type { Config } from "../core/space/space";
import { SUITES, suiteLayers } from "../core/suites";
import { deviceLimits } from "../gpu/limits";
import { CliError, type CommandContext, type OptionSpec, optionalInt } from "./command";
import { nodeDevice } from "./node-gpu";

export interface NamedProblem {
  /** The layer's name in its suite, or the problem's text form. */
  name: string;
  problem: ConvProblem;
  /** How often the layer occurs in its network (1 for a single --problem). */
  count: number;
}

export const PROBLEM_OPTIONS: Record<string, OptionSpec> = {
  problem: {
    type: "string",
    value: "P",
    description: "a problem, e.g. 1x64x56x56,64x3x3,pad=1[,stride=2][,layout=NHWC]; several separated by ;",
  },
  suite: {
    type: "string",
    value: "S",
    description: `a network's distinct layers: ${SUITES.map((s) => s.id).join(", ")}`,
  },
  batch: { type: "string", value: "N", description: "batch size for --suite", default: "1" },
  layout: { type: "string", value: "L", description: "NCHW (default) or NHWC for --suite's layers" },
  precision: { type: "string", value: "T", description: "f32 (default) or f16 for --suite's layers" },
};

export const FAMILY_OPTION: Record<string, OptionSpec> = {
  family: {
    type: "string",
    value: "F",
    description: `a kernel family (${FAMILIES.map((f) => f.id).join(", ")}) or all`,
  },
};

export function parseProblemArg(text: string): ConvProblem {
  try {
    return parseProblem(text);
  } catch (error) {
    throw new CliError(`--problem: ${(error as Error).message}`);
  }
}

/** The problems named by --problem or --suite (with --batch); exactly one of the two. */
export function problemsFromArgs(ctx: CommandContext): NamedProblem[] {
  const text = ctx.values.problem;
  const suite = ctx.values.suite;
  if (typeof text === "string" && typeof suite === "string")
    throw new CliError("give --problem or --suite, not both");
  if (typeof text === "string") {
    for (const option of ["layout", "precision"])
      if (ctx.values[option] !== undefined)
        throw new CliError(
          `--${option} is for --suite; a --problem says its ${option} itself (layout=NHWC,precision=f16)`,
        );
    return text.split(";").map((one) => {
      const problem = parseProblemArg(one.trim());
      return { name: formatProblem(problem), problem, count: 1 };
    });
  }
  if (typeof suite !== "string") throw new CliError("missing --problem or --suite (see --help)");
  const batch = optionalInt(ctx, "batch") ?? 1;
  const layout = ctx.values.layout ?? "NCHW";
  if (layout !== "NCHW" && layout !== "NHWC")
    throw new CliError(`--layout must be NCHW or NHWC, got '${layout}'`);
  const precision = ctx.values.precision ?? "f32";
  if (precision !== "f32" && precision !== "f16")
    throw new CliError(`--precision must be f32 or f16, got '${precision}'`);
  try {
    return suiteLayers(suite, batch).map((l) => ({ ...l, problem: { ...l.problem, layout, precision } }));
  } catch (error) {
    throw new CliError(`--suite: ${(error as Error).message}`);
  }
}

/** One family, or every family for "all". */
export function familiesFromArg(ctx: CommandContext, allowAll = true): KernelFamily[] {
  const value = ctx.values.family;
  if (typeof value !== "string" || value === "") throw new CliError("missing --family (see --help)");
  if (value === "all") {
    if (!allowAll) throw new CliError("--family: name one family here, not all");
    return [...FAMILIES];
  }
  return [familyArg(value)];
}

/** The family with this id, or bad input naming the known ones. */
export function familyArg(id: string): KernelFamily {
  try {
    return familyById(id);
  } catch (error) {
    throw new CliError(`--family: ${(error as Error).message}`);
  }
}

/**
 * Fails as bad input when no family runs any of the problems, saying why each does not: the problems
 * alone, or (given a device's limits) on that device too.
 */
export function requireSupported(
  problems: readonly ConvProblem[],
  families: readonly KernelFamily[],
  limits?: DeviceLimits,
): void {
  const why = (f: KernelFamily, p: ConvProblem) => (limits ? familyRefusal(f, p, limits) : f.unsupported(p));
  if (problems.some((p) => families.some((f) => why(f, p) === null))) return;
  const reasons = new Set(problems.flatMap((p) => families.map((f) => `${f.id}: ${why(f, p)}`)));
  const where = limits ? " on this device" : "";
  throw new CliError(
    `nothing to run: no family given runs these problems${where} (${[...reasons].join("; ")})`,
  );
}

/** "BM=64,BN=64,..." into a config; values must be whole numbers. */
export function parseConfigArg(text: string): Config {
  const config: Config = {};
  for (const part of text.split(",").map((s) => s.trim())) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(-?\d+)$/.exec(part);
    if (!m) throw new CliError(`--config: expected name=value pairs separated by commas, got '${part}'`);
    const [, name = "", value = ""] = m;
    // Names every object has (__proto__, constructor) cannot be parameters, and would not be stored as one.
    if (name in Object.prototype) throw new CliError(`--config: '${name}' is not a parameter name`);
    if (Object.hasOwn(config, name)) throw new CliError(`--config: ${name} given twice`);
    config[name] = Number(value);
  }
  return config;
}

export const LIMITS_OPTION: Record<string, OptionSpec> = {
  limits: {
    type: "string",
    value: "L",
    description:
      "judge configs against 'spec' (WebGPU's default limits), 'device' (the adapter Dawn finds), or a recorded device: a devices --json file or a records file",
    default: "spec",
  },
};

/** The limits named by --limits; `device` asks Dawn (loaded lazily so 'spec' needs no GPU). */
export async function limitsFromArg(ctx: CommandContext): Promise<DeviceLimits> {
  const value = String(ctx.values.limits ?? "spec");
  if (value === "spec") return SPEC_DEFAULT_LIMITS;
  if (value === "device") return withDevice(async (_device, limits) => limits);
  return recordedDeviceLimits(value);
}

/**
 * The limits of a device recorded in a file: the output of `devices --json` (its adapter), or a
 * records file's first record (its device), so another machine's spaces can be read anywhere.
 */
function recordedDeviceLimits(path: string): DeviceLimits {
  let parsed: unknown;
  try {
    const text = readFileSync(path, "utf8");
    // A JSON document, or JSON Lines whose first line is a record.
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = JSON.parse(text.slice(0, text.indexOf("\n")));
    }
  } catch (error) {
    throw new CliError(
      `--limits: expected spec, device, or a device file (devices --json, or records); ${path}: ${(error as Error).message}`,
    );
  }
  const found = parsed as { adapter?: DeviceFacts; device?: DeviceFacts; limits?: unknown };
  const facts = found.adapter ?? found.device ?? (found.limits ? (found as DeviceFacts) : undefined);
  if (!facts) throw new CliError(`--limits: ${path} describes no device (no adapter, device or limits)`);
  try {
    return limitsOf(facts, path);
  } catch (error) {
    throw new CliError(`--limits: ${(error as Error).message}`);
  }
}

/** Runs `work` with a Dawn device and its limits, and destroys the device afterwards. */
export async function withDevice<T>(
  work: (device: GPUDevice, limits: DeviceLimits) => Promise<T>,
): Promise<T> {
  const acquired = await nodeDevice();
  try {
    return await work(acquired.device, deviceLimits(acquired.adapter));
  } finally {
    acquired.device.destroy();
  }
}
