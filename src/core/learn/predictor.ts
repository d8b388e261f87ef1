/**
 * A trained model as a scorer for the constrained beam search: the encoder runs once per problem; for
 * each request the decoder reads START, family, prefix and gives the distribution of the next value.
 * Every prediction goes through predictAcrossFamilies: the family first, then its parameters.
 */
import * as tf from "@tensorflow/tfjs";
import type { TuningSpace } from "../space/space";
import {
  type BeamCandidate,
  type BeamResult,
  beamSearchMany,
  logSoftmax,
  type ScoreRequest,
  type Scorer,
  type TracedBeamResult,
  traceBeamSearchMany,
} from "./beam";
import type { Feature } from "./features";
import { type DecodingModels, decodingModels } from "./seq2seq";
import { START, type Tokenizer } from "./tokenizer";

const PREDICT_BATCH = 4096;

/** Runs `use` with a scorer over these problems; frees the encoder outputs afterwards. */
export async function withModelScorer<T>(
  model: tf.LayersModel | DecodingModels,
  tokenizer: Tokenizer,
  family: string,
  problems: readonly (readonly Feature[])[],
  use: (scorer: Scorer) => Promise<T>,
): Promise<T> {
  const { encoder, decoder, attention } = "encoder" in model ? model : decodingModels(model);
  const steps = tokenizer.featureCount;
  const width = tokenizer.stepWidth;
  const vocabulary = tokenizer.size;
  const familyToken = tokenizer.familyId(family);
  // The searches decode each space in the model's order (Tokenizer.decodingSpace): prefix position i is params[i].
  const params = tokenizer.params(family);
  const input = new Float32Array(problems.length * steps * width);
  problems.forEach((features, i) => {
    tokenizer.encodeFeatures(features, input.subarray(i * steps * width, (i + 1) * steps * width));
  });
  const [states, state] = tf.tidy(() => {
    const problemTensor = tf.tensor3d(input, [problems.length, steps, width]);
    return encoder.predict(problemTensor, { batchSize: PREDICT_BATCH }) as tf.Tensor[];
  }) as [tf.Tensor, tf.Tensor];

  const scoreSameLength = async (
    requests: readonly ScoreRequest[],
    candidates: readonly (readonly number[])[],
  ) => {
    const length = (requests[0]?.prefix.length ?? 0) + 2;
    const previous = new Float32Array(requests.length * length * vocabulary);
    requests.forEach((request, r) => {
      const tokens = [START, familyToken];
      request.prefix.forEach((value, position) => {
        const name = params[position] as string;
        const id = tokenizer.paramId(family, name, value);
        if (id === undefined) throw new Error(`${family} has no token for ${name}=${value}`);
        tokens.push(id);
      });
      tokens.forEach((id, t) => {
        previous[(r * length + t) * vocabulary + id] = 1;
      });
    });
    const last = tf.tidy(() => {
      const rows = tf.tensor1d(
        requests.map((r) => r.search),
        "int32",
      );
      const inputs = [tf.tensor3d(previous, [requests.length, length, vocabulary]), tf.gather(state, rows)];
      if (attention) inputs.push(tf.gather(states, rows));
      const output = decoder.predict(inputs, { batchSize: PREDICT_BATCH }) as tf.Tensor3D;
      // Only the last step matters: the distribution of the value after the prefix.
      return output.slice([0, length - 1, 0], [requests.length, 1, vocabulary]);
    });
    const probs = (await last.data()) as Float32Array;
    last.dispose();
    return requests.map((request, r) =>
      (candidates[r] ?? []).map((value) => {
        const id = tokenizer.paramId(family, params[request.prefix.length] as string, value);
        return id === undefined ? -Infinity : Math.log(Math.max(probs[r * vocabulary + id] as number, 1e-30));
      }),
    );
  };

  const scorer: Scorer = async (requests, candidates) => {
    // The beam search advances in lock step, so one call's prefixes normally share a length.
    const out: number[][] = new Array(requests.length);
    const byLength = new Map<number, number[]>();
    requests.forEach((r, i) => {
      const group = byLength.get(r.prefix.length);
      if (group) group.push(i);
      else byLength.set(r.prefix.length, [i]);
    });
    for (const indices of byLength.values()) {
      const scores = await scoreSameLength(
        indices.map((i) => requests[i] as ScoreRequest),
        indices.map((i) => candidates[i] ?? []),
      );
      indices.forEach((i, j) => {
        out[i] = scores[j] as number[];
      });
    }
    return out;
  };
  try {
    return await use(scorer);
  } finally {
    tf.dispose([states, state]);
  }
}

/**
 * The first decoding step: each problem's log-probability of every family token after START, in the
 * tokenizer's order of families, before any mask.
 */
async function familyLogProbs(
  model: tf.LayersModel | DecodingModels,
  tokenizer: Tokenizer,
  problems: readonly (readonly Feature[])[],
): Promise<number[][]> {
  const { encoder, decoder, attention } = "encoder" in model ? model : decodingModels(model);
  const steps = tokenizer.featureCount;
  const width = tokenizer.stepWidth;
  const vocabulary = tokenizer.size;
  const input = new Float32Array(problems.length * steps * width);
  const start = new Float32Array(problems.length * vocabulary);
  problems.forEach((features, i) => {
    tokenizer.encodeFeatures(features, input.subarray(i * steps * width, (i + 1) * steps * width));
    start[i * vocabulary + START] = 1;
  });
  const next = tf.tidy(() => {
    const [states, state] = encoder.predict(tf.tensor3d(input, [problems.length, steps, width]), {
      batchSize: PREDICT_BATCH,
    }) as tf.Tensor[];
    const inputs = [tf.tensor3d(start, [problems.length, 1, vocabulary]), state as tf.Tensor];
    if (attention) inputs.push(states as tf.Tensor);
    return decoder.predict(inputs, { batchSize: PREDICT_BATCH }) as tf.Tensor;
  });
  const probs = (await next.data()) as Float32Array;
  next.dispose();
  return problems.map((_, i) =>
    tokenizer.families.map((family) =>
      Math.log(Math.max(probs[i * vocabulary + tokenizer.familyId(family)] as number, 1e-30)),
    ),
  );
}

/** A candidate of the search across families: which family, its config and the joint log-probability. */
export interface FamilyCandidate extends BeamCandidate {
  family: string;
}

export type FamilyBeamResult =
  | { ok: true; candidates: FamilyCandidate[]; trace?: PredictionTrace }
  | { ok: false; reason: "no-valid-completion"; message: string; trace?: PredictionTrace };

/**
 * How one prediction was decoded, when asked for: the family step (every family the model knows, its
 * log-probability before masking, and whether the problem's spaces allowed it), then each allowed
 * family's constrained beam, position by position.
 */
export interface PredictionTrace {
  /** `refusal`: why the problem gives a masked family no space (explainPrediction adds it from the corpus). */
  families: { family: string; logProb: number; allowed: boolean; refusal?: string }[];
  beams: { family: string; familyLogProb: number; result: TracedBeamResult }[];
}

export interface FamilyPredictionRequest {
  features: readonly Feature[];
  /** The problem's space for each family that can run it (device limits included). */
  spaces: Readonly<Record<string, TuningSpace>>;
}

/**
 * Decodes the family first, then that family's parameters: every family the model knows and the
 * problem allows gets its own constrained beam (only its space masks the later positions), each
 * candidate's score is log p(family) + log p(values | family), and the best `width` of all are kept.
 */
export async function predictAcrossFamilies(
  model: tf.LayersModel | DecodingModels,
  tokenizer: Tokenizer,
  requests: readonly FamilyPredictionRequest[],
  width: number,
  options: { trace?: boolean } = {},
): Promise<FamilyBeamResult[]> {
  const decoding = "encoder" in model ? model : decodingModels(model);
  const known = tokenizer.families;
  const allowed = requests.map((r) => known.filter((family) => r.spaces[family]));
  const raw = await familyLogProbs(
    decoding,
    tokenizer,
    requests.map((r) => r.features),
  );
  // Masked to each problem's allowed families and renormalised.
  const familyScores = allowed.map((families, i) =>
    families.length ? logSoftmax(families.map((family) => raw[i]?.[known.indexOf(family)] ?? -Infinity)) : [],
  );
  const traces: PredictionTrace[] | null = options.trace
    ? requests.map((r, i) => ({
        families: known.map((family, f) => ({
          family,
          logProb: raw[i]?.[f] ?? -Infinity,
          allowed: Boolean(r.spaces[family]),
        })),
        beams: [],
      }))
    : null;
  const merged: FamilyCandidate[][] = requests.map(() => []);
  const failures: string[][] = requests.map(() => []);
  for (const family of known) {
    const indices = requests.flatMap((r, i) => (r.spaces[family] ? [i] : []));
    if (!indices.length) continue;
    const vocabulary = tokenizer.vocabulary(family);
    const searches = indices.map((i) => {
      const space = (requests[i] as FamilyPredictionRequest).spaces[family] as TuningSpace;
      return { space: tokenizer.decodingSpace(family, space), vocabulary };
    });
    const results: (BeamResult | TracedBeamResult)[] = await withModelScorer(
      decoding,
      tokenizer,
      family,
      indices.map((i) => (requests[i] as FamilyPredictionRequest).features),
      (scorer) =>
        traces ? traceBeamSearchMany(searches, width, scorer) : beamSearchMany(searches, width, scorer),
    );
    results.forEach((result, j) => {
      const i = indices[j] as number;
      const familyLogProb = familyScores[i]?.[allowed[i]?.indexOf(family) ?? -1] ?? -Infinity;
      if ("trace" in result)
        traces?.[i]?.beams.push({ family, familyLogProb, result: result as TracedBeamResult });
      if (!result.ok) {
        failures[i]?.push(`${family}: ${result.message}`);
        return;
      }
      merged[i]?.push(
        ...result.candidates.map((c) => ({ ...c, family, logProb: c.logProb + familyLogProb })),
      );
    });
  }
  return merged.map((candidates, i): FamilyBeamResult => {
    const trace = traces?.[i] ? { trace: traces[i] } : {};
    if (candidates.length) {
      return {
        ok: true,
        candidates: candidates.sort((a, b) => b.logProb - a.logProb).slice(0, width),
        ...trace,
      };
    }
    const why = failures[i]?.join("; ");
    return {
      ok: false,
      reason: "no-valid-completion",
      message: why || `the model knows no family that runs this problem (it knows ${known.join(", ")})`,
      ...trace,
    };
  });
}
