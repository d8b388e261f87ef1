/** The built-in strategies. Each is a `Strategy`; pick one by name with `strategyByName`. */

import { configKey } from "../dataset/record";
import { rng, shuffled } from "../random";
import {
  type Config,
  checkConfig,
  enumerate,
  sampleConfig,
  spaceSize,
  type TuningSpace,
} from "../space/space";
import { isBetter, measureInOrder, type Outcome, ordered, type Strategy } from "./strategy";

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

/**
 * Best-first local search: the valid `starts` and a few seeded random configs, then, again and again, the untried valid
 * neighbours of the fastest config measured so far (one parameter moved one step along its values),
 * in random order; random configs again when every measured config's neighbourhood is spent. Good
 * kernels cluster in tuning spaces (tile shapes that suit the problem, vector loads where allowed),
 * so a budget goes further here than spread uniformly.
 */
export const local: Strategy = (space, runner, options = {}) => {
  const random = rng(options.seed ?? 0);
  const total = spaceSize(space);
  const budget = options.budget?.candidates;
  // Configs measured before climbing: the given starts, topped up with random ones.
  const openers = Math.max(4, Math.ceil((budget ?? total) / 4));
  const measured = new Map<string, Outcome>();
  const expanded = new Set<string>();

  const neighbours = (config: Config): Config[] => {
    const out: Config[] = [];
    for (const param of space.params) {
      const at = param.values.indexOf(config[param.name] as number);
      for (const step of [-1, 1]) {
        const value = param.values[at + step];
        if (value === undefined) continue;
        const next = { ...config, [param.name]: value };
        if (!measured.has(configKey(next)) && checkConfig(space, next).length === 0) out.push(next);
      }
    }
    const order = shuffled(random, out);
    runner.prefetch?.(order);
    return order;
  };
  const fastestUnexpanded = (): Outcome | null => {
    let best: Outcome | null = null;
    for (const [key, outcome] of measured) if (!expanded.has(key) && isBetter(outcome, best)) best = outcome;
    return best;
  };

  function* candidates(): Generator<Config> {
    const seen = new Set<string>();
    const fresh = (config: Config) => {
      const key = configKey(config);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    };
    const given = (options.starts ?? []).filter((c) => checkConfig(space, c).length === 0);
    for (const config of given) if (fresh(config)) yield config;
    const randomStarts = Math.max(2, openers - given.length);
    for (const config of samples(space, random, Math.min(randomStarts, total)))
      if (fresh(config)) yield config;
    let misses = 0;
    while (seen.size < total) {
      const centre = fastestUnexpanded();
      if (centre) {
        // Yield one neighbour at a time: a faster one found meanwhile becomes the next centre.
        const next = neighbours(centre.config).find(fresh);
        if (next) yield next;
        else expanded.add(configKey(centre.config));
        continue;
      }
      // Every measured neighbourhood is spent: a random config, or the rest in order once sampling
      // keeps finding seen ones.
      const config = sampleConfig(space, random);
      if (!config) return;
      if (fresh(config)) {
        misses = 0;
        yield config;
      } else if (++misses > 1000) {
        for (const rest of enumerate(space)) if (fresh(rest)) yield rest;
        return;
      }
    }
  }

  return measureInOrder(candidates(), total, runner, {
    ...options,
    onOutcome: (outcome, progress) => {
      measured.set(configKey(outcome.config), outcome);
      options.onOutcome?.(outcome, progress);
    },
  });
};

export const STRATEGIES = { exhaustive, random, local } as const satisfies Record<string, Strategy>;
export type StrategyName = keyof typeof STRATEGIES;

export function strategyByName(name: string): Strategy {
  const strategy = STRATEGIES[name as StrategyName];
  if (!strategy) throw new Error(`unknown strategy '${name}' (${Object.keys(STRATEGIES).join(", ")})`);
  return strategy;
}
