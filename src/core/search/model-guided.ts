/**
 * The model-guided strategy: a trained model's constrained beam search ranks configs, and only its
 * top-K are measured, best first. The ranking runs once per problem across every family (the family
 * is the first token the model decodes); each (problem, family) search then measures that family's
 * share of the top-K, so a whole problem costs at most K measurements.
 */

import { configKey } from "../dataset/record";
import type { ConvProblem } from "../problem";
import { formatProblem } from "../problem";
import type { Config, TuningSpace } from "../space/space";
import { measureInOrder, type Strategy } from "./strategy";

/** Measures the configs `rank` gives for the space it is handed (which carries the device's limits), in order. */
export function modelGuided(rank: (space: TuningSpace) => Promise<readonly Config[]>): Strategy {
  return async (space, runner, options = {}) => {
    const ranked = await rank(space);
    return measureInOrder(ranked, ranked.length, runner, options);
  };
}

export interface RankedConfig {
  family: string;
  config: Config;
}

/** A problem's top-K configs across families, best first (empty when the model has no valid answer). */
export type ProblemRanking = (problem: ConvProblem) => Promise<readonly RankedConfig[]>;

/** One model-guided strategy per (problem, family), sharing one ranking per problem. */
export function modelGuidedByFamily(
  rankProblem: ProblemRanking,
): (problem: ConvProblem, family: string) => Strategy {
  const rankings = new Map<string, Promise<readonly RankedConfig[]>>();
  return (problem, family) =>
    modelGuided(async () => {
      const key = formatProblem(problem);
      let ranking = rankings.get(key);
      if (!ranking) {
        ranking = rankProblem(problem);
        rankings.set(key, ranking);
      }
      return (await ranking).filter((r) => r.family === family).map((r) => r.config);
    });
}

/** Reciprocal rank fusion's constant: large enough that a config several rankings hold outranks one ranking's first. */
const FUSION_K = 60;

/**
 * Several models' rankings as one (reciprocal rank fusion): each config scores the sum of 1/(k + rank)
 * over the rankings that hold it, so configs several models agree on lead and one model's outlier
 * does not; ties keep the first ranking's order. The `width` best.
 */
export function fuseRankings(rankings: readonly (readonly Config[])[], width: number): Config[] {
  const scored = new Map<string, { config: Config; score: number; first: number }>();
  for (const [r, ranking] of rankings.entries())
    for (const [rank, config] of ranking.entries()) {
      const key = configKey(config);
      const entry = scored.get(key) ?? { config, score: 0, first: r * 1e6 + rank };
      entry.score += 1 / (FUSION_K + rank + 1);
      scored.set(key, entry);
    }
  return [...scored.values()]
    .sort((a, b) => b.score - a.score || a.first - b.first)
    .slice(0, width)
    .map((e) => e.config);
}

/**
 * `fuseRankings`, but the first ranking's first config leads whatever the others hold: where only
 * one ranking's first pick is the more often near the best (the cost model's, against the beam's
 * shared picks: docs/MODEL.md), agreement should not demote it.
 */
export function fuseLedBy(rankings: readonly (readonly Config[])[], width: number): Config[] {
  const lead = rankings[0]?.[0];
  if (!lead) return fuseRankings(rankings, width);
  const leadKey = configKey(lead);
  const rest = fuseRankings(rankings, width + 1).filter((config) => configKey(config) !== leadKey);
  return [lead, ...rest].slice(0, width);
}

/**
 * The beam's ranking with each family's share fused with that family's cost model (`curve`'s
 * model+cost, whose first five held a config within 95% of the best on more held-out layers than the
 * beam's alone: docs/MODEL.md). The beam still decides how many of the top K each family gets; within
 * a family the cost model's cheapest config leads (it is the more often near the best), then the cost
 * model's and the beam's picks are taken in turn, those on both first (`fuseLedBy`). A family with no
 * cost model (`cheapest` gives null) keeps the beam's picks.
 */
export function withCostPicks(
  ranked: readonly RankedConfig[],
  cheapest: (family: string, count: number) => readonly Config[] | null,
): RankedConfig[] {
  const fused = new Map<string, Config[]>();
  for (const family of new Set(ranked.map((r) => r.family))) {
    const beam = ranked.filter((r) => r.family === family).map((r) => r.config);
    const picks = cheapest(family, beam.length);
    fused.set(family, picks ? fuseLedBy([picks, beam], beam.length) : beam);
  }
  // Each family's slots stay where the beam put them.
  const taken = new Map<string, number>();
  return ranked.map(({ family, config }) => {
    const slot = taken.get(family) ?? 0;
    taken.set(family, slot + 1);
    return { family, config: fused.get(family)?.[slot] ?? config };
  });
}
