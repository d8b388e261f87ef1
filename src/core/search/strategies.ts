/** The built-in strategies. Each is a `Strategy`; pick one by name with `strategyByName`. */

import { configKey } from "../dataset/record";
import { rng, shuffled } from "../random";
import { type Config, enumerate, sampleConfig, type TuningSpace } from "../space/space";
import { ordered, type Strategy } from "./strategy";

/** Every valid config in domain order. */
export const exhaustive: Strategy = ordered((space) => {
  const all = [...enumerate(space)];
  return { candidates: all, total: all.length };
});

/** Spaces up to this size are shuffled whole (uniform); larger ones are sampled step by step. */
const SHUFFLE_LIMIT = 200_000;

/**
 * Valid configs in a seeded random order without repeats: the same seed gives the same order. Needs a
 * budget on spaces too large to shuffle whole (it then samples until the budget is spent).
 */
export const random: Strategy = (space, runner, options = {}) => {
  const random = rng(options.seed ?? 0);
  const all: Config[] = [];
  for (const config of enumerate(space)) {
    all.push(config);
    if (all.length > SHUFFLE_LIMIT) break;
  }
  if (all.length <= SHUFFLE_LIMIT)
    return ordered(() => ({ candidates: shuffled(random, all), total: all.length }))(space, runner, options);
  const budget = options.budget?.candidates;
  if (budget === undefined)
    throw new Error(`random search over more than ${SHUFFLE_LIMIT} configs needs a candidate budget`);
  return ordered(() => ({ candidates: samples(space, random, budget), total: budget }))(
    space,
    runner,
    options,
  );
};

function* samples(space: TuningSpace, random: () => number, count: number): Generator<Config> {
  const seen = new Set<string>();
  // Stop after many repeats in a row: the space is (nearly) covered.
  for (let misses = 0; seen.size < count && misses < 1000; ) {
    const config = sampleConfig(space, random);
    if (!config) return;
    const key = configKey(config);
    if (seen.has(key)) {
      misses++;
      continue;
    }
    misses = 0;
    seen.add(key);
    yield config;
  }
}

export const STRATEGIES = { exhaustive, random } as const satisfies Record<string, Strategy>;
export type StrategyName = keyof typeof STRATEGIES;

export function strategyByName(name: string): Strategy {
  const strategy = STRATEGIES[name as StrategyName];
  if (!strategy) throw new Error(`unknown strategy '${name}' (${Object.keys(STRATEGIES).join(", ")})`);
  return strategy;
}
