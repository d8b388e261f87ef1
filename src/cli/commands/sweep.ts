import { rankingFor } from "../../core/corpora/index";
import { modelDeviceOf } from "../../core/corpora/records";
import type { TuningRecord } from "../../core/dataset/record";
import type { BestEntry } from "../../core/dataset/summary";
import { FAMILIES } from "../../core/families/index";
import type { LearnedModel } from "../../core/learn/artifacts";
import { formatProblem, parseProblem } from "../../core/problem";
import { modelGuidedByFamily } from "../../core/search/model-guided";
import { STRATEGIES, type StrategyName } from "../../core/search/strategies";
import { ordered } from "../../core/search/strategy";
import type { EngineReport } from "../../gpu/runner";
import {
  runSweep,
  type SweepOptions,
  type SweepOutcome,
  type SweepRequest,
  SweepRequestError,
} from "../../gpu/sweep";
import { CliError, type Command, type CommandContext, optionalInt } from "../command";
import { withWriterLock } from "../files";
import { createMeasuringPool } from "../measure-pool";
import { nodeSession } from "../node-gpu";
import {
  familyArg,
  PROBLEM_OPTIONS,
  parseConfigArg,
  problemsFromArgs,
  requireSupported,
} from "../problem-args";
import { loadModelDir, startNodeBackend } from "./model-node";
import { appendRecords, devicePeaks, STORE_OPTION, storePath, streamRecordFile } from "./store";

/** The problems of --problem or --suite, in text form. */
export const selectedProblems = (ctx: CommandContext): string[] =>
  problemsFromArgs(ctx).map((p) => formatProblem(p.problem));

/**
 * Runs a sweep with its records appended to `out` one by one (resuming from what `out` holds), with
 * progress on stderr; Ctrl-C stops after the candidate in flight, leaving the file whole.
 */
export async function sweepToFile(
  ctx: CommandContext,
  request: SweepRequest,
  out: string,
  store: string,
  strategyFor?: SweepOptions["strategyFor"],
  { engine, workers }: Measuring = { workers: 1 },
): Promise<SweepOutcome> {
  const problems = request.problems.map((text) => parseProblem(text));
  const families = request.families === "all" ? FAMILIES : request.families.map(familyArg);
  requireSupported(problems, families);
  // One writer per file: a second sweep into the same --out would duplicate candidates.
  return withWriterLock(out, async () => {
    // A sweep reads only its own problems' records (its key, baselines and starting points): a large
    // store streams past rather than being held.
    const swept = new Set(request.problems);
    const existing: TuningRecord[] = [];
    for await (const r of streamRecordFile(out)) if (swept.has(r.problem.text)) existing.push(r);
    if (existing.length)
      ctx.progress(`resuming: ${existing.length} records of these problems already in ${out}`);
    const session = await nodeSession();
    const controller = new AbortController();
    const interrupt = () => {
      ctx.progress("stopping after the candidate in flight...");
      controller.abort();
    };
    process.once("SIGINT", interrupt);
    let outcome: SweepOutcome;
    try {
      const peaks = await devicePeaks(session, store);
      outcome = await runSweep(
        session,
        request,
        { add: async (record: TuningRecord) => appendRecords(out, [record]) },
        {
          existing,
          peaks,
          signal: controller.signal,
          engine: {
            ...engine,
            onDriftCheck: (c) => {
              if (!c.drifted) return;
              const how = c.restored ? "restored" : "not restored";
              ctx.progress(
                `drift: ${c.problem}: the reference config ran at ${c.ratio.toFixed(2)}x its first time; ${how} by warming up, ${c.retimed} candidates re-timed`,
              );
            },
          },
          ...(strategyFor ? { strategyFor } : {}),
          ...(workers > 1
            ? { createEngine: (...args) => createMeasuringPool(session, workers, ...args) }
            : {}),
          onProgress: (p) => {
            const r = p.record;
            const time = r.medianNs === null ? r.status : `${(r.medianNs / 1e3).toFixed(1)} us`;
            const eta = p.etaMs === null ? "" : `  eta ${(p.etaMs / 1000).toFixed(0)} s`;
            ctx.progress(`[${p.done}/${p.total}] ${p.problem} ${p.family} ${time}${eta}`);
          },
        },
      );
      if (outcome.candidates === 0 && outcome.stopped !== "aborted") {
        // Say why, device rules included (a missing feature), before the device goes.
        requireSupported(problems, families, (await session.device()).limits);
        throw new CliError(
          "nothing to run: no family given has a valid config for these problems on this device (see space --limits device)",
        );
      }
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError((error as Error).message, error instanceof SweepRequestError ? 2 : 1);
    } finally {
      process.off("SIGINT", interrupt);
      session.destroy();
    }
    return outcome;
  });
}

const STRATEGY_NAMES = [...Object.keys(STRATEGIES), "model-guided"];

/**
 * The model-guided strategies of a sweep: the model (trained on records) ranks each problem's configs
 * across families on the live device, and each family measures its share of the top `width`.
 */
function modelGuidedStrategies(
  ctx: CommandContext,
  learned: LearnedModel,
  width: number,
): NonNullable<SweepOptions["strategyFor"]> {
  let byFamily: ReturnType<typeof modelGuidedByFamily> | undefined;
  return (problem, family, device) => {
    byFamily ??= modelGuidedByFamily(
      rankingFor(learned, { device: modelDeviceOf(device) }, width, {
        onNoAnswer: (p, message) =>
          ctx.progress(`${formatProblem(p)}: the model has no valid config (${message})`),
        costModels: ctx.values["no-cost-model"] !== true,
      }),
    );
    return byFamily(problem, family.id);
  };
}

/**
 * --configs: the given configs of one family, in order (an invalid one is recorded as invalid); the
 * request's budget becomes their count.
 */
function listedStrategy(ctx: CommandContext, request: SweepRequest): SweepOptions["strategyFor"] {
  const text = ctx.values.configs;
  if (typeof text !== "string") return undefined;
  if (request.families === "all" || request.families.length !== 1)
    throw new CliError("--configs needs one --family");
  if (request.strategy === "model-guided") throw new CliError("--configs replaces the strategy");
  const configs = text.split(";").map((c) => parseConfigArg(c));
  request.budget = { candidates: configs.length };
  const strategy = ordered(() => ({ candidates: configs, total: configs.length }));
  return () => strategy;
}

export function bestLine(b: BestEntry): string {
  const speed = b.speedup === null ? "" : `  ${b.speedup.toFixed(2)}x tfjs`;
  const peak = b.peakFraction === null ? "" : ` (${(100 * b.peakFraction).toFixed(1)}% of peak)`;
  const config = Object.entries(b.config)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  return `${b.problem}  ${b.family} ${config}  ${(b.medianNs / 1e3).toFixed(1)} us  ${(b.gflops ?? 0).toFixed(2)} GFLOP/s${peak}${speed}`;
}

/** How fast the sweep measured and what its drift checks saw, in one line. */
export function engineLine({ throughput: t, drift: d }: EngineReport): string {
  const rate = t.perSecond === null ? "" : ` (${t.perSecond.toFixed(1)}/s)`;
  const workers = t.workers > 1 ? ` by ${t.workers} workers` : "";
  const drifted = d.drifted
    ? `, ${d.drifted} drifted (${d.retimed} re-timed, ${d.unresolved} not restored)`
    : "";
  return `measured ${t.candidates} candidates in ${t.seconds.toFixed(1)} s${rate}${workers}; ${d.checks} drift checks${drifted}, largest standing deviation ${(100 * d.maxDeviation).toFixed(1)}% (threshold ${(100 * d.threshold).toFixed(0)}%)`;
}

function summaryText(s: SweepOutcome, out: string): string {
  const failed = Object.entries(s.failed)
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
  return [
    `${s.problems} problems, ${s.candidates} candidates, ${s.timed} timed${failed ? `, failed: ${failed}` : ""} -> ${out}`,
    engineLine(s),
    ...s.best.map(bestLine),
  ].join("\n");
}

/** How a sweep measures: the engine's options, and how many processes measure at once. */
interface Measuring {
  engine?: SweepOptions["engine"];
  workers: number;
}

/** Measuring workers at most: each holds a device and a share of the CPU. */
const MAX_WORKERS = 32;

/** --keep-warm, --sentinel, --compile-ahead and --workers: how the engine guards and paces its measurements. */
function measuringOptions(ctx: CommandContext): Measuring {
  const warm = String(ctx.values["keep-warm"]);
  if (!["auto", "on", "off"].includes(warm))
    throw new CliError(`--keep-warm must be auto, on or off, got '${warm}'`);
  const sentinel = String(ctx.values.sentinel);
  const every = sentinel === "off" ? null : optionalInt(ctx, "sentinel");
  const threshold = Number(ctx.values["drift-threshold"]);
  if (!(threshold > 0 && threshold < 1))
    throw new CliError(
      `--drift-threshold must be a fraction in (0, 1), got '${ctx.values["drift-threshold"]}'`,
    );
  const ahead = optionalInt(ctx, "compile-ahead", 0);
  const workers = optionalInt(ctx, "workers", 1) ?? 1;
  if (workers > MAX_WORKERS) throw new CliError(`--workers must be 1 to ${MAX_WORKERS}, got ${workers}`);
  return {
    engine: {
      ...(warm === "auto" ? {} : { keepWarm: warm === "on" }),
      sentinel: every === null ? false : { every, threshold },
      ...(ahead === undefined ? {} : { compileAhead: ahead }),
    },
    workers,
  };
}

export const sweepCommand: Command = {
  name: "sweep",
  summary: "Verify and time kernel candidates on problems with a search strategy; resumable (JSONL records).",
  usage:
    "sweep (--problem P | --suite S [--batch N] [--layout L]) --family F|all (--strategy exhaustive|random|local|annealing|model-guided [--model DIR] [--beam K] [--no-cost-model] [--budget N] [--seed S] | --configs C;C) [--out FILE.jsonl]",
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
      description: STRATEGY_NAMES.join(" or "),
      default: "exhaustive",
    },
    model: {
      type: "string",
      value: "DIR",
      description: "model-guided: a model folder written by `train --data FILE.jsonl`",
    },
    beam: {
      type: "string",
      value: "K",
      description: "model-guided: beam width, the configs measured per problem",
      default: "8",
    },
    "no-cost-model": {
      type: "boolean",
      description:
        "model-guided: measure the beam's picks alone (by default each family's share is fused with the model's cost model of it, where it carries one)",
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
    "keep-warm": {
      type: "string",
      value: "W",
      description:
        "keep the GPU busy between timed candidates so its clock stays up: auto (not on CPU adapters), on or off",
      default: "auto",
    },
    sentinel: {
      type: "string",
      value: "N",
      description:
        "re-time the problem's reference config every N candidates, re-timing them on drift; off to skip",
      default: "10",
    },
    "drift-threshold": {
      type: "string",
      value: "F",
      description: "the reference's deviation (a fraction) that counts as drift",
      default: "0.05",
    },
    "compile-ahead": {
      type: "string",
      value: "N",
      description: "candidates compiled in parallel ahead of the one measured (default 8, 0 on CPU adapters)",
    },
    workers: {
      type: "string",
      value: "N",
      description:
        "measure in N processes, each compiling and checking its share on a device of its own while their timed work takes turns on the GPU; fixed orders (exhaustive, random) keep N in flight",
      default: "1",
    },
    configs: {
      type: "string",
      value: "C;C",
      description:
        "measure exactly these configs of one --family (BM=64,BN=32,...;BM=128,...) instead of a strategy",
    },
    ...STORE_OPTION,
  },
  async run(ctx) {
    const problems = selectedProblems(ctx);
    const strategy = String(ctx.values.strategy);
    if (!STRATEGY_NAMES.includes(strategy)) {
      throw new CliError(`--strategy must be ${STRATEGY_NAMES.join(" or ")}, got '${strategy}'`);
    }
    const guided = strategy === "model-guided";
    if (guided !== (typeof ctx.values.model === "string"))
      throw new CliError("--model goes with --strategy model-guided, and it needs one");
    if (!guided && ctx.values["no-cost-model"] === true)
      throw new CliError("--no-cost-model goes with --strategy model-guided");
    const width = optionalInt(ctx, "beam") ?? 8;
    const baseline = String(ctx.values.baseline);
    if (baseline !== "tfjs" && baseline !== "none")
      throw new CliError(`--baseline must be tfjs or none, got '${baseline}'`);
    const family = String(ctx.values.family);
    const budget = optionalInt(ctx, "budget");
    const store = storePath(ctx);
    const out = typeof ctx.values.out === "string" ? ctx.values.out : store;
    const request: SweepRequest = {
      problems,
      families: family === "all" ? "all" : family.split(",").map((id) => familyArg(id.trim()).id),
      strategy: strategy as StrategyName | "model-guided",
      // A model-guided search measures at most the beam's width per problem.
      budget: budget === undefined ? (guided ? { candidates: width } : undefined) : { candidates: budget },
      seed: optionalInt(ctx, "seed", 0) ?? 0,
      baseline: baseline === "tfjs",
    };
    let learned: LearnedModel | undefined;
    if (guided) {
      await startNodeBackend();
      const dir = String(ctx.values.model);
      learned = await loadModelDir(dir);
      const known = learned.tokenizer.families;
      if (!FAMILIES.some((f) => known.includes(f.id))) {
        learned.model.dispose();
        throw new CliError(
          `${dir} knows ${known.join(", ")}, none of this lab's kernel families: model-guided sweeps need a model trained on records`,
        );
      }
      const costed = (learned.metadata.costModels ?? []).map((c) => c.family);
      if (costed.length && ctx.values["no-cost-model"] !== true)
        ctx.progress(
          `model-guided: each family's share of the beam's top ${width} fused with the model's cost model of it (${[...new Set(costed)].join(", ")})`,
        );
    }
    const listed = listedStrategy(ctx, request);
    const outcome = await sweepToFile(
      ctx,
      request,
      out,
      store,
      learned ? modelGuidedStrategies(ctx, learned, width) : listed,
      measuringOptions(ctx),
    ).finally(() => learned?.model.dispose());
    const {
      problems: n,
      candidates,
      timed,
      failed,
      best,
      geomeanSpeedup,
      stopped,
      throughput,
      drift,
    } = outcome;
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
      throughput,
      drift,
      out,
    };
    return { result, text: summaryText(outcome, out) };
  },
};
