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
function restrictSpace(
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

/** Log-probabilities from scores, shifted by the maximum for stability. */
export function logSoftmax(scores: readonly number[]): number[] {
  const top = Math.max(...scores);
  const sum = scores.reduce((s, x) => s + Math.exp(x - top), 0);
  return scores.map((x) => x - top - Math.log(sum));
}

export async function beamSearchMany(
  searches: readonly BeamSearch[],
  width: number,
  score: Scorer,
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
    beams.forEach((list, search) => {
      const space = spaces[search] as TuningSpace;
      if (position >= space.params.length) return;
      for (const beam of list) {
        const allowed = allowedNext(space, beam.values);
        if (!allowed.length) continue;
        requests.push({ search, prefix: beam.values });
        candidates.push(allowed);
        owners.push(beam);
      }
    });
    const scores = requests.length ? await score(requests, candidates) : [];
    const next: Beam[][] = beams.map((list, search) =>
      position >= (spaces[search] as TuningSpace).params.length ? list : [],
    );
    requests.forEach((request, r) => {
      const logProbs = logSoftmax(scores[r] ?? []);
      const owner = owners[r] as Beam;
      (candidates[r] as number[]).forEach((value, i) => {
        next[request.search]?.push({
          values: [...owner.values, value],
          logProb: owner.logProb + (logProbs[i] ?? -Infinity),
        });
      });
    });
    beams = next.map((list, search) => {
      if (!list.length && failures[search] === null) {
        const name = spaces[search]?.params[position]?.name ?? `position ${position}`;
        failures[search] =
          position === 0
            ? (spaceRefusal(spaces[search] as TuningSpace) ?? "the space has no valid config")
            : `no valid value for ${name} after any kept prefix`;
      }
      return list.sort((a, b) => b.logProb - a.logProb).slice(0, width);
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
