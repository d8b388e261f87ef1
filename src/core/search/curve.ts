/**
 * Tuning cost, replayed on exhaustive recordings: for each problem whose every valid config was
 * measured, each strategy's best-so-far time as a fraction of the recorded best (best / best so far,
 * 1 = found it) after each measurement, and how many measurements it needed to come within 90% and
 * 95% of the best. Failed configs count as measurements with no time, as a real tuner spends them; a
 * config the recording lacks is counted as failed and reported as unrecorded.
 */

import { convFeatures } from "../corpora/conv-features";
import { recordLimits } from "../dataset/device";
import { configKey } from "../dataset/record";
import { familyById } from "../families/index";
import type { CostRanker } from "../learn/cost-model";
import { logVector } from "../learn/features";
import { parseProblem } from "../problem";
import { type Config, checkConfig, enumerate, rule, spaceSize, type TuningSpace } from "../space/space";
import { fuseLedBy, fuseRankings } from "./model-guided";
import type { RecordedTask } from "./recording";
import { outcomesByKey, replayByKey } from "./replay";
import { annealing, firstThenRandom, local, random } from "./strategies";
import type { Outcome, Strategy } from "./strategy";

/** One problem and family with its recording and the family's space: what a strategy may measure. */
export interface CurveTask extends RecordedTask {
  /** The family's space narrowed to the recorded configs. */
  space: TuningSpace;
  /** Valid configs of the family's space; more than recorded when the recording is not exhaustive. */
  valid: number;
  /** Configs of `space`: fewer than recorded when some recorded ones break the family's rules today. */
  candidates: number;
  /** The recorded outcomes by config key, made once: every replay of the task looks configs up in it. */
  byKey: ReadonlyMap<string, Outcome>;
}

/** A strategy as the replay runs it, given the task so it can read other problems (transfer) or a model. */
export interface CurveStrategy {
  name: string;
  /** What it does, in a line. */
  about: string;
  /** Seeded strategies run once per seed, and their curve is the median over seeds. */
  seeded: boolean;
  strategyFor(task: CurveTask): Strategy;
}

/** Fractions of the best whose measurement counts are reported. */
export const REACH_LEVELS = [0.9, 0.95] as const;

export interface ProblemCurve {
  problem: string;
  family: string;
  bestNs: number;
  /** Best / best so far after measurement 1, 2, ... (0 before a time); the median over seeds. */
  fractions: number[];
  /** Measurements to reach each of REACH_LEVELS (median over seeds); null when a run never got there. */
  reach: (number | null)[];
  /** Configs proposed that the recording lacks, over all seeds. */
  unrecorded: number;
}

export interface StrategyCurve {
  name: string;
  about: string;
  problems: ProblemCurve[];
  /** The median over problems of the fraction after each measurement (a finished run keeps its best). */
  median: number[];
  /** The median over problems of the measurements to each of REACH_LEVELS; null when most never got there. */
  reach: (number | null)[];
  unrecorded: number;
}

export interface CurveOptions {
  /** Seeds of the seeded strategies. */
  seeds: readonly number[];
  /** Most measurements a problem (default: every recorded config). */
  max?: number;
}

/** The median, with null read as "never" (above every number); null when the middle is never. */
export function median(values: readonly (number | null)[]): number | null {
  if (!values.length) return null;
  const sorted = values.map((v) => v ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const value =
    sorted.length % 2
      ? (sorted[Math.floor(mid)] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return Number.isFinite(value) ? value : null;
}

/** Best / best so far after each outcome (0 until one has a time). */
export function bestSoFarFractions(outcomes: readonly Outcome[], bestNs: number): number[] {
  let best = Number.POSITIVE_INFINITY;
  return outcomes.map((o) => {
    if (o.status === "ok" && o.medianNs !== null) best = Math.min(best, o.medianNs);
    return Number.isFinite(best) ? bestNs / best : 0;
  });
}

/** The first measurement count whose fraction reaches `level`; null when none does. */
export function measurementsToReach(fractions: readonly number[], level: number): number | null {
  const at = fractions.findIndex((f) => f >= level - 1e-12);
  return at < 0 ? null : at + 1;
}

/** Each column's median over rows; a row shorter than the longest keeps its last value (its run ended). */
function columnMedians(rows: readonly number[][]): number[] {
  const length = Math.max(0, ...rows.map((r) => r.length));
  return Array.from({ length }, (_, i) => median(rows.map((r) => r[Math.min(i, r.length - 1)] ?? 0)) ?? 0);
}

/** Replays one strategy on one task for one seed: the outcomes in measurement order and the unrecorded count. */
async function replayOnce(
  strategy: Strategy,
  task: CurveTask,
  seed: number,
  max: number,
): Promise<{ outcomes: Outcome[]; unrecorded: number }> {
  const result = await strategy(task.space, replayByKey(task.byKey), {
    seed,
    budget: { candidates: max },
  });
  const unrecorded = result.outcomes.filter((o) => !task.byKey.has(configKey(o.config))).length;
  return { outcomes: result.outcomes, unrecorded };
}

/** The recorded best time of a task; null when nothing in it has a time. */
export function recordedBest(task: CurveTask): number | null {
  let best: number | null = null;
  for (const o of task.recorded)
    if (o.status === "ok" && o.medianNs !== null && (best === null || o.medianNs < best)) best = o.medianNs;
  return best;
}

/** Every strategy's curves over the tasks (tasks with no verified config are left out by the caller). */
export async function tuningCostCurves(
  tasks: readonly CurveTask[],
  strategies: readonly CurveStrategy[],
  options: CurveOptions,
): Promise<StrategyCurve[]> {
  const out: StrategyCurve[] = [];
  for (const s of strategies) {
    const problems: ProblemCurve[] = [];
    for (const task of tasks) {
      const bestNs = recordedBest(task);
      if (bestNs === null) throw new Error(`${task.problem} (${task.family}): no recorded config has a time`);
      const max = Math.min(options.max ?? task.recorded.length, task.recorded.length);
      const strategy = s.strategyFor(task);
      const runs = [];
      for (const seed of s.seeded ? options.seeds : [0])
        runs.push(await replayOnce(strategy, task, seed, max));
      const curves = runs.map((r) => bestSoFarFractions(r.outcomes, bestNs));
      problems.push({
        problem: task.problem,
        family: task.family,
        bestNs,
        fractions: columnMedians(curves),
        reach: REACH_LEVELS.map((level) => median(curves.map((c) => measurementsToReach(c, level)))),
        unrecorded: runs.reduce((sum, r) => sum + r.unrecorded, 0),
      });
    }
    out.push({
      name: s.name,
      about: s.about,
      problems,
      median: columnMedians(problems.map((p) => p.fractions)),
      reach: REACH_LEVELS.map((_, i) => median(problems.map((p) => p.reach[i] ?? null))),
      unrecorded: problems.reduce((sum, p) => sum + p.unrecorded, 0),
    });
  }
  return out;
}

/** The rule that keeps a replayed space to its recorded configs. */
const RECORDED_RULE = "recorded";

/**
 * The space a replay searches: the family's space on the recorded device's limits, narrowed to the
 * recorded configs (a recording may not hold every valid config). The narrowing is one rule a
 * position, on prefixes, so walks and samples of the space prune as early as its own rules do.
 */
export function curveTask(task: RecordedTask): CurveTask {
  const family = familyById(task.family).space(parseProblem(task.problem), recordLimits(task.device));
  const names = family.params.map((p) => p.name);
  // The recorded configs as a tree of values, one level a parameter: a prefix is recorded when its path exists.
  type Node = Map<number | undefined, Node>;
  const root: Node = new Map();
  for (const o of task.recorded) {
    let node = root;
    for (const name of names) {
      const value = o.config[name];
      const next: Node = node.get(value) ?? new Map();
      node.set(value, next);
      node = next;
    }
  }
  const recorded = (c: Config, length: number) => {
    let node: Node | undefined = root;
    for (let i = 0; i < length && node; i++) node = node.get(c[names[i] as string]);
    return node !== undefined;
  };
  const rules = names.map((_, i) =>
    rule(RECORDED_RULE, names.slice(0, i + 1), (c) =>
      recorded(c, i + 1) ? null : "the recording has no config like this",
    ),
  );
  const space = { params: family.params, rules: [...family.rules, ...rules] };
  return {
    ...task,
    space,
    valid: spaceSize(family),
    candidates: spaceSize(space),
    byKey: outcomesByKey(task.recorded),
  };
}

/**
 * The tasks to replay and those transfer and most-frequent may draw on. With `heldOut` (problems in
 * text form), only its problems are replayed and only the others are drawn on, as for problems a model
 * never saw (the CLI's `curve --held-out`, the lab's choice of a network); without it, every task is
 * both (a task never draws on its own problem).
 */
export function heldOutSplit<T extends { problem: string }>(
  tasks: readonly T[],
  heldOut: ReadonlySet<string> | null,
): { replayed: T[]; pool: T[] } {
  if (!heldOut) return { replayed: [...tasks], pool: [...tasks] };
  return {
    replayed: tasks.filter((t) => heldOut.has(t.problem)),
    pool: tasks.filter((t) => !heldOut.has(t.problem)),
  };
}

/** The nearest other task of the same family by log-scaled problem features, if any. */
function nearestTask(tasks: readonly CurveTask[], task: CurveTask): CurveTask | null {
  const point = (t: CurveTask) => logVector(convFeatures(parseProblem(t.problem)));
  const here = point(task);
  let nearest: { task: CurveTask; distance: number } | null = null;
  for (const other of tasks) {
    if (other.family !== task.family || other.problem === task.problem) continue;
    const distance = point(other).reduce((sum, x, i) => sum + (x - (here[i] ?? 0)) ** 2, 0);
    if (!nearest || distance < nearest.distance) nearest = { task: other, distance };
  }
  return nearest?.task ?? null;
}

/** The `count` fastest recorded configs of a task, fastest first. */
function fastest(task: CurveTask, count: number): Config[] {
  return task.recorded
    .filter((o) => o.status === "ok" && o.medianNs !== null)
    .sort((a, b) => (a.medianNs as number) - (b.medianNs as number))
    .slice(0, count)
    .map((o) => o.config);
}

/** Each task's fastest config, found once (every task's replay asks for all the others'). */
const fastestOf = new WeakMap<CurveTask, Config | undefined>();
function winner(task: CurveTask): Config | undefined {
  if (!fastestOf.has(task)) fastestOf.set(task, fastest(task, 1)[0]);
  return fastestOf.get(task);
}

/** The configs fastest on the most of `tasks` (one family's), most wins first; ties keep the tasks' order. */
function commonWinners(tasks: readonly CurveTask[]): Config[] {
  const wins = new Map<string, { config: Config; count: number }>();
  for (const task of tasks) {
    const config = winner(task);
    if (!config) continue;
    const key = configKey(config);
    const held = wins.get(key) ?? { config, count: 0 };
    held.count++;
    wins.set(key, held);
  }
  return [...wins.values()].sort((a, b) => b.count - a.count).map((w) => w.config);
}

/** A transfer source's configs that the family's space allows here; one the recording lacks is still tried (and counted), as by the model. */
const validHere = (space: TuningSpace, configs: readonly Config[]) =>
  configs.filter((c) => checkConfig(space, c).every((v) => v.rule === RECORDED_RULE));

/**
 * The cost-model strategy's ranking of a replayed task's whole space, by its family's cost model (none
 * for a family without one), made once a task.
 */
export function costRanking(
  rankers: ReadonlyMap<string, CostRanker>,
): (task: CurveTask, space: TuningSpace) => Promise<Config[]> {
  const ranked = new Map<CurveTask, Config[]>();
  return async (task, space) => {
    const known =
      ranked.get(task) ??
      rankers.get(task.family)?.(parseProblem(task.problem), recordLimits(task.device), [
        ...enumerate(space),
      ]) ??
      [];
    ranked.set(task, known);
    return known;
  };
}

/**
 * The strategies compared: random, local and simulated annealing as they are; transfer (the fastest
 * `width` configs of the nearest other recorded problem that are valid here, then random); most-frequent
 * (the `width` configs that were fastest on the most other recorded problems of the family, valid here,
 * then random: the constant guess a model has to beat); given a model's ranking, model-guided (its
 * top `width`, then random); given a cost model's, cost-model (its `width` cheapest, then random), and
 * with both, model+cost (the two fused, the cost model's first config leading and its picks first on
 * ties, or the beam's with `beamFirst`).
 */
export function curveStrategies(
  tasks: readonly CurveTask[],
  width: number,
  rank?: (task: CurveTask) => Promise<readonly Config[]>,
  costRank?: (task: CurveTask, space: TuningSpace) => Promise<readonly Config[]>,
  { beamFirst = false }: { beamFirst?: boolean } = {},
): CurveStrategy[] {
  const plain = (name: string, about: string, strategy: Strategy): CurveStrategy => ({
    name,
    about,
    seeded: true,
    strategyFor: () => strategy,
  });
  const fusedPicks = [`the cost model's ${width}`, `the model's top ${width}`];
  if (beamFirst) fusedPicks.reverse();
  const fusionLeader = beamFirst ? "the model's" : "the cost model's";
  const frequent = (task: CurveTask, space: TuningSpace) => {
    const others = tasks.filter((t) => t.family === task.family && t.problem !== task.problem);
    return validHere(space, commonWinners(others)).slice(0, width);
  };
  return [
    ...(rank
      ? [
          {
            name: "model-guided",
            about: `the model's top ${width} configs, then random`,
            seeded: true,
            strategyFor: (task: CurveTask) => firstThenRandom(() => rank(task)),
          },
          {
            // The constant guess is hard to beat where one config wins most layers; fused, the model
            // need only add what it knows beyond it. Both lists are kept whole, taken in turn.
            name: "model+frequent",
            about: `the model's top ${width} and most-frequent's ${width} in turn (those on both first), then random`,
            seeded: true,
            strategyFor: (task: CurveTask) =>
              firstThenRandom(async (space) =>
                fuseRankings([await rank(task), frequent(task, space)], 2 * width),
              ),
          },
        ]
      : []),
    ...(costRank
      ? [
          {
            name: "cost-model",
            about: `the cost model's ${width} cheapest predicted configs, then random`,
            seeded: true,
            strategyFor: (task: CurveTask) =>
              firstThenRandom(async (space) => (await costRank(task, space)).slice(0, width)),
          },
        ]
      : []),
    ...(rank && costRank
      ? [
          {
            // Two learners that fail on different layers: the cost model's picks and the beam's, in turn,
            // the cost model's first config leading (its top 1 is the better on every held-out network,
            // docs/MODEL.md).
            name: "model+cost",
            about: `${fusionLeader} first config, then ${fusedPicks.join(" and ")} in turn (those on both first), then random`,
            seeded: true,
            strategyFor: (task: CurveTask) =>
              firstThenRandom(async (space) => {
                const lists = [(await costRank(task, space)).slice(0, width), await rank(task)];
                return fuseLedBy(beamFirst ? lists.reverse() : lists, 2 * width);
              }),
          },
        ]
      : []),
    {
      name: "transfer",
      about: `the nearest recorded problem's fastest ${width} configs, then random`,
      seeded: true,
      strategyFor: (task) => {
        const source = nearestTask(tasks, task);
        return firstThenRandom(async (space) => (source ? validHere(space, fastest(source, width)) : []));
      },
    },
    {
      name: "most-frequent",
      about: `the ${width} configs fastest on the most other recorded problems, then random`,
      seeded: true,
      strategyFor: (task) => firstThenRandom(async (space) => frequent(task, space)),
    },
    plain("annealing", "simulated annealing over neighbouring configs", annealing),
    plain("local", "best-first local search from random starts", local),
    plain("random", "valid configs in random order", random),
  ];
}
