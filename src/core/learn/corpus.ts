/**
 * What the learning pipeline asks of a kind of data. A corpus is its examples (a problem and its
 * tuned config), and a problem language: the features of a problem and the tuning spaces that may
 * answer it. This lab's records and MIOpen's perf databases are the two corpora (src/core/corpora/);
 * training, scoring and prediction (pipeline.ts) read only this interface.
 */
import type { DeviceLimits } from "../families/family";
import type { ConvProblem } from "../problem";
import type { Config, TuningSpace } from "../space/space";
import type { ModelSource } from "./artifacts";
import type { Feature } from "./features";
import type { Tokenizer } from "./tokenizer";

/** How a model meets the problems of one kind of data, with or without the data itself. */
export interface ProblemLanguage<Q> {
  /** Saved in the model (`source.kind`), so a loaded model finds its language again. */
  kind: ModelSource["kind"];
  /**
   * Whether the model picks the family: several families may answer one problem (this lab's kernels),
   * or the problem names its family (a MIOpen row names its solver).
   */
  choosesFamily: boolean;
  features(query: Q): Feature[];
  /** The full space (rules and device limits) of each family that may answer the query, by family. */
  spaces(query: Q, tokenizer: Tokenizer): Record<string, TuningSpace>;
  /** Why `spaces` leaves out a family the model knows, in words (what the family step's mask says). */
  refusal(query: Q, family: string): string;
  /**
   * Where a query is one of this lab's convolutions on a device: the problem and the limits that shape
   * its spaces, which the cost model reads (cost-model.ts). MIOpen's rows are not.
   */
  convolution?(query: Q): { problem: ConvProblem; limits: DeviceLimits };
}

export interface CorpusExample<Q> {
  query: Q;
  /** Examples of one group stay on one side of a split (a problem on every device, a shape in both directions). */
  group: string;
  family: string;
  config: Config;
  /**
   * Where the data holds measured times: the best one, each config's by `configId(family, config)`,
   * and every measured config fastest first (what training on near-best configs draws from).
   */
  timing?: {
    bestNs: number;
    measured: ReadonlyMap<string, number>;
    ranked: readonly { family: string; config: Config; ns: number }[];
  };
}

export interface Corpus<Q> {
  language: ProblemLanguage<Q>;
  examples: CorpusExample<Q>[];
  /** A family's parameter names, in the order the model will decode them. */
  paramNames(family: string): string[];
  /**
   * Every value each of a family's parameters can take, where the corpus knows them: the model gets a
   * token for each, so it can decode a valid config whose values no training winner had (a 16-wide tile
   * for a 16-channel layer). Without it, a parameter has tokens for the winners' values alone.
   */
  paramValues?(family: string): Record<string, readonly number[]>;
  /** What the model's metadata keeps of where its examples came from (the pipeline adds the families). */
  source: Omit<ModelSource, "families">;
}

/** Each kind of data in words, for messages about which a model learnt from. */
export const CORPUS_NAMES: Record<ModelSource["kind"], string> = {
  tunelab: "this lab's records",
  miopen: "a MIOpen perf database",
};
