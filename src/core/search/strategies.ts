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

/** The valid configs one step away: one parameter moved to the next value along its list, either way. */
function validNeighbours(space: TuningSpace, config: Config): Config[] {
  const out: Config[] = [];
  for (const param of space.params) {
    const at = param.values.indexOf(config[param.name] as number);
    for (const step of [-1, 1]) {
      const value = param.values[at + step];
      if (value === undefined) continue;
      const next = { ...config, [param.name]: value };
      if (checkConfig(space, next).length === 0) out.push(next);
    }
  }
  return out;
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
    const out = validNeighbours(space, config).filter((next) => !measured.has(configKey(next)));
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

/** Moves to a neighbour drawn before a fresh one is measured or the walk jumps to a random config. */
const FREE_MOVES = 100;
/** Samples in a row that land on measured configs before jumps take the rest in a shuffled order. */
const JUMP_MISSES = 20;

/**
 * Simulated annealing, Kernel Tuner's classic: from a random valid config, a random valid neighbour is
 * measured and walked to when faster, or when slower with probability exp(-(new / current - 1) / T);
 * T cools geometrically from 1 to 0.001 over the budget (the whole space without one). A neighbour
 * measured before is known, so walking to it costs nothing; when no fresh neighbour turns up, a random
 * unmeasured config is measured and judged the same way. Configs without a time are never walked to
 * (nor, with several in flight, one still being measured).
 */
export const annealing: Strategy = (space, runner, options = {}) => {
  const random = rng(options.seed ?? 0);
  const total = spaceSize(space);
  const cooling = 0.001 ** (1 / Math.max(1, Math.min(total, options.budget?.candidates ?? total)));
  const measured = new Map<string, Outcome>();
  // The walk asks the same config objects (cached neighbourhoods) for their keys again and again.
  const keys = new WeakMap<Config, string>();
  const keyOf = (config: Config) => {
    const key = keys.get(config) ?? configKey(config);
    keys.set(config, key);
    return key;
  };
  const timeOf = (config: Config) => measured.get(keyOf(config))?.medianNs ?? null;
  // The walk passes the same configs again and again; their neighbourhoods are worked out once.
  const around = new Map<string, Config[]>();
  const neighboursOf = (config: Config) => {
    const key = keyOf(config);
    const out = around.get(key) ?? validNeighbours(space, config);
    around.set(key, out);
    return out;
  };

  function* candidates(): Generator<Config> {
    const seen = new Set<string>();
    let temperature = 1;
    let current: Config | null = null;
    // Jumps sample the space until samples keep landing on measured configs; then they take the
    // unmeasured rest in one seeded shuffled order (sampling would spin near the end of a space).
    let rest: Config[] | null = null;
    let restAt = 0;
    const jump = (): Config | null => {
      for (let misses = 0; !rest && misses < JUMP_MISSES; misses++) {
        const config = sampleConfig(space, random);
        if (!config) return null;
        if (!seen.has(keyOf(config))) return config;
      }
      rest ??= shuffled(random, enumerated(space));
      for (; restAt < rest.length; restAt++) {
        const config = rest[restAt] as Config;
        if (!seen.has(keyOf(config))) return config;
      }
      return null;
    };
    const accept = (to: Config) => {
      const from = current && timeOf(current);
      const time = timeOf(to);
      if (time === null) return false;
      return !from || time <= from || random() < Math.exp(-(time / from - 1) / temperature);
    };
    while (seen.size < total) {
      let next: Config | null = null;
      for (let move = 0; current && !next && move < FREE_MOVES; move++) {
        const options = neighboursOf(current);
        const step = options[Math.floor(random() * options.length)];
        if (!step) break;
        if (!seen.has(keyOf(step))) next = step;
        else if (accept(step)) current = step;
      }
      next ??= jump();
      if (!next) return;
      seen.add(keyOf(next));
      yield next;
      temperature *= cooling;
      if (accept(next)) current = next;
    }
  }

  return measureInOrder(candidates(), total, runner, {
    ...options,
    onOutcome: (outcome, progress) => {
      measured.set(keyOf(outcome.config), outcome);
      options.onOutcome?.(outcome, progress);
    },
  });
};

/**
 * The configs `first` gives, in its order (a model's ranking, a similar problem's winners), then the
 * rest of the space in a seeded random order. Given configs are measured as given, as a tuner that
 * trusts its source would.
 */
export function firstThenRandom(first: (space: TuningSpace) => Promise<readonly Config[]>): Strategy {
  return async (space, runner, options = {}) => {
    const head = await first(space);
    const rest = shuffled(rng(options.seed ?? 0), enumerated(space));
    // The rest is every valid config once; the head adds only what it holds beyond them.
    const beyond = new Set(head.filter((c) => checkConfig(space, c).length).map(configKey)).size;
    return measureInOrder([...head, ...rest], rest.length + beyond, runner, options);
  };
}

/** Each space's valid configs, enumerated once: a replay runs several strategies and seeds on one space. */
const enumeratedSpaces = new WeakMap<TuningSpace, readonly Config[]>();
function enumerated(space: TuningSpace): readonly Config[] {
  const known = enumeratedSpaces.get(space);
  if (known) return known;
  const configs = [...enumerate(space)];
  enumeratedSpaces.set(space, configs);
  return configs;
}

export const STRATEGIES = { exhaustive, random, local, annealing } as const satisfies Record<
  string,
  Strategy
>;
export type StrategyName = keyof typeof STRATEGIES;

export function strategyByName(name: string): Strategy {
  const strategy = STRATEGIES[name as StrategyName];
  if (!strategy) throw new Error(`unknown strategy '${name}' (${Object.keys(STRATEGIES).join(", ")})`);
  return strategy;
}
