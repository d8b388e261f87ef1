/**
 * The yardsticks every model result is shown beside: the training set's most frequent config, and the
 * config of the nearest training problem on log2-scaled problem fields (same family, same direction
 * and precision flags included in the distance).
 */
import { type Feature, logVector } from "./features";
import type { Example } from "./tokenizer";

/** What the baselines remember of a training set, per family; small enough to save beside a model. */
export interface BaselineTable {
  families: Record<string, { mostFrequent: number[]; points: number[][]; values: number[][] }>;
}

export function buildBaselines(train: readonly Example[]): BaselineTable {
  const families: BaselineTable["families"] = {};
  const counts = new Map<string, Map<string, number>>();
  for (const example of train) {
    const family = families[example.family] ?? { mostFrequent: [], points: [], values: [] };
    families[example.family] = family;
    family.points.push(logVector(example.features).map((x) => Math.round(x * 1e4) / 1e4));
    family.values.push(example.values);
    const tally = counts.get(example.family) ?? new Map<string, number>();
    counts.set(example.family, tally);
    const key = example.values.join(",");
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  for (const [id, tally] of counts) {
    // Ties go to the smaller key so the baseline does not depend on row order.
    const [best] = [...tally].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    (families[id] as BaselineTable["families"][string]).mostFrequent = (best?.[0] ?? "")
      .split(",")
      .map(Number);
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
  const entry = table.families[family];
  if (!entry) return undefined;
  const query = logVector(features);
  let best = -1;
  let bestDistance = Infinity;
  entry.points.forEach((point, i) => {
    let d = 0;
    for (let j = 0; j < query.length; j++) d += ((point[j] ?? 0) - (query[j] ?? 0)) ** 2;
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  });
  return entry.values[best];
}
