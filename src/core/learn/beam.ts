/**
 * Constrained beam search over any TuningSpace. At each position the scorer's distribution over the
 * next value is masked to the values that keep a valid completion reachable (the space's prefix
 * validator, which carries the device's limits) and that the scorer can emit at all (its vocabulary),
 * then renormalised. So every emitted config is valid, and when no valid config is reachable the
 * result says so instead of falling back to unconstrained decoding.
 * Many searches advance in lock step, so one scorer call serves every beam of every problem.
 */
import {
  allowedNext,
  type Config,
  checkPrefix,
  type ParamDef,
  spaceRefusal,
  type TuningSpace,
  toConfig,
} from "../space/space";

export interface BeamCandidate {
  values: number[];
  config: Config;
  /** Sum of the masked, renormalised log-probabilities of each chosen value. */
  logProb: number;
}

export type BeamResult =
  | { ok: true; candidates: BeamCandidate[] }
  | { ok: false; reason: "no-valid-completion"; message: string };

export interface BeamSearch {
  space: TuningSpace;
  /** Values the scorer can emit for each parameter, by name; the space's own domains when absent. */
  vocabulary?: Readonly<Record<string, readonly number[]>>;
}

/** One scoring request: search `search` asks for the next value after `prefix`. */
export interface ScoreRequest {
  search: number;
  prefix: readonly number[];
}

/** Returns, per request, a log-probability for every candidate value asked about. */
export type Scorer = (
  requests: readonly ScoreRequest[],
  candidates: readonly (readonly number[])[],
) => Promise<number[][]>;

/** The space cut down to the values the scorer can emit, so the validator's masks are exact for it. */
export function restrictSpace(
  space: TuningSpace,
  vocabulary?: Readonly<Record<string, readonly number[]>>,
): TuningSpace {
  if (!vocabulary) return space;
  const params: ParamDef[] = space.params.map((p) => {
    const emittable = new Set(vocabulary[p.name] ?? []);
    return { ...p, values: p.values.filter((v) => emittable.has(v)) };
  });
  return { params, rules: space.rules };
}

interface Beam {
  values: number[];
  logProb: number;
}

/** A value the masks refused at one position, and why. */
export interface MaskedValue {
  value: number;
  /**
   * The rule that refused it: one of the space's rules, `domain` (not a value of this problem's
   * space), `vocabulary` (the scorer has no token for it) or `dead-end` (it breaks no rule judged so
   * far, but every completion breaks a later one).
   */
  rule: string;
  message: string;
  /** The scorer's log-probability for it before masking (-Infinity without a token, or when nothing was scored). */
  logProb: number;
}

/** One kept prefix expanded at one position: the scorer's view of each next value, before masking. */
export interface TraceExpansion {
  prefix: number[];
  /** The prefix's score (masked, renormalised log-probabilities summed). */
  logProb: number;
  allowed: { value: number; logProb: number }[];
  masked: MaskedValue[];
}

/** One decoding position of one search: every kept prefix's expansion, and the beams kept after it. */
export interface TraceStep {
  param: string;
  expansions: TraceExpansion[];
  kept: Beam[];
}

export type TracedBeamResult = BeamResult & { trace: TraceStep[] };

/** Log-probabilities from scores, shifted by the maximum for stability. */
export function logSoftmax(scores: readonly number[]): number[] {
  const top = Math.max(...scores);
  const sum = scores.reduce((s, x) => s + Math.exp(x - top), 0);
  return scores.map((x) => x - top - Math.log(sum));
}

export function beamSearchMany(
  searches: readonly BeamSearch[],
  width: number,
  score: Scorer,
): Promise<BeamResult[]> {
  return decode(searches, width, score, null);
}

/**
 * The same search, also returning each position's expansions: the scorer is asked about the masked
 * values too (so it says what masking took away), while the beams still see only the allowed ones,
 * so the candidates are exactly beamSearchMany's.
 */
export async function traceBeamSearchMany(
  searches: readonly BeamSearch[],
  width: number,
  score: Scorer,
): Promise<TracedBeamResult[]> {
  const traces: TraceStep[][] = searches.map(() => []);
  const results = await decode(searches, width, score, traces);
  return results.map((result, i) => ({ ...result, trace: traces[i] ?? [] }));
}

/**
 * The values masked after `prefix`, with the rule that refused each (`asked`: those the scorer has
 * tokens for). `restricted` is the space cut to the vocabulary, where a dead end's completions are walked.
 */
function maskedAfter(
  search: BeamSearch,
  restricted: TuningSpace,
  prefix: readonly number[],
  allowed: readonly number[],
): { asked: MaskedValue[]; tokenless: MaskedValue[] } {
  const param = search.space.params[prefix.length] as ParamDef;
  const emittable = search.vocabulary?.[param.name];
  const values = [...new Set([...param.values, ...(emittable ?? [])])].filter((v) => !allowed.includes(v));
  const asked: MaskedValue[] = [];
  const tokenless: MaskedValue[] = [];
  for (const value of values) {
    if (emittable && !emittable.includes(value)) {
      const message = `the model has no token for ${param.name}=${value}`;
      tokenless.push({ value, rule: "vocabulary", message, logProb: -Infinity });
      continue;
    }
    const broken = checkPrefix(search.space, [...prefix, value]);
    const later = broken ? [] : rulesBreaking(restricted, [...prefix, value]);
    asked.push({
      value,
      rule: broken?.rule ?? "dead-end",
      message:
        broken?.message ??
        `every completion after ${param.name}=${value} breaks a later rule (${later.join(", ")})`,
      logProb: -Infinity,
    });
  }
  return { asked, tokenless };
}

/** Most completions a dead end's explanation walks: enough for every family's space. */
const DEAD_END_WALK = 100_000;

/** The rules that cut the completions of a prefix that has none, in the order met (a walk of its subtree). */
function rulesBreaking(space: TuningSpace, prefix: readonly number[]): string[] {
  const rules = new Set<string>();
  let visits = 0;
  const walk = (values: number[]) => {
    const param = space.params[values.length];
    if (!param) return;
    for (const value of param.values) {
      if (++visits > DEAD_END_WALK) return;
      const next = [...values, value];
      const broken = checkPrefix(space, next);
      if (broken) rules.add(broken.rule);
      else walk(next);
    }
  };
  walk([...prefix]);
  return [...rules];
}

async function decode(
  searches: readonly BeamSearch[],
  width: number,
  score: Scorer,
  traces: TraceStep[][] | null,
): Promise<BeamResult[]> {
  if (!Number.isInteger(width) || width < 1)
    throw new Error(`beam width must be a positive integer, got ${width}`);
  const spaces = searches.map((s) => restrictSpace(s.space, s.vocabulary));
  let beams: Beam[][] = spaces.map(() => [{ values: [], logProb: 0 }]);
  const failures: (string | null)[] = spaces.map(() => null);
  const steps = Math.max(...spaces.map((s) => s.params.length));
  for (let position = 0; position < steps; position++) {
    const requests: ScoreRequest[] = [];
    const candidates: number[][] = [];
    const owners: Beam[] = [];
    // Traced only, one per request: its expansion, and the masked values asked after the allowed ones.
    const expansions: { expansion: TraceExpansion; asked: MaskedValue[] }[] = [];
    const stepOf = (search: number) => traces?.[search]?.[position];
    beams.forEach((list, search) => {
      const space = spaces[search] as TuningSpace;
      if (position >= space.params.length) return;
      traces?.[search]?.push({ param: space.params[position]?.name ?? "", expansions: [], kept: [] });
      for (const beam of list) {
        const allowed = allowedNext(space, beam.values);
        const masked = traces
          ? maskedAfter(searches[search] as BeamSearch, space, beam.values, allowed)
          : null;
        if (masked) {
          const expansion: TraceExpansion = {
            prefix: beam.values,
            logProb: beam.logProb,
            allowed: [],
            masked: allowed.length ? masked.tokenless : [...masked.asked, ...masked.tokenless],
          };
          stepOf(search)?.expansions.push(expansion);
          if (allowed.length) expansions.push({ expansion, asked: masked.asked });
        }
        if (!allowed.length) continue;
        requests.push({ search, prefix: beam.values });
        candidates.push([...allowed, ...(masked?.asked.map((m) => m.value) ?? [])]);
        owners.push(beam);
      }
    });
    const scores = requests.length ? await score(requests, candidates) : [];
    const next: Beam[][] = beams.map((list, search) =>
      position >= (spaces[search] as TuningSpace).params.length ? list : [],
    );
    requests.forEach((request, r) => {
      const owner = owners[r] as Beam;
      const raw = scores[r] ?? [];
      const count = (candidates[r] as number[]).length - (expansions[r]?.asked.length ?? 0);
      // Renormalised over the allowed values alone, as in an untraced search.
      const logProbs = logSoftmax(raw.slice(0, count));
      (candidates[r] as number[]).slice(0, count).forEach((value, i) => {
        next[request.search]?.push({
          values: [...owner.values, value],
          logProb: owner.logProb + (logProbs[i] ?? -Infinity),
        });
      });
      const traced = expansions[r];
      if (traced) {
        traced.expansion.allowed = (candidates[r] as number[])
          .slice(0, count)
          .map((value, i) => ({ value, logProb: raw[i] ?? -Infinity }));
        traced.expansion.masked = [
          ...traced.asked.map((m, i) => ({ ...m, logProb: raw[count + i] ?? -Infinity })),
          ...traced.expansion.masked,
        ];
      }
    });
    beams = next.map((list, search) => {
      if (!list.length && failures[search] === null) {
        const name = spaces[search]?.params[position]?.name ?? `position ${position}`;
        failures[search] =
          position === 0
            ? (spaceRefusal(spaces[search] as TuningSpace) ?? "the space has no valid config")
            : `no valid value for ${name} after any kept prefix`;
      }
      const kept = list.sort((a, b) => b.logProb - a.logProb).slice(0, width);
      const step = stepOf(search);
      if (step) step.kept = kept;
      return kept;
    });
  }
  return beams.map((list, search) => {
    const space = spaces[search] as TuningSpace;
    if (!list.length) {
      return {
        ok: false,
        reason: "no-valid-completion",
        message: failures[search] ?? "the space has no valid config",
      };
    }
    return {
      ok: true,
      candidates: list.map((b) => ({
        values: b.values,
        config: toConfig(space, b.values),
        logProb: b.logProb,
      })),
    };
  });
}

export async function beamSearch(search: BeamSearch, width: number, score: Scorer): Promise<BeamResult> {
  const [result] = await beamSearchMany([search], width, score);
  return result as BeamResult;
}

/**
 * Where one position's probability went, averaged over the expanded prefixes weighted by their
 * scores: to the values the masks allowed, to those they masked, and to tokens that are no value of
 * this parameter (the three add up to 1 when the scorer gives the model's log-probabilities).
 */
export function stepMass(step: TraceStep): { allowed: number; masked: number; elsewhere: number } {
  const top = Math.max(...step.expansions.map((e) => e.logProb));
  const weights = step.expansions.map((e) => Math.exp(e.logProb - top));
  const total = weights.reduce((s, w) => s + w, 0);
  const mass = (values: readonly { logProb: number }[]) =>
    values.reduce((s, v) => s + Math.exp(v.logProb), 0);
  let allowed = 0;
  let masked = 0;
  step.expansions.forEach((e, i) => {
    const w = (weights[i] ?? 0) / total;
    allowed += w * mass(e.allowed);
    masked += w * mass(e.masked);
  });
  return { allowed, masked, elsewhere: Math.max(0, 1 - allowed - masked) };
}
