import { type Config, rulesByPosition, type TuningSpace } from "../../core/space/space";

/**
 * One pass over a tuning space that yields everything the Explore page draws: how many configs each
 * rule cuts (a funnel), how often each value survives (marginals) and how many valid configs share each
 * pair of values (the space map). Rules are judged as soon as the parameters they read are decoded, in
 * decoding order, the same way the beam search masks: a cut is charged to the first rule that fails.
 */

export interface RuleCut {
  rule: string;
  /** Raw configs this rule removes that no earlier rule already removed. */
  removed: number;
  /** One message the rule gave, e.g. "tile 16x16 needs 18 KiB > 16 KiB", to say what it means. */
  example: string | null;
}

export interface SpaceAnalysis {
  raw: number;
  valid: number;
  cuts: RuleCut[];
  /** marginals[p][v]: valid configs whose parameter p takes its v-th value. */
  marginals: number[][];
  /** Valid configs per pair of values: pairCounts(i, j)[vi][vj]. */
  pairCounts(i: number, j: number): number[][];
  firstValid: Config | null;
  /** Nodes of the pruned tree visited: the cost of the walk. */
  visited: number;
}

/**
 * The walk, as a generator that yields every `sliceNodes` nodes so a caller can spread it over frames
 * (see analyseSpace). Returns the finished analysis.
 */
export function* analysisSteps(space: TuningSpace, sliceNodes = 20_000): Generator<number, SpaceAnalysis> {
  const params = space.params;
  // Core's positions (a rule reading an unknown parameter is refused there), with each rule's index to count what it cuts.
  const byPosition = rulesByPosition(space).map((rules) =>
    rules.map((rule) => ({ index: space.rules.indexOf(rule), check: rule.check })),
  );
  // suffix[i]: raw configs below one node at depth i (product of the remaining domain sizes).
  const suffix: number[] = new Array(params.length + 1).fill(1);
  for (let i = params.length - 1; i >= 0; i--)
    suffix[i] = (suffix[i + 1] ?? 1) * (params[i]?.values.length ?? 0);
  const removed = space.rules.map(() => 0);
  const examples: (string | null)[] = space.rules.map(() => null);
  const marginals = params.map((p) => p.values.map(() => 0));
  const pairs = new Map<string, number[][]>();
  for (let i = 0; i < params.length; i++) {
    for (let j = i + 1; j < params.length; j++) {
      pairs.set(
        `${i},${j}`,
        (params[i]?.values ?? []).map(() => (params[j]?.values ?? []).map(() => 0)),
      );
    }
  }
  const chosen: number[] = [];
  const config: Config = {};
  let valid = 0;
  let visited = 0;
  let firstValid: Config | null = null;

  function* walk(depth: number): Generator<number, void> {
    const param = params[depth];
    if (!param) {
      valid++;
      firstValid ??= { ...config };
      for (let i = 0; i < params.length; i++) {
        const vi = chosen[i] as number;
        const marginal = marginals[i] as number[];
        marginal[vi] = (marginal[vi] ?? 0) + 1;
        for (let j = i + 1; j < params.length; j++) {
          const row = pairs.get(`${i},${j}`)?.[vi];
          const vj = chosen[j] as number;
          if (row) row[vj] = (row[vj] ?? 0) + 1;
        }
      }
      return;
    }
    for (let v = 0; v < param.values.length; v++) {
      config[param.name] = param.values[v] as number;
      chosen[depth] = v;
      if (++visited % sliceNodes === 0) yield visited;
      let failed = false;
      for (const r of byPosition[depth] ?? []) {
        const message = r.check(config);
        if (message !== null) {
          removed[r.index] = (removed[r.index] ?? 0) + (suffix[depth + 1] ?? 1);
          examples[r.index] ??= message;
          failed = true;
          break;
        }
      }
      if (!failed) yield* walk(depth + 1);
    }
    delete config[param.name];
  }
  if (params.length) yield* walk(0);

  return {
    raw: suffix[0] ?? 0,
    valid,
    cuts: space.rules.map((r, i) => ({ rule: r.id, removed: removed[i] ?? 0, example: examples[i] ?? null })),
    marginals,
    pairCounts(i, j) {
      if (i === j) throw new Error("a pair needs two different parameters");
      const table = pairs.get(i < j ? `${i},${j}` : `${j},${i}`) ?? [];
      return i < j ? table : transpose(table);
    },
    firstValid,
    visited,
  };
}

function transpose(table: number[][]): number[][] {
  const columns = table[0]?.length ?? 0;
  return Array.from({ length: columns }, (_, c) => table.map((row) => row[c] ?? 0));
}

/** Runs the whole walk at once (tests, small spaces). */
export function analyseSpaceNow(space: TuningSpace): SpaceAnalysis {
  const steps = analysisSteps(space);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * Runs the walk in slices of about 12 ms between frames so typing stays smooth on big spaces;
 * `onProgress` gets the nodes visited so far. Rejects with an AbortError when `signal` aborts.
 */
export async function analyseSpace(
  space: TuningSpace,
  signal: AbortSignal,
  onProgress?: (visited: number) => void,
): Promise<SpaceAnalysis> {
  const steps = analysisSteps(space, 2_000);
  for (;;) {
    const sliceEnd = performance.now() + 12;
    let step = steps.next();
    while (!step.done && performance.now() < sliceEnd) step = steps.next();
    if (step.done) return step.value;
    onProgress?.(step.value);
    await new Promise((resolve) => setTimeout(resolve, 0));
    signal.throwIfAborted();
  }
}
