import { rng, shuffled } from "../random";

/**
 * Splits items by group (e.g. one convolution shape, whatever its direction), seeded, so that no group
 * has items on both sides: the held part scores the model on problems it never saw.
 */
export function splitByGroup<T>(
  items: readonly T[],
  groupOf: (item: T) => string,
  heldFraction: number,
  seed: number,
): { kept: T[]; held: T[] } {
  if (!(heldFraction >= 0 && heldFraction < 1))
    throw new Error(`held fraction must be in [0, 1), got ${heldFraction}`);
  const groups = [...new Set(items.map(groupOf))].sort();
  const order = shuffled(rng(seed), groups);
  const held = new Set(order.slice(0, Math.round(groups.length * heldFraction)));
  const split = { kept: [] as T[], held: [] as T[] };
  for (const item of items) (held.has(groupOf(item)) ? split.held : split.kept).push(item);
  return split;
}

/** The share of groups held out for scoring by default, and the share of the rest kept for validation. */
export const HOLDOUT_FRACTION = 0.2;
const VALIDATION_FRACTION = 0.1;

/**
 * Training, validation (early stopping) and held-out parts, split by group: `holdoutFraction` of the
 * groups held out (0 when the model is scored elsewhere), then a tenth of the rest for validation.
 */
export function splitForTraining<T>(
  items: readonly T[],
  groupOf: (item: T) => string,
  seed: number,
  holdoutFraction = HOLDOUT_FRACTION,
): { train: T[]; validation: T[]; holdout: T[] } {
  const { kept, held } = splitByGroup(items, groupOf, holdoutFraction, seed);
  const { kept: train, held: validation } = splitByGroup(kept, groupOf, VALIDATION_FRACTION, seed + 1);
  return { train, validation, holdout: held };
}

/** The fewest problems (groups) that split into a training and a validation part beside the held-out one. */
export function fewestProblems(holdoutFraction = HOLDOUT_FRACTION): number {
  for (let n = 1; ; n++) {
    const split = splitForTraining([...Array(n).keys()], String, 0, holdoutFraction);
    if (split.train.length && split.validation.length) return n;
  }
}

/**
 * A seeded share (0, 1] of the groups, each kept whole (all its items or none): at least one group,
 * the first `round(share x groups)` of one seeded order, so a smaller share's groups are all in a
 * larger one's (same items and seed).
 */
export function keepShareOfGroups<T>(
  items: readonly T[],
  groupOf: (item: T) => string,
  share: number,
  seed: number,
): T[] {
  if (!(share > 0 && share <= 1)) throw new Error(`share must be in (0, 1], got ${share}`);
  const groups = [...new Set(items.map(groupOf))].sort();
  const count = Math.max(1, Math.round(groups.length * share));
  const kept = new Set(shuffled(rng(seed), groups).slice(0, count));
  return items.filter((item) => kept.has(groupOf(item)));
}
