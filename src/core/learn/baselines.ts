/**
 * The yardsticks every model result is shown beside: the training set's most frequent config, and the
 * config of the nearest training problem on log2-scaled problem fields (same family, same direction
 * and precision flags included in the distance).
 */
import type { BeamCandidate } from "./beam";
import { type Feature, logVector } from "./features";
import { valueMatches } from "./metrics";

/** One training answer as the baselines see it: a problem's features and the answer's values. */
export interface BaselineEntry {
  /** The table's key: a family, or one key for every family where the family is part of the answer. */
  family: string;
  features: readonly Feature[];
  values: number[];
}

/** What the baselines remember of a training set, per family; small enough to save beside a model. */
export interface BaselineTable {
  families: Record<string, { mostFrequent: number[]; points: number[][]; values: number[][] }>;
}

/** The table of these training answers, added to an earlier table's (a model that keeps learning) where given. */
export function buildBaselines(
  train: readonly BaselineEntry[],
  onto: BaselineTable = { families: {} },
): BaselineTable {
  const families: BaselineTable["families"] = Object.fromEntries(
    Object.entries(onto.families).map(([id, f]) => [
      id,
      { ...f, points: [...f.points], values: [...f.values] },
    ]),
  );
  for (const example of train) {
    const family = families[example.family] ?? { mostFrequent: [], points: [], values: [] };
    families[example.family] = family;
    family.points.push(logVector(example.features).map((x) => Math.round(x * 1e4) / 1e4));
    family.values.push(example.values);
  }
  for (const family of Object.values(families)) {
    const tally = new Map<string, number>();
    for (const values of family.values) {
      const key = values.join(",");
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
    // Ties go to the smaller key so the baseline does not depend on row order.
    const [best] = [...tally].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    family.mostFrequent = (best?.[0] ?? "").split(",").map(Number);
  }
  return { families };
}

export function mostFrequentGuess(table: BaselineTable, family: string): number[] | undefined {
  return table.families[family]?.mostFrequent;
}

export function nearestNeighbourGuess(
  table: BaselineTable,
  family: string,
  features: readonly Feature[],
): number[] | undefined {
  return nearestNeighbours(table, family, features, 1)[0];
}

/** Configs of the `count` training problems nearest to this one, nearest first (ties keep table order). */
export function nearestNeighbours(
  table: BaselineTable,
  family: string,
  features: readonly Feature[],
  count: number,
): number[][] {
  const entry = table.families[family];
  if (!entry) return [];
  const query = logVector(features);
  const nearest: { distance: number; index: number }[] = [];
  entry.points.forEach((point, index) => {
    let distance = 0;
    for (let j = 0; j < query.length; j++) distance += ((point[j] ?? 0) - (query[j] ?? 0)) ** 2;
    if (nearest.length === count && distance >= (nearest.at(-1)?.distance ?? Infinity)) return;
    const at = nearest.findIndex((n) => n.distance > distance);
    nearest.splice(at < 0 ? nearest.length : at, 0, { distance, index });
    if (nearest.length > count) nearest.pop();
  });
  return nearest.map((n) => entry.values[n.index] as number[]);
}

/**
 * The model's beam re-ranked by its problem's nearest training neighbours: each candidate's
 * log-probability gains `weight` times its mean per-value agreement with the `count` nearest
 * neighbours' configs. Only beam candidates are re-ordered, so the answer stays the constrained
 * search's (always valid); the neighbours just break the model's near-ties.
 */
export interface NeighbourBlend {
  count: number;
  weight: number;
}

export function blendWithNeighbours<C extends BeamCandidate>(
  candidates: readonly C[],
  neighbours: readonly (readonly number[])[],
  blend: NeighbourBlend,
  /** A candidate as the neighbours' tables hold answers (its values, or its family's index first). */
  sequenceOf: (candidate: C) => readonly number[] = (c) => c.values,
): C[] {
  const used = neighbours.slice(0, blend.count);
  if (!used.length || blend.weight === 0) return [...candidates];
  const agreement = (values: readonly number[]) =>
    used.reduce((sum, n) => sum + valueMatches(n, values), 0) / used.length;
  return candidates
    .map((c) => ({ candidate: c, score: c.logProb + blend.weight * agreement(sequenceOf(c)) }))
    .sort((a, b) => b.score - a.score)
    .map((c) => c.candidate);
}
