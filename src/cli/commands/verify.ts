import { familyRefusal } from "../../core/families/index";
import { formatProblem } from "../../core/problem";
import { rng, shuffled } from "../../core/random";
import { type Config, enumerate } from "../../core/space/space";
import { KernelCache } from "../../gpu/kernel";
import { verifyConfig } from "../../gpu/verify";
import { CliError, type Command, optionalInt } from "../command";
import {
  FAMILY_OPTION,
  familiesFromArg,
  PROBLEM_OPTIONS,
  problemsFromArgs,
  requireSupported,
  withDevice,
} from "../problem-args";

interface Failure {
  problem: string;
  family: string;
  config: Config;
  kind: string;
  message: string;
  seed: number;
}

export const verifyCommand: Command = {
  name: "verify",
  summary: "Run valid configs of kernel families on the GPU and compare each with the CPU reference.",
  usage: "verify (--problem P | --suite S [--batch N]) --family F|all [--sample N] [--seed S] [--json]",
  options: {
    ...PROBLEM_OPTIONS,
    ...FAMILY_OPTION,
    sample: {
      type: "string",
      value: "N",
      description: "random valid configs per family and problem (default: all)",
    },
    seed: {
      type: "string",
      value: "S",
      description: "seed of the config choice and the random tensors",
      default: "1",
    },
  },
  async run(ctx) {
    const problems = problemsFromArgs(ctx);
    const families = familiesFromArg(ctx);
    requireSupported(
      problems.map((p) => p.problem),
      families,
    );
    const sample = optionalInt(ctx, "sample");
    const seed = optionalInt(ctx, "seed", 0) ?? 1;
    const start = performance.now();
    const failures: Failure[] = [];
    const skipped: { problem: string; family: string; reason: string }[] = [];
    let checked = 0;
    let check = 0;
    await withDevice(async (device, limits) => {
      requireSupported(
        problems.map((p) => p.problem),
        families,
        limits,
      );
      const cache = new KernelCache(device);
      for (const { name, problem } of problems) {
        for (const family of families) {
          const text = formatProblem(problem);
          const reason = familyRefusal(family, problem, limits);
          const all = reason ? [] : [...enumerate(family.space(problem, limits))];
          if (reason || all.length === 0) {
            skipped.push({
              problem: text,
              family: family.id,
              reason: reason ?? "no valid config on this device",
            });
            continue;
          }
          const configs = sample === undefined ? all : shuffled(rng(seed + check), all).slice(0, sample);
          let bad = 0;
          for (const config of configs) {
            const checkSeed = (seed * 7919 + check++) >>> 0;
            const result = await verifyConfig(cache, family, problem, config, limits, { seed: checkSeed });
            checked++;
            if (!result.ok) {
              bad++;
              failures.push({
                problem: text,
                family: family.id,
                config,
                kind: result.kind,
                message: result.message,
                seed: checkSeed,
              });
            }
          }
          ctx.progress(
            `${name.padEnd(24)} ${family.id.padEnd(7)} ${configs.length - bad}/${configs.length} ok`,
          );
          cache.clear();
        }
      }
    });
    if (checked === 0) {
      const reasons = skipped.map((s) => `${s.family} ${s.problem}: ${s.reason}`);
      throw new CliError(`no kernel to check (${reasons.join("; ")})`);
    }
    const mismatches = failures.filter((f) => f.kind === "mismatch" || f.kind === "unwritten").length;
    const seconds = (performance.now() - start) / 1000;
    const text = [
      `checked ${checked} kernels in ${seconds.toFixed(1)} s: ${mismatches} wrong results, ${failures.length} failures in all`,
      ...failures.map(
        (f) => `  ${f.family} ${f.problem} ${JSON.stringify(f.config)}: ${f.kind}: ${f.message}`,
      ),
      ...skipped.map((s) => `  skipped ${s.family} ${s.problem}: ${s.reason}`),
    ].join("\n");
    return {
      result: { checked, mismatches, failures, skipped, seconds },
      text,
      exitCode: failures.length ? 1 : 0,
    };
  },
};
