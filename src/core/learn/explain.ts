/**
 * Why the model predicted what it did, for one problem: the constrained beam's trace (what it kept and
 * what the rules masked at each position), and which problem features drive each decoded token.
 *
 * Features are attributed by gradient saliency, for any model: the gradient of the chosen token's
 * log-probability with respect to the encoder's input. Attention weights would not name features:
 * the attention variant attends over the encoder GRU's states, and the state at a feature's step
 * already mixes every feature read before it.
 */
import * as tf from "@tensorflow/tfjs";
import type { Config } from "../space/space";
import type { LearnedModel } from "./artifacts";
import type { ProblemLanguage } from "./corpus";
import { type Feature, featureLabel } from "./features";
import { type FamilyBeamResult, type PredictionTrace, predictAcrossFamilies } from "./predictor";
import { START, type Tokenizer } from "./tokenizer";

/** Each decoded token's sensitivity to each of the model's input features. */
export interface Saliency {
  method: "gradient";
  /** The features the model reads, in its order. */
  features: { name: string; label: string; value: number }[];
  /** The family token, then each parameter, with its weight per feature (they sum to 1, or are all 0). */
  tokens: { name: string; value: string; logProb: number; weights: number[] }[];
}

/**
 * The saliency of one decoded config: per token, the L2 norm of the gradient over each feature's value
 * encoding (its slot's one-hot never changes), as shares of that token's total. The decoder is causal,
 * so one teacher-forced pass gives every token's log-probability, one batch row per token.
 */
export function gradientSaliency(
  learned: LearnedModel,
  features: readonly Feature[],
  family: string,
  config: Config,
): Saliency {
  const { model, tokenizer } = learned;
  const names = tokenizer.params(family);
  const targets = [
    tokenizer.familyId(family),
    ...names.map((name) => paramToken(tokenizer, family, name, config)),
  ];
  const rows = targets.length;
  const steps = tokenizer.featureCount;
  const width = tokenizer.stepWidth;
  const vocabulary = tokenizer.size;
  const length = tokenizer.decoderLength;
  const previous = new Float32Array(rows * length * vocabulary);
  const chosen = new Float32Array(rows * length * vocabulary);
  [START, ...targets.slice(0, -1)].forEach((id, t) => {
    for (let row = 0; row < rows; row++) previous[(row * length + t) * vocabulary + id] = 1;
  });
  targets.forEach((id, row) => {
    chosen[(row * length + row) * vocabulary + id] = 1;
  });
  const encoded = tokenizer.encodeFeatures(features);
  const [gradients, logProbs] = tf.tidy(() => {
    const input = tf.tile(tf.tensor3d(encoded, [1, steps, width]), [rows, 1, 1]);
    const tokens = tf.tensor3d(previous, [rows, length, vocabulary]);
    const pick = tf.tensor3d(chosen, [rows, length, vocabulary]);
    // Row r's loss is its own token's log-probability; rows do not mix, so one gradient serves all.
    const tokenLogProbs = (x: tf.Tensor) =>
      tf.sum(tf.mul(tf.log(tf.add(model.apply([x, tokens]) as tf.Tensor, 1e-30)), pick), [1, 2]);
    const grad = tf.grad((x: tf.Tensor) => tf.sum(tokenLogProbs(x)))(input);
    const values = grad.slice([0, 0, steps], [rows, steps, width - steps]);
    return [tf.sqrt(tf.sum(tf.square(values), 2)), tokenLogProbs(input)];
  }) as [tf.Tensor, tf.Tensor];
  const norms = gradients.arraySync() as number[][];
  const chosenLogProbs = logProbs.arraySync() as number[];
  tf.dispose([gradients, logProbs]);
  const byName = new Map(features.map((f) => [f.name, f]));
  return {
    method: "gradient",
    features: tokenizer.json.features.map((name) => ({
      name,
      label: featureLabel(name),
      value: byName.get(name)?.value ?? Number.NaN,
    })),
    tokens: ["family", ...names].map((name, row) => {
      const norm = norms[row] ?? [];
      const total = norm.reduce((s, x) => s + x, 0);
      return {
        name,
        value: row === 0 ? family : String(config[name]),
        logProb: chosenLogProbs[row] ?? Number.NaN,
        weights: norm.map((x) => (total > 0 ? x / total : 0)),
      };
    }),
  };
}

function paramToken(tokenizer: Tokenizer, family: string, name: string, config: Config): number {
  const id = tokenizer.paramId(family, name, config[name] ?? Number.NaN);
  if (id === undefined) throw new Error(`the model has no token for ${family} ${name}=${config[name]}`);
  return id;
}

export interface Explanation {
  /** The beam's candidates, best score first (before any neighbour blend re-ranks them), or why none. */
  result: FamilyBeamResult;
  trace: PredictionTrace;
  /** Of the best-scoring candidate; null when there is none. */
  saliency: Saliency | null;
}

/** One query's prediction, traced, with the saliency of its best-scoring candidate. */
export async function explainPrediction<Q>(
  learned: LearnedModel,
  language: ProblemLanguage<Q>,
  query: Q,
  width: number,
): Promise<Explanation> {
  const features = language.features(query);
  const [result] = await predictAcrossFamilies(
    learned.model,
    learned.tokenizer,
    [{ features, spaces: language.spaces(query, learned.tokenizer) }],
    width,
    { trace: true },
  );
  if (!result?.trace) throw new Error("the traced beam search returned no trace");
  const best = result.ok ? result.candidates[0] : undefined;
  const families = result.trace.families.map((f) =>
    f.allowed ? f : { ...f, refusal: language.refusal(query, f.family) },
  );
  return {
    result,
    trace: { ...result.trace, families },
    saliency: best ? gradientSaliency(learned, features, best.family, best.config) : null,
  };
}
