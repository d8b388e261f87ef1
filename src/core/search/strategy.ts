/**
 * Search strategies share one contract, `tune(space, runner, options)`: a strategy decides which
 * configs to try and in what order; the runner measures one config and returns its outcome (a failure
 * is an outcome, never a throw); the shared loop here keeps the budget, the abort signal, the cache of
 * configs already measured, progress and the best so far. A model-guided strategy is an `ordered` one
 * whose order comes from a beam search, or a full `Strategy` when it needs each result before the next.
 */
import type { CandidateStatus } from "../dataset/record";
import { configKey } from "../dataset/record";
import type { Config, TuningSpace } from "../space/space";

export interface Outcome {
  config: Config;
  status: CandidateStatus;
  /** Median kernel time in ns; null unless status is ok. */
  medianNs: number | null;
  message: string;
}

/** Measures one config. Implementations: the GPU runner, and `replayRunner` over recorded outcomes. */
export interface CandidateRunner<O extends Outcome = Outcome> {
  run(config: Config): Promise<O>;
  /** A hint: these configs are likely next (the GPU runner compiles them while it measures others). */
  prefetch?(configs: readonly Config[]): void;
  /** How many configs it measures at once (a pool of measuring threads); 1 when absent. */
  concurrency?: number;
}

export interface Budget {
  /** Most configs to measure (cached ones do not count). */
  candidates?: number;
  /** Most wall-clock milliseconds to spend; the candidate in flight finishes. */
  ms?: number;
}

export interface TuneProgress<O extends Outcome = Outcome> {
  done: number;
  /** How many configs this run will visit at most (space size or budget, whichever is smaller). */
  total: number;
  best: O | null;
  elapsedMs: number;
  /** Estimated time left at the mean pace so far; null before the first measured candidate. */
  etaMs: number | null;
}

/** What the loop reads of an AbortSignal (core has no DOM types; a real AbortSignal fits). */
export interface AbortFlag {
  readonly aborted: boolean;
}

export interface TuneOptions<O extends Outcome = Outcome> {
  seed?: number;
  budget?: Budget;
  signal?: AbortFlag;
  /**
   * Configs worth trying first, e.g. the winners of similar problems; strategies that adapt (local)
   * start from the valid ones, the others ignore them.
   */
  starts?: Config[];
  /** Outcomes already measured (a resumed sweep): returned instead of running the config again. */
  cached?: (config: Config) => O | undefined;
  onOutcome?: (outcome: O, progress: TuneProgress<O>) => void;
  /** Clock for budgets and ETA; tests pass a fake one. */
  now?: () => number;
}

export interface TuneResult<O extends Outcome = Outcome> {
  outcomes: O[];
  best: O | null;
  /** Why the loop ended. */
  stopped: "exhausted" | "budget" | "aborted";
}

export type Strategy = <O extends Outcome>(
  space: TuningSpace,
  runner: CandidateRunner<O>,
  options?: TuneOptions<O>,
) => Promise<TuneResult<O>>;

export function isBetter(a: Outcome, than: Outcome | null): boolean {
  return a.status === "ok" && a.medianNs !== null && (than?.medianNs == null || a.medianNs < than.medianNs);
}

/**
 * The shared loop: measures `candidates` in order (skipping repeats) until they run out, the budget is
 * spent or the signal aborts. `total` is how many candidates there are, when known up front. A runner
 * that measures several at once (`concurrency`) gets that many in flight; outcomes arrive as they finish.
 */
export async function measureInOrder<O extends Outcome>(
  candidates: Iterable<Config>,
  total: number,
  runner: CandidateRunner<O>,
  options: TuneOptions<O> = {},
  /** Configs read ahead of the one measured and offered to `runner.prefetch` (only where the order is fixed). */
  lookahead = 0,
): Promise<TuneResult<O>> {
  const now = options.now ?? (() => Date.now());
  const start = now();
  const limit = Math.min(total, options.budget?.candidates ?? Number.POSITIVE_INFINITY);
  const width = Math.max(1, runner.concurrency ?? 1);
  const outcomes: O[] = [];
  const seen = new Set<string>();
  const running = new Set<Promise<void>>();
  let best: O | null = null;
  let measured = 0;
  // Time with a measurement in flight (cached outcomes cost none): the pace behind the ETA.
  let busyMs = 0;
  let busySince = 0;
  let stopped: TuneResult<O>["stopped"] | null = null;

  const finish = (outcome: O) => {
    outcomes.push(outcome);
    if (isBetter(outcome, best)) best = outcome;
    const left = limit - outcomes.length;
    const busy = busyMs + (running.size ? now() - busySince : 0);
    options.onOutcome?.(outcome, {
      done: outcomes.length,
      total: limit,
      best,
      elapsedMs: now() - start,
      etaMs: measured ? (busy / measured) * left : null,
    });
  };
  const measure = async (config: Config) => {
    if (!running.size) busySince = now();
    const outcome = await runner.run(config);
    measured++;
    if (running.size === 1) {
      // The last one in flight: its busy stretch ends here.
      busyMs += now() - busySince;
      busySince = now();
    }
    finish(outcome);
  };

  for (const config of readAhead(candidates, lookahead, runner, options.cached)) {
    if (options.signal?.aborted) stopped = "aborted";
    else if (outcomes.length + running.size >= limit) stopped = "budget";
    else if (options.budget?.ms !== undefined && now() - start >= options.budget.ms) stopped = "budget";
    if (stopped) break;
    const key = configKey(config);
    if (seen.has(key)) continue;
    seen.add(key);
    const cached = options.cached?.(config);
    if (cached) {
      finish(cached);
      continue;
    }
    const run: Promise<void> = measure(config).finally(() => running.delete(run));
    running.add(run);
    if (running.size >= width) await Promise.race(running);
  }
  await Promise.all(running);
  return { outcomes, best, stopped: stopped ?? (options.signal?.aborted ? "aborted" : "exhausted") };
}

/**
 * The candidates in order, with the next `lookahead` of them (minus cached ones) offered to the runner's
 * prefetch before each is measured.
 */
function* readAhead<O extends Outcome>(
  candidates: Iterable<Config>,
  lookahead: number,
  runner: CandidateRunner<O>,
  cached: TuneOptions<O>["cached"],
): Generator<Config> {
  if (!lookahead || !runner.prefetch) return yield* candidates;
  const iterator = candidates[Symbol.iterator]();
  const window: Config[] = [];
  for (;;) {
    while (window.length < lookahead) {
      const next = iterator.next();
      if (next.done) break;
      window.push(next.value);
    }
    const config = window.shift();
    if (!config) return;
    runner.prefetch(window.filter((c) => !cached?.(c)));
    yield config;
  }
}

/** Fixed orders read this far ahead, so the GPU runner can compile while it measures. */
const ORDERED_LOOKAHEAD = 16;

/** A strategy that only decides an order up front (exhaustive, random, a model's ranked candidates). */
export function ordered(
  order: (space: TuningSpace, seed: number) => { candidates: Iterable<Config>; total: number },
): Strategy {
  return (space, runner, options = {}) => {
    const { candidates, total } = order(space, options.seed ?? 0);
    return measureInOrder(candidates, total, runner, options, ORDERED_LOOKAHEAD);
  };
}

/** Wraps any strategy with a budget, tightening (never loosening) one the caller passes. */
export function budgeted(strategy: Strategy, budget: Budget): Strategy {
  const tighter = (a?: number, b?: number) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));
  return (space, runner, options = {}) =>
    strategy(space, runner, {
      ...options,
      budget: {
        candidates: tighter(budget.candidates, options.budget?.candidates),
        ms: tighter(budget.ms, options.budget?.ms),
      },
    });
}
