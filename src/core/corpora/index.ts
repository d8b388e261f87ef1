/**
 * Which corpus a saved model speaks (its metadata's `source.kind`), and a prediction asked in the
 * lab's own terms (a problem, plus the device or the MIOpen direction) put into that corpus's query.
 * The CLI and the worker predict through here, whatever the model was trained on.
 */
import type { LearnedModel, ModelDevice, ModelMetadata } from "../learn/artifacts";
import type { ProblemLanguage } from "../learn/corpus";
import { cheapestConfigs, costRankers } from "../learn/cost-model";
import { type Explanation, explainPrediction } from "../learn/explain";
import { type Prediction, predict } from "../learn/pipeline";
import type { MiopenDirection } from "../miopen/perfdb";
import type { ConvProblem } from "../problem";
import { type RankedConfig, withCostPicks } from "../search/model-guided";
import type { Config } from "../space/space";
import { miopenLanguage, miopenProblemOf, modelSolver } from "./miopen";
import { type RecordQuery, recordedDevice, recordLanguage } from "./records";

/** A prediction asked of any model; each corpus reads the part it needs. */
export interface Ask {
  problem: ConvProblem;
  /** Records: the device to predict for, or a description of one the model recorded (default: its first). */
  device?: ModelDevice | string;
  /** MIOpen: the direction (default forward). */
  direction?: MiopenDirection;
  /** MIOpen: the solver to decode (default: the model's first). */
  family?: string;
}

interface Dialect {
  /** What an ask resolves to in this corpus's terms (the device, or the direction and solver), for reports. */
  context(metadata: ModelMetadata, ask: Ask): Record<string, string>;
  predict(learned: LearnedModel, asks: readonly Ask[], width: number): Promise<Prediction[]>;
  explain(learned: LearnedModel, ask: Ask, width: number): Promise<Explanation>;
  ranking(
    learned: LearnedModel,
    context: Omit<Ask, "problem">,
    width: number,
    options: RankingOptions,
  ): (problem: ConvProblem) => Promise<RankedConfig[]>;
}

export interface RankingOptions {
  /** Called when the model has no valid config for a problem (which then ranks nothing). */
  onNoAnswer?: (problem: ConvProblem, message: string) => void;
  /** Fuse each family's share with the model's cost model of it, where it carries one (default true). */
  costModels?: boolean;
}

function dialect<Q>(
  language: ProblemLanguage<Q>,
  queryOf: (metadata: ModelMetadata, ask: Ask) => Q,
  context: Dialect["context"],
): Dialect {
  return {
    context,
    predict: (learned, asks, width) =>
      predict(
        learned,
        language,
        asks.map((a) => queryOf(learned.metadata, a)),
        width,
      ),
    explain: (learned, ask, width) =>
      explainPrediction(learned, language, queryOf(learned.metadata, ask), width),
    ranking: (learned, context, width, { onNoAnswer, costModels = true }) => {
      const rankers = costModels ? costRankers(learned.metadata.costModels) : new Map();
      return async (problem) => {
        const query = queryOf(learned.metadata, { ...context, problem });
        const [result] = await predict(learned, language, [query], width);
        if (!result?.ok) {
          onNoAnswer?.(problem, result?.message ?? "the beam search returned nothing");
          return [];
        }
        const ranked = result.candidates.map((c) => ({ family: c.family, config: c.config }));
        const convolution = language.convolution?.(query);
        if (!rankers.size || !convolution) return ranked;
        return withCostPicks(ranked, cheapestConfigs(rankers, convolution.problem, convolution.limits));
      };
    },
  };
}

const deviceOf = (metadata: ModelMetadata, ask: Ask) =>
  typeof ask.device === "object" ? ask.device : recordedDevice(metadata, ask.device);

const DIALECTS: Record<ModelMetadata["source"]["kind"], Dialect> = {
  tunelab: dialect(
    recordLanguage,
    (metadata, ask) => ({ problem: ask.problem, device: deviceOf(metadata, ask) }),
    (metadata, ask) => ({ device: deviceOf(metadata, ask).description }),
  ),
  miopen: dialect(
    miopenLanguage,
    (metadata, ask) => ({
      problem: miopenProblemOf(ask.problem, ask.direction ?? "F"),
      solver: modelSolver(metadata, ask.family),
    }),
    (metadata, ask) => ({ direction: ask.direction ?? "F", solver: modelSolver(metadata, ask.family) }),
  ),
};

/** The model's top-`width` candidates for each ask, best first, in the order its saved blend ranks them. */
export function predictFor(
  learned: LearnedModel,
  asks: readonly Ask[],
  width: number,
): Promise<Prediction[]> {
  return DIALECTS[learned.metadata.source.kind].predict(learned, asks, width);
}

/** One ask's prediction, traced step by step, with the saliency of its best-scoring candidate. */
export function explainFor(learned: LearnedModel, ask: Ask, width: number): Promise<Explanation> {
  return DIALECTS[learned.metadata.source.kind].explain(learned, ask, width);
}

/**
 * The model's ranking of a problem's configs across families, for the model-guided strategy: its
 * beam's top `width`, each family's share fused with that family's cost model where the model carries
 * one (unless `costModels` is false).
 */
export function rankingFor(
  learned: LearnedModel,
  context: Omit<Ask, "problem">,
  width: number,
  options: RankingOptions = {},
): (problem: ConvProblem) => Promise<RankedConfig[]> {
  return DIALECTS[learned.metadata.source.kind].ranking(learned, context, width, options);
}

/** What an ask resolves to for this model: the device it predicts for, or the direction and solver. */
export function askedFor(learned: LearnedModel, ask: Ask): Record<string, string> {
  return DIALECTS[learned.metadata.source.kind].context(learned.metadata, ask);
}

/**
 * A model of records' top-`width` configs of one family for a problem, best first: its constrained beam
 * over that family's space alone (across families, a family the model ranks lower may get none of the
 * top `width`). Fails naming why when the model is not one of records or has no valid answer.
 */
export async function rankInFamily(
  learned: LearnedModel,
  query: RecordQuery,
  family: string,
  width: number,
): Promise<Config[]> {
  if (learned.metadata.source.kind !== "tunelab")
    throw new Error("a model of MIOpen data ranks MIOpen solvers, not this lab's kernel families");
  const language: typeof recordLanguage = {
    ...recordLanguage,
    spaces: (q, tokenizer) => {
      const space = recordLanguage.spaces(q, tokenizer)[family];
      return space ? { [family]: space } : {};
    },
  };
  const [result] = await predict(learned, language, [query], width);
  if (!result?.ok) throw new Error(result?.message ?? "the beam search returned nothing");
  return result.candidates.map((c) => c.config);
}
