import type { TuningRecord } from "../../core/dataset/record";
import type { BestEntry, SweepSummary } from "../../core/dataset/summary";
import { formatProblem, parseProblem } from "../../core/problem";
import { STRATEGIES, type StrategyName } from "../../core/search/strategies";
import { suiteLayers } from "../../core/suites";
import { GpuSession } from "../../gpu/session";
import { runSweep, type SweepOutcome, type SweepRequest } from "../../gpu/sweep";
import { CliError, type Command, type CommandContext, type OptionSpec, optionalInt } from "../command";
import { nodeGpu } from "../node-gpu";
import { appendRecords, devicePeaks, readRecordFile, STORE_OPTION, storePath } from "./store";

export const PROBLEM_OPTIONS: Record<string, OptionSpec> = {
  problem: { type: "string", value: "P", description: "one problem, e.g. 1x64x56x56,64x3x3,pad=1" },
  suite: {
    type: "string",
    value: "S",
    description: "every distinct layer of a network (resnet50, vgg16, ...)",
  },
  batch: { type: "string", value: "N", description: "batch size of the suite's layers", default: "1" },
};

/** The problems of --problem or --suite (exactly one of them), in text form. */
export function selectedProblems(ctx: CommandContext): string[] {
  const { problem, suite } = ctx.values;
  if ((problem === undefined) === (suite === undefined))
    throw new CliError("give one of --problem or --suite");
  try {
    if (typeof problem === "string") return [formatProblem(parseProblem(problem))];
    return suiteLayers(String(suite), optionalInt(ctx, "batch") ?? 1).map((l) => formatProblem(l.problem));
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError((error as Error).message);
  }
}

/**
 * Runs a sweep with its records appended to `out` one by one (resuming from what `out` holds), with
 * progress on stderr; Ctrl-C stops after the candidate in flight, leaving the file whole.
 */
export async function sweepToFile(
  ctx: CommandContext,
  request: SweepRequest,
  out: string,
  store: string,
): Promise<SweepOutcome> {
  const existing = readRecordFile(out);
  if (existing.length) ctx.progress(`resuming: ${existing.length} records already in ${out}`);
  const session = new GpuSession(await nodeGpu());
  const controller = new AbortController();
  const interrupt = () => {
    ctx.progress("stopping after the candidate in flight...");
    controller.abort();
  };
  process.once("SIGINT", interrupt);
  try {
    const peaks = await devicePeaks(session, store);
    return await runSweep(
      session,
      request,
      { add: async (record: TuningRecord) => appendRecords(out, [record]) },
      {
        existing,
        peaks,
        signal: controller.signal,
        onProgress: (p) => {
          const r = p.record;
          const time = r.medianNs === null ? r.status : `${(r.medianNs / 1e3).toFixed(1)} us`;
          const eta = p.etaMs === null ? "" : `  eta ${(p.etaMs / 1000).toFixed(0)} s`;
          ctx.progress(`[${p.done}/${p.total}] ${p.problem} ${p.family} ${time}${eta}`);
        },
      },
    );
  } catch (error) {
    throw new CliError((error as Error).message, 1);
  } finally {
    process.off("SIGINT", interrupt);
    session.destroy();
  }
}

export function bestLine(b: BestEntry): string {
  const speed = b.speedup === null ? "" : `  ${b.speedup.toFixed(2)}x tfjs`;
  const peak = b.peakFraction === null ? "" : ` (${(100 * b.peakFraction).toFixed(1)}% of peak)`;
  const config = Object.entries(b.config)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  return `${b.problem}  ${b.family} ${config}  ${(b.medianNs / 1e3).toFixed(1)} us  ${(b.gflops ?? 0).toFixed(2)} GFLOP/s${peak}${speed}`;
}

function summaryText(s: SweepSummary, out: string): string {
  const failed = Object.entries(s.failed)
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
  return [
    `${s.problems} problems, ${s.candidates} candidates, ${s.timed} timed${failed ? `, failed: ${failed}` : ""} -> ${out}`,
    ...s.best.map(bestLine),
  ].join("\n");
}

export const sweepCommand: Command = {
  name: "sweep",
  summary: "Verify and time kernel candidates on problems with a search strategy; resumable (JSONL records).",
  usage:
    "sweep (--problem P | --suite S [--batch N]) --family F|all --strategy exhaustive|random [--budget N] [--seed S] [--out FILE.jsonl]",
  options: {
    ...PROBLEM_OPTIONS,
    family: {
      type: "string",
      value: "F",
      description: "kernel family id, comma-separated ids, or all",
      default: "all",
    },
    strategy: {
      type: "string",
      value: "NAME",
      description: Object.keys(STRATEGIES).join(" or "),
      default: "exhaustive",
    },
    budget: { type: "string", value: "N", description: "most candidates per problem and family" },
    seed: { type: "string", value: "S", description: "seed of the random strategy", default: "0" },
    baseline: {
      type: "string",
      value: "B",
      description: "tfjs (time tfjs's conv2d per problem) or none",
      default: "tfjs",
    },
    out: {
      type: "string",
      value: "FILE",
      description: "records file; an existing one is resumed (default: the store)",
    },
    ...STORE_OPTION,
  },
  async run(ctx) {
    const problems = selectedProblems(ctx);
    const strategy = String(ctx.values.strategy);
    if (!(strategy in STRATEGIES)) {
      throw new CliError(`--strategy must be ${Object.keys(STRATEGIES).join(" or ")}, got '${strategy}'`);
    }
    const baseline = String(ctx.values.baseline);
    if (baseline !== "tfjs" && baseline !== "none")
      throw new CliError(`--baseline must be tfjs or none, got '${baseline}'`);
    const family = String(ctx.values.family);
    const budget = optionalInt(ctx, "budget");
    const store = storePath(ctx);
    const out = typeof ctx.values.out === "string" ? ctx.values.out : store;
    const request: SweepRequest = {
      problems,
      families: family === "all" ? "all" : family.split(","),
      strategy: strategy as StrategyName,
      budget: budget === undefined ? undefined : { candidates: budget },
      seed: optionalInt(ctx, "seed", 0) ?? 0,
      baseline: baseline === "tfjs",
    };
    const outcome = await sweepToFile(ctx, request, out, store);
    const { problems: n, candidates, timed, failed, best, geomeanSpeedup, stopped } = outcome;
    const result = {
      problems: n,
      candidates,
      timed,
      failed,
      best: best.map(({ problem, family, config, medianNs, gflops, peakFraction, baselineNs, speedup }) => ({
        problem,
        family,
        config,
        medianNs,
        gflops,
        peakFraction,
        baselineNs,
        speedup,
      })),
      geomeanSpeedup,
      stopped,
      out,
    };
    return { result, text: summaryText(outcome, out) };
  },
};
