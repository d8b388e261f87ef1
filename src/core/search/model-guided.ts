/**
 * The model-guided strategy: a trained model's constrained beam search ranks configs, and only its
 * top-K are measured, best first. The ranking runs once per problem across every family (the family
 * is the first token the model decodes); each (problem, family) search then measures that family's
 * share of the top-K, so a whole problem costs at most K measurements.
 */

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
