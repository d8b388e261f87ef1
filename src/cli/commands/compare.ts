import type { Command } from "../command";
import { CliError, optionalInt } from "../command";
import { PROBLEM_OPTIONS } from "../problem-args";
import { STORE_OPTION, storePath } from "./store";
import { selectedProblems, sweepToFile } from "./sweep";

export const compareCommand: Command = {
  name: "compare",
  summary:
    "Tune each problem and time tfjs's conv2d beside it: best tuned time, tfjs time, speedup, geometric mean.",
  usage: "compare (--problem P | --suite S [--batch N]) --baseline tfjs [--budget N] [--seed S]",
  options: {
    ...PROBLEM_OPTIONS,
    baseline: { type: "string", value: "B", description: "the peer library (tfjs)", default: "tfjs" },
    budget: {
      type: "string",
      value: "N",
      description: "random candidates per problem and family (default: all)",
    },
    seed: { type: "string", value: "S", description: "seed of the random search", default: "0" },
    ...STORE_OPTION,
  },
  async run(ctx) {
    const problems = selectedProblems(ctx);
    if (ctx.values.baseline !== "tfjs")
      throw new CliError(`--baseline must be tfjs, got '${ctx.values.baseline}'`);
    const budget = optionalInt(ctx, "budget");
    const store = storePath(ctx);
    const outcome = await sweepToFile(
      ctx,
      {
        problems,
        families: "all",
        strategy: budget === undefined ? "exhaustive" : "random",
        budget: budget === undefined ? undefined : { candidates: budget },
        seed: optionalInt(ctx, "seed", 0) ?? 0,
        baseline: true,
      },
      store,
      store,
    );
    const byProblem = new Map(outcome.best.map((b) => [b.problem, b]));
    const rows = problems.map((text) => {
      const best = byProblem.get(text);
      return {
        problem: text,
        family: best?.family ?? null,
        config: best?.config ?? null,
        tunedNs: best?.medianNs ?? null,
        tfjsNs: best?.baselineNs ?? null,
        speedup: best?.speedup ?? null,
      };
    });
    const fmt = (ns: number | null) => (ns === null ? "-" : `${(ns / 1e3).toFixed(1)} us`);
    const text = [
      ...rows.map(
        (r) =>
          `${r.problem}  tuned ${fmt(r.tunedNs)} (${r.family ?? "none"})  tfjs ${fmt(r.tfjsNs)}  ${r.speedup === null ? "-" : `${r.speedup.toFixed(2)}x`}`,
      ),
      `geometric-mean speedup over tfjs: ${outcome.geomeanSpeedup === null ? "-" : `${outcome.geomeanSpeedup.toFixed(2)}x`} (${rows.filter((r) => r.speedup !== null).length} of ${rows.length} problems)`,
    ].join("\n");
    return {
      result: { problems: rows, geomeanSpeedup: outcome.geomeanSpeedup, stopped: outcome.stopped },
      text,
    };
  },
};
