import { existsSync } from "node:fs";
import { join } from "node:path";
import { rankInFamily } from "../../core/corpora/index";
import { modelDeviceOf } from "../../core/dataset/device";
import type { TuningRecord } from "../../core/dataset/record";
import type { LearnedModel } from "../../core/learn/artifacts";
import {
  type CostRanker,
  costRankers,
  DEFAULT_COST_SEEDS,
  trainCostRankers,
} from "../../core/learn/cost-model";
import { formatProblem, parseProblem } from "../../core/problem";
import {
  type CurveTask,
  costRanking,
  curveStrategies,
  curveTask,
  heldOutSplit,
  REACH_LEVELS,
  type StrategyCurve,
  tuningCostCurves,
} from "../../core/search/curve";
import { fuseRankings } from "../../core/search/model-guided";
import { recordedTasks } from "../../core/search/recording";
import type { Config } from "../../core/space/space";
import { CliError, type Command, type CommandContext, optionalInt, requireString } from "../command";
import { familyArg } from "../problem-args";
import { HOLDOUT_JSONL } from "./corpus-file";
import { BACKEND_OPTION, loadModelDir, startNodeBackend } from "./model-node";
import { streamRecordFile } from "./store";

const percent = (level: number) => `${Math.round(level * 100)}%`;
const count = (n: number | null) => (n === null ? "never" : String(Math.round(n * 10) / 10));

/** The records of the --data files that pass the --family and --problems filters. */
async function readData(ctx: CommandContext): Promise<{ files: string[]; records: TuningRecord[] }> {
  const files = requireString(ctx, "data")
    .split(",")
    .map((f) => f.trim())
    .filter(Boolean);
  const families =
    typeof ctx.values.family === "string"
      ? ctx.values.family.split(",").map((f) => familyArg(f.trim()).id)
      : null;
  const problems =
    typeof ctx.values.problems === "string"
      ? ctx.values.problems.split(";").map((p) => {
          try {
            return formatProblem(parseProblem(p.trim()));
          } catch (error) {
            throw new CliError(`--problems: ${(error as Error).message}`);
          }
        })
      : null;
  const records: TuningRecord[] = [];
  for (const file of files) {
    if (!existsSync(file)) throw new CliError(`--data ${file} does not exist`);
    let read = 0;
    for await (const r of streamRecordFile(file)) {
      read++;
      if (families && !families.includes(r.family)) continue;
      if (problems && !problems.includes(formatProblem(r.problem.fields))) continue;
      records.push(r);
    }
    if (!read) throw new CliError(`--data ${file}: no records in it`);
  }
  if (!records.length) throw new CliError("no records left after --family and --problems");
  return { files, records };
}

/** The problems of a model's held-out file that --data has records of. */
async function heldOutProblems(modelDir: string | null, recorded: readonly { problem: string }[]) {
  if (!modelDir) throw new CliError("--held-out needs --model: the held-out problems are the model's");
  const file = join(modelDir, HOLDOUT_JSONL);
  if (!existsSync(file))
    throw new CliError(
      `--held-out: ${file} does not exist (a model trained with --holdout 0 holds none out)`,
    );
  const held = new Set<string>();
  for await (const r of streamRecordFile(file)) held.add(r.problem.text);
  if (!recorded.some((t) => held.has(t.problem)))
    throw new CliError(`--held-out: --data has no records of the ${held.size} problems ${file} holds`);
  return held;
}

/**
 * The cost-model strategy's rankers, a family each: with --cost-model, trained here on every recorded
 * time of the pool (the problems the model trained on); else the model's own, saved when it trained.
 */
async function costRankersFor(
  ctx: CommandContext,
  learned: LearnedModel | undefined,
  pool: readonly CurveTask[],
  heldOut: ReadonlySet<string> | null,
): Promise<Map<string, CostRanker> | null> {
  if (ctx.values["cost-model"] !== true)
    return learned?.metadata.costModels?.length ? costRankers(learned.metadata.costModels) : null;
  if (!heldOut)
    throw new CliError("--cost-model needs --held-out: it learns from the problems the model trained on");
  const computeUnits = optionalInt(ctx, "compute-units", 1);
  await startNodeBackend(ctx.values.backend);
  const seeds = optionalInt(ctx, "cost-seeds", 1) ?? DEFAULT_COST_SEEDS;
  return trainCostRankers(
    pool,
    { seeds, ...(computeUnits ? { computeUnits } : {}) },
    (saved, seed, seconds) =>
      ctx.progress(
        `cost model of ${saved.family} (seed ${seed}): ${saved.examples} recorded times, final loss ${saved.loss.toFixed(4)}, ${seconds} s (features and training)`,
      ),
  );
}

function table(curves: StrategyCurve[], max: number): string {
  const width = Math.max(...curves.map((c) => c.name.length));
  const head = `${"strategy".padEnd(width)}  ${REACH_LEVELS.map((l) => `to ${percent(l)}`.padStart(7)).join(" ")}  what it tries`;
  return [
    head,
    ...curves.map(
      (c) =>
        `${c.name.padEnd(width)}  ${c.reach.map((n) => (n === null ? `>${max}` : count(n)).padStart(7)).join(" ")}  ${c.about}`,
    ),
  ].join("\n");
}

export const curveCommand: Command = {
  name: "curve",
  summary:
    "Replay tuning cost on exhaustive records, no GPU: how many measurements each strategy needs to find the best kernel.",
  usage:
    "curve --data FILE[,FILE] [--model DIR [--held-out] [--cost-model [--compute-units N] [--cost-seeds N]] [--beam-first]] [--family F[,F]] [--problems P;P] [--seeds N] [--max N] [--beam K] [--backend B]",
  options: {
    data: {
      type: "string",
      value: "FILE[,FILE]",
      description:
        "records where every valid config of each problem and family was measured (.jsonl or .jsonl.gz)",
    },
    model: {
      type: "string",
      value: "DIR[,DIR]",
      description:
        "a model trained on records (folder written by `train`): adds the model-guided strategy; several (DIR,DIR) rank by their rankings fused (reciprocal rank), and --held-out replays the first one's held-out problems",
    },
    "held-out": {
      type: "boolean",
      description:
        "with --model: replay only the problems the model was never trained on (its holdout.jsonl); transfer draws on the others",
    },
    "cost-model": {
      type: "boolean",
      description:
        "with --held-out: the cost-model strategy's network trained here on every recorded time of the problems the model trained on (a model trained with cost models has its own, used without this), which ranks each held-out problem's whole space",
    },
    "compute-units": {
      type: "string",
      value: "N",
      description:
        "with --cost-model: the recorded GPU's compute units (SMs, CUs; WebGPU does not say), so the cost model reads how full the last wave of workgroups is",
    },
    "cost-seeds": {
      type: "string",
      value: "N",
      description:
        "with --cost-model: train N cost models a family (seeds 1..N) and rank by their mean predicted cost (default 3)",
    },
    "beam-first": {
      type: "boolean",
      description:
        "with --model and cost models: model+cost starts from the beam's first config and takes its picks ahead of the cost model's where they tie (by default the cost model's lead)",
    },
    family: { type: "string", value: "F[,F]", description: "only these kernel families" },
    problems: {
      type: "string",
      value: "P;P",
      description: "only these problems (text form, separated by ;)",
    },
    seeds: {
      type: "string",
      value: "N",
      description: "seeds 1..N for the strategies that draw at random; their curves are medians over seeds",
      default: "5",
    },
    max: {
      type: "string",
      value: "N",
      description: "most measurements a problem (default: every recorded config, an exhaustive budget)",
    },
    beam: {
      type: "string",
      value: "K",
      description: "configs the model ranks, and the nearest problem's fastest configs transfer tries, first",
      default: "8",
    },
    ...BACKEND_OPTION,
  },
  async run(ctx) {
    const seeds = optionalInt(ctx, "seeds") ?? 5;
    const max = optionalInt(ctx, "max");
    const width = optionalInt(ctx, "beam") ?? 8;
    for (const option of ["compute-units", "cost-seeds"])
      if (ctx.values[option] !== undefined && ctx.values["cost-model"] !== true)
        throw new CliError(`--${option} goes with --cost-model`);
    const modelDirs = typeof ctx.values.model === "string" ? ctx.values.model.split(",") : [];
    if (ctx.values["beam-first"] === true && !modelDirs.length)
      throw new CliError("--beam-first goes with --model: it orders the model's and the cost model's picks");
    const modelDir = modelDirs[0] ?? null;
    const { files, records } = await readData(ctx);
    const recorded = recordedTasks(records).map(curveTask);
    const heldOut = ctx.values["held-out"] === true ? await heldOutProblems(modelDir, recorded) : null;
    // Held out: the model's unseen problems are replayed; transfer draws on the problems it trained on.
    const { replayed: tasks, pool: transferPool } = heldOutSplit(recorded, heldOut);
    for (const task of tasks)
      if (!task.recorded.some((o) => o.status === "ok"))
        throw new CliError(`${task.problem} (${task.family}): no record has a time; nothing to compare with`);

    const learned: LearnedModel[] = [];
    if (modelDirs.length) await startNodeBackend(ctx.values.backend);
    for (const dir of modelDirs) {
      const model = await loadModelDir(dir);
      learned.push(model);
      if (model.metadata.source.kind !== "tunelab")
        throw new CliError(`--model ${dir}: a model of MIOpen data cannot rank this lab's kernels`);
    }
    const unranked = new Map<string, string>();
    async function rankOnce(model: LearnedModel, task: (typeof tasks)[number]) {
      try {
        const query = { problem: parseProblem(task.problem), device: modelDeviceOf(task.device) };
        return await rankInFamily(model, query, task.family, width);
      } catch (error) {
        // A family or values the model never learned: it proposes nothing, so it draws at random there.
        unranked.set(`${task.problem} ${task.family}`, (error as Error).message);
        return [];
      }
    }
    // The ranking is the same on every seed: one beam search a task and model; several models' fused.
    const ranked = new Map<(typeof tasks)[number], Promise<Config[]>>();
    const rank = learned.length
      ? (task: (typeof tasks)[number]) => {
          const known =
            ranked.get(task) ??
            Promise.all(learned.map((m) => rankOnce(m, task))).then((lists) =>
              lists.length === 1 ? (lists[0] ?? []) : fuseRankings(lists, width),
            );
          ranked.set(task, known);
          return known;
        }
      : undefined;
    const rankers = await costRankersFor(ctx, learned[0], transferPool, heldOut);
    const costRank = rankers ? costRanking(rankers) : undefined;
    const models = learned.length > 1 ? `, ${learned.length} models' rankings fused` : "";
    ctx.progress(
      `replaying ${tasks.length} problems, ${seeds} seeds${learned.length ? models : ", no model"}`,
    );
    let curves: StrategyCurve[];
    try {
      curves = await tuningCostCurves(
        tasks,
        curveStrategies(transferPool, width, rank, costRank, {
          beamFirst: ctx.values["beam-first"] === true,
        }),
        {
          seeds: Array.from({ length: seeds }, (_, i) => i + 1),
          ...(max ? { max } : {}),
        },
      );
    } finally {
      for (const m of learned) m.model.dispose();
    }
    const budget = max ?? Math.max(...tasks.map((t) => t.recorded.length));
    const noModel = learned.length ? null : "no --model: the model-guided strategy is left out";
    const byFamily = new Map<string, number>();
    for (const t of tasks) byFamily.set(t.family, (byFamily.get(t.family) ?? 0) + 1);
    const families = [...byFamily].map(([f, n]) => `${f} ${n}`).join(", ");
    const unrecorded = curves.filter((c) => c.unrecorded > 0);

    // The reading a student takes away: the first strategy (the most informed) against random.
    const first = curves[0];
    const random = curves.find((c) => c.name === "random");
    const reading =
      first && random
        ? `${first.name} needed ${count(first.reach[1] ?? null)} measurements to reach 95% of the best, random needed ${count(random.reach[1] ?? null)} (medians over problems).`
        : "";
    const perProblem = tasks.map((t, i) => {
      const cells = curves.map((c) =>
        count(c.problems[i]?.reach[1] ?? null).padStart(Math.max(6, c.name.length)),
      );
      return `${`${t.problem} ${t.family}`.padEnd(46)} ${String(t.recorded.length).padStart(5)} ${cells.join(" ")}`;
    });
    const text = [
      `Tuning cost on ${tasks.length} recorded problem${tasks.length === 1 ? "" : "s"} (${families}), medians of ${seeds} seeds, budget up to ${budget} measurements:`,
      table(curves, budget),
      reading,
      ...(noModel ? [noModel] : []),
      ...(heldOut
        ? [
            `held out: the ${tasks.length} problems the model never trained on; transfer draws on the ${transferPool.length} it trained on`,
          ]
        : []),
      ...tasks.flatMap((t) => [
        ...(t.recorded.length < t.valid
          ? [
              `${t.problem} ${t.family}: ${t.recorded.length} of its ${t.valid} valid configs recorded, not exhaustive; its candidates and best are the recorded ones`,
            ]
          : []),
        ...(t.candidates < t.recorded.length
          ? [
              `${t.problem} ${t.family}: ${t.recorded.length - t.candidates} recorded configs break the family's rules today and are no candidates`,
            ]
          : []),
        ...(t.repeated
          ? [`${t.problem} ${t.family}: ${t.repeated} configs recorded twice; the later record counts`]
          : []),
      ]),
      ...[...unranked].map(
        ([task, why]) => `model-guided proposed nothing on ${task} (${why}); it draws at random there`,
      ),
      ...unrecorded.map(
        (c) =>
          `${c.name} proposed ${c.unrecorded} configs the records lack; each counted as a failed measurement`,
      ),
      "",
      `Measurements to 95% of the best, per problem:`,
      `${"problem family".padEnd(46)} ${"configs".padStart(5)} ${curves.map((c) => c.name.padStart(6)).join(" ")}`,
      ...perProblem,
    ].join("\n");
    const result = {
      data: files,
      model: modelDir,
      heldOut: heldOut !== null,
      unranked: Object.fromEntries(unranked),
      note: noModel,
      seeds,
      max: max ?? null,
      beam: width,
      levels: REACH_LEVELS,
      problems: tasks.map((t) => ({
        problem: t.problem,
        family: t.family,
        configs: t.recorded.length,
        valid: t.valid,
        candidates: t.candidates,
        repeated: t.repeated,
      })),
      strategies: curves.map((c) => ({
        name: c.name,
        about: c.about,
        measurementsTo90: c.reach[0],
        measurementsTo95: c.reach[1],
        unrecorded: c.unrecorded,
        perProblem: c.problems.map((p) => ({
          problem: p.problem,
          family: p.family,
          bestNs: p.bestNs,
          measurementsTo90: p.reach[0],
          measurementsTo95: p.reach[1],
        })),
        curve: c.median.map((f) => Math.round(f * 1e4) / 1e4),
      })),
    };
    return { result, text };
  },
};
