/**
 * The one learning pipeline, for any corpus: split by group (seeded), train with early stopping on
 * the validation part, choose the neighbour blend on it, score a held-out part (or any corpus of the
 * same kind) with the constrained beam search beside the baselines, and predict. Shared by the CLI
 * and the worker; the corpora (src/core/corpora/) differ only in what corpus.ts asks of them.
 */
import { familyConfigKey } from "../dataset/record";
import { geometricMean } from "../dataset/summary";
import { type Config, checkConfig, type TuningSpace } from "../space/space";
import {
  type LearnedModel,
  type ModelMetadata,
  type ModelSource,
  modelFromFiles,
  modelToFiles,
} from "./artifacts";
import {
  type BaselineEntry,
  type BaselineTable,
  blendWithNeighbours,
  buildBaselines,
  mostFrequentGuess,
  type NeighbourBlend,
  nearestNeighbourGuess,
  nearestNeighbours,
} from "./baselines";
import { CORPUS_NAMES, type Corpus, type CorpusExample, type ProblemLanguage } from "./corpus";
import {
  type CostTask,
  DEFAULT_COST_OPTIONS,
  DEFAULT_COST_SEEDS,
  type SavedCostModel,
  trainCostModel,
} from "./cost-model";
import type { Feature } from "./features";
import { type Scores, score, scoreGuesses } from "./metrics";
import { type FamilyCandidate, predictAcrossFamilies } from "./predictor";
import { fewestProblems, HOLDOUT_FRACTION, splitForTraining } from "./split";
import { type Example, Tokenizer } from "./tokenizer";
import {
  disposeBatch,
  encodeExamples,
  evaluateTeacherForced,
  TrainingAborted,
  type TrainOptions,
  type TrainResult,
  trainSeq2Seq,
} from "./train";

export interface Split<Q> {
  train: CorpusExample<Q>[];
  validation: CorpusExample<Q>[];
  holdout: CorpusExample<Q>[];
}

/** Splits by group: `holdoutFraction` of the groups held out for scoring, a tenth of the rest validates. */
export function splitCorpus<Q>(
  corpus: Corpus<Q>,
  seed: number,
  holdoutFraction = HOLDOUT_FRACTION,
): Split<Q> {
  if (!corpus.examples.length) throw new Error(`${corpus.source.file} has no examples to learn from`);
  const split = splitForTraining(corpus.examples, (e) => e.group, seed, holdoutFraction);
  if (!split.train.length || !split.validation.length) {
    const groups = new Set(corpus.examples.map((e) => e.group)).size;
    throw new Error(
      `${groups} problems are too few to train with early stopping (need at least ${fewestProblems(holdoutFraction)})`,
    );
  }
  return split;
}

/**
 * Splits with a fixed held-out set: every example of a `held` group (e.g. another network's layers) is
 * held out whole, and the rest is split into training and validation as `splitCorpus` would with none held out.
 */
export function splitHoldingOut<Q>(corpus: Corpus<Q>, seed: number, held: ReadonlySet<string>): Split<Q> {
  const kept = corpus.examples.filter((e) => !held.has(e.group));
  const holdout = corpus.examples.filter((e) => held.has(e.group));
  if (!holdout.length) throw new Error("none of the problems to hold out has a verified record");
  return { ...splitCorpus({ ...corpus, examples: kept }, seed, 0), holdout };
}

/** The examples fine-tuning left out, and the tokens their tuned configs needed, most needed first. */
export interface LeftOut {
  examples: number;
  of: number;
  tokens: { token: string; examples: number }[];
}

/**
 * The part of a corpus a model can keep learning from. Its vocabulary is fixed, so an example whose
 * tuned config needs a token the model lacks (a family, a parameter value) is left out, and the report
 * names those tokens; none left is an error that says what to do instead.
 */
export function fineTuningCorpus<Q>(
  learned: LearnedModel,
  corpus: Corpus<Q>,
): { corpus: Corpus<Q>; leftOut: LeftOut | null } {
  const { kind } = learned.metadata.source;
  if (kind !== corpus.language.kind) {
    throw new Error(
      `the model learnt from ${CORPUS_NAMES[kind]} and speaks its problems' language: it cannot keep learning from ${CORPUS_NAMES[corpus.language.kind]}`,
    );
  }
  const needed = new Map<string, number>();
  const examples = corpus.examples.filter((e) => {
    const unknown = learned.tokenizer.unknownTokens(e.family, e.config);
    for (const token of unknown) needed.set(token, (needed.get(token) ?? 0) + 1);
    return unknown.length === 0;
  });
  const tokens = [...needed]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([token, count]) => ({ token, examples: count }));
  if (!examples.length) {
    const list = tokens.map((t) => t.token).join(", ");
    throw new Error(
      `none of the ${corpus.examples.length} tuned problems here fits the model's vocabulary: their fastest configs need ${list}, which it has no token for (a model's tokens are fixed when it is first trained); train a new model on them`,
    );
  }
  const leftOut = tokens.length
    ? { examples: corpus.examples.length - examples.length, of: corpus.examples.length, tokens }
    : null;
  return { corpus: { ...corpus, examples }, leftOut };
}

/** What fineTuningSplit left out of the training and validation parts, and what the held-out part needs. */
export interface FineTuningFit {
  train: LeftOut | null;
  validation: LeftOut | null;
  /** Held-out examples kept, whose tuned config needs a token the model lacks: it cannot get them right. */
  holdoutUnreachable: number;
}

/**
 * A split made on the whole corpus, fitted to a model's vocabulary for fine-tuning: the training and
 * validation parts lose the examples it has no tokens for (fineTuningCorpus), the held-out part stays
 * whole, so the fine-tuned model is scored on the same problems as one trained from scratch on the
 * same split. An error names the tokens when no training or no validation example fits.
 */
export function fineTuningSplit<Q>(
  learned: LearnedModel,
  corpus: Corpus<Q>,
  split: Split<Q>,
): { split: Split<Q>; fit: FineTuningFit } {
  const part = (examples: CorpusExample<Q>[], name: string) => {
    try {
      return fineTuningCorpus(learned, { ...corpus, examples });
    } catch (error) {
      throw new Error(`${name}: ${(error as Error).message}`);
    }
  };
  const train = part(split.train, "training problems");
  const validation = part(split.validation, "validation problems");
  const holdoutUnreachable = split.holdout.filter(
    (e) => learned.tokenizer.unknownTokens(e.family, e.config).length > 0,
  ).length;
  return {
    split: { train: train.corpus.examples, validation: validation.corpus.examples, holdout: split.holdout },
    fit: { train: train.leftOut, validation: validation.leftOut, holdoutUnreachable },
  };
}

export interface TrainedModel extends TrainResult, LearnedModel {}

/** What a training run is doing, for a progress display: only the epochs have a count to show. */
export type TrainingPhase =
  | "reading"
  | "scoring-before"
  | "learning-costs"
  | "training"
  | "choosing-blend"
  | "evaluating";

/**
 * Trains a new model on the split, or keeps training `from` (fine-tuning: its tokenizer and
 * architecture stay, its baselines' table gains the new training problems, or holds only them with
 * `freshNeighbours`); the examples must fit its vocabulary (fineTuningCorpus, fineTuningSplit).
 */
export async function trainModel<Q>(
  corpus: Corpus<Q>,
  split: Split<Q>,
  options: TrainOptions,
  backend: string,
  {
    from,
    onPhase,
    freshNeighbours = false,
  }: {
    from?: LearnedModel;
    onPhase?: (phase: TrainingPhase) => void;
    /**
     * With `from`: the baselines' table (the neighbour blend's) holds this run's training rows only,
     * not the ones the model learnt before: for a model moved to data whose tuned configs differ
     * (another GPU), where the old rows would be the nearest neighbours of every problem they share.
     */
    freshNeighbours?: boolean;
  } = {},
): Promise<TrainedModel> {
  const { language } = corpus;
  // First, so that their seconds come off the Seq2Seq model's budget: the whole run keeps to it.
  const costStart = Date.now();
  const learntCosts = await trainCostModels(
    language,
    [...split.train, ...split.validation],
    options,
    onPhase,
  );
  const costSeconds = (Date.now() - costStart) / 1000;
  const costModels = [
    ...learntCosts,
    ...(from?.metadata.costModels ?? []).filter((c) => !learntCosts.some((l) => l.family === c.family)),
  ];
  onPhase?.("training");
  // Targets as the model learns them: each problem's best, or its consensus config.
  const targets = withConsensusSplit(split, options.consensus);
  const train = trainingExamples(targets.train, options.nearBest, from).map((e) => exampleOf(language, e));
  const tokenizer =
    from?.tokenizer ??
    Tokenizer.fit(
      train,
      (family) => corpus.paramNames(family),
      (family) => corpus.paramValues?.(family) ?? {},
    );
  // A copy keeps training, so the model it came from stays whole whatever happens to this run.
  const start = from && (await modelFromFiles(await modelToFiles(from.model, from.metadata)));
  const result = await trainSeq2Seq(
    tokenizer,
    train,
    targets.validation.map((e) => exampleOf(language, e)),
    options.maxSeconds === undefined
      ? options
      : { ...options, maxSeconds: Math.max(0, options.maxSeconds - costSeconds) },
    start,
  ).catch((error) => {
    start?.dispose();
    throw error;
  });
  onPhase?.("choosing-blend");
  const baselines = buildBaselines(
    targets.train.map((e) => baselineEntry(language, tokenizer, e)),
    freshNeighbours ? undefined : from?.metadata.baselines,
  );
  const { signal: _, onEpoch: __, ...kept } = options;
  const metadata: ModelMetadata = {
    format: "tunelab-seq2seq",
    version: 1,
    tokenizer: tokenizer.json,
    source: from
      ? joinedSource(from.metadata.source, corpus.source)
      : { ...corpus.source, families: tokenizer.families },
    // A fine-tuned model keeps its architecture, whatever the options ask.
    options: from
      ? { ...kept, units: from.metadata.options.units, attention: from.metadata.options.attention }
      : kept,
    baselines,
    ...(costModels.length ? { costModels } : {}),
    training: {
      examples: train.length,
      validation: targets.validation.length,
      bestEpoch: result.bestEpoch,
      seconds: result.seconds,
      backend,
    },
  };
  const learned = { model: result.model, tokenizer, metadata };
  // Chosen on the validation problems: the held-out ones stay unseen until they are scored.
  const { count, weight } = await chooseNeighbourBlend(
    learned,
    language,
    targets.validation,
    BLEND_BEAM_WIDTH,
  );
  metadata.neighbours = { count, weight };
  return { ...result, ...learned };
}

/**
 * A cost model a family (cost-model.ts), learnt from every measured time of the examples, where the
 * corpus holds times and its queries are this lab's convolutions; none otherwise, or with costModel off.
 */
async function trainCostModels<Q>(
  language: ProblemLanguage<Q>,
  examples: readonly CorpusExample<Q>[],
  options: TrainOptions,
  onPhase?: (phase: TrainingPhase) => void,
): Promise<SavedCostModel[]> {
  const { convolution } = language;
  if (options.costModel === false || !convolution) return [];
  const tasks = new Map<string, CostTask[]>();
  for (const e of examples) {
    if (!e.timing) continue;
    const { problem, limits } = convolution(e.query);
    const measured = new Map<string, CostTask["measured"][number][]>();
    for (const { family, config, ns } of e.timing.ranked) {
      const list = measured.get(family) ?? [];
      list.push({ config, ns });
      measured.set(family, list);
    }
    for (const [family, m] of measured) {
      const list = tasks.get(family) ?? [];
      list.push({ problem, limits, measured: m });
      tasks.set(family, list);
    }
  }
  if (!tasks.size) return [];
  onPhase?.("learning-costs");
  const costOptions = {
    ...DEFAULT_COST_OPTIONS,
    seed: options.seed,
    ...(options.computeUnits ? { computeUnits: options.computeUnits } : {}),
  };
  const models: SavedCostModel[] = [];
  for (const [family, familyTasks] of tasks)
    for (let k = 0; k < (options.costSeeds ?? DEFAULT_COST_SEEDS); k++) {
      if (options.signal?.aborted) throw new TrainingAborted();
      models.push(await trainCostModel(family, familyTasks, { ...costOptions, seed: options.seed + k }));
    }
  return models;
}

/** Where a fine-tuned model's examples came from: the first source, then the new one. */
function joinedSource(before: ModelSource, added: Corpus<unknown>["source"]): ModelSource {
  const devices = [...(before.devices ?? []), ...(added.devices ?? [])];
  const directions = [...new Set([...(before.directions ?? []), ...(added.directions ?? [])])];
  return {
    ...before,
    file: `${before.file}, then ${added.file}`,
    ...(devices.length ? { devices: [...new Map(devices.map((d) => [d.description, d])).values()] } : {}),
    ...(directions.length ? { directions } : {}),
  };
}

/**
 * What a run learns from: the training examples, with their near-best configs when asked; a fine-tuned
 * model's vocabulary is fixed, so near-best configs it has no tokens for are left out.
 */
export function trainingExamples<Q>(
  examples: readonly CorpusExample<Q>[],
  nearBest: number | undefined,
  from?: LearnedModel,
): CorpusExample<Q>[] {
  return withNearBest(examples, nearBest).filter(
    (e) => !from || from.tokenizer.unknownTokens(e.family, e.config).length === 0,
  );
}

/** Each example, and beside it every measured config within `nearBest` of its problem's best time. */
export function withNearBest<Q>(
  examples: readonly CorpusExample<Q>[],
  nearBest: number | undefined,
): CorpusExample<Q>[] {
  if (!nearBest) return [...examples];
  return examples.flatMap((e) => {
    const near = nearBestConfigs(e, nearBest);
    return near.length ? near.map(({ family, config }) => ({ ...e, family, config })) : [e];
  });
}

/** Configs within `tolerance` of the example's best time, fastest first (none without times). */
function nearBestConfigs<Q>(e: CorpusExample<Q>, tolerance: number) {
  if (!e.timing) return [];
  const limit = e.timing.bestNs * (1 + tolerance);
  return e.timing.ranked.filter((c) => c.ns <= limit);
}

/**
 * Each example's target moved to its consensus config: of the configs within `tolerance` of its
 * problem's best time, the one within `tolerance` of the best on the most problems of `reference`
 * (ties: the faster here). Where several configs tie within a few percent the fastest is an arbitrary
 * pick; one that is near-best across problems is a pattern a model can learn.
 */
export function withConsensusTargets<Q>(
  examples: readonly CorpusExample<Q>[],
  tolerance: number,
  reference: readonly CorpusExample<Q>[] = examples,
): CorpusExample<Q>[] {
  const votes = new Map<string, number>();
  for (const e of reference)
    for (const c of nearBestConfigs(e, tolerance)) {
      const key = familyConfigKey(c.family, c.config);
      votes.set(key, (votes.get(key) ?? 0) + 1);
    }
  return examples.map((e) => {
    const near = nearBestConfigs(e, tolerance);
    const chosen = near.reduce<(typeof near)[number] | undefined>((best, c) => {
      const count = (c: (typeof near)[number]) => votes.get(familyConfigKey(c.family, c.config)) ?? 0;
      return best && count(best) >= count(c) ? best : c;
    }, undefined);
    return chosen ? { ...e, family: chosen.family, config: chosen.config } : e;
  });
}

/** The split with consensus targets (voted on by its training problems), or as it is without a tolerance. */
function withConsensusSplit<Q>(split: Split<Q>, tolerance: number | undefined): Split<Q> {
  if (!tolerance) return split;
  return {
    ...split,
    train: withConsensusTargets(split.train, tolerance),
    validation: withConsensusTargets(split.validation, tolerance, split.train),
  };
}

export function exampleOf<Q>(language: ProblemLanguage<Q>, e: CorpusExample<Q>): Example {
  return { features: language.features(e.query), family: e.family, config: e.config };
}

/** The baselines guess the family too where the model picks it: then every answer shares one key. */
const ANY_FAMILY = "*";

/** An answer as one sequence of numbers: the family's index first where the model picks the family. */
function answer(language: ProblemLanguage<unknown>, tokenizer: Tokenizer, family: string, config: Config) {
  const values = tokenizer.sequence(family, config);
  return language.choosesFamily ? [tokenizer.families.indexOf(family), ...values] : values;
}

const baselineKey = (language: ProblemLanguage<unknown>, family: string) =>
  language.choosesFamily ? ANY_FAMILY : family;

function baselineEntry<Q>(
  language: ProblemLanguage<Q>,
  tokenizer: Tokenizer,
  e: CorpusExample<Q>,
): BaselineEntry {
  return {
    family: baselineKey(language, e.family),
    features: language.features(e.query),
    values: answer(language, tokenizer, e.family, e.config),
  };
}

/** A query's candidates, best first, as the model's saved neighbour blend orders them (or why there are none). */
export type Prediction =
  | { ok: true; candidates: FamilyCandidate[]; rerankedBy: NeighbourBlend | null }
  | { ok: false; reason: "no-valid-completion"; message: string };

/** The constrained beam's top-`width` configs for each query, across the families that may answer it. */
export async function predict<Q>(
  learned: LearnedModel,
  language: ProblemLanguage<Q>,
  queries: readonly Q[],
  width: number,
  blend: NeighbourBlend | null = learned.metadata.neighbours ?? null,
): Promise<Prediction[]> {
  const features = queries.map((q) => language.features(q));
  const results = await predictAcrossFamilies(
    learned.model,
    learned.tokenizer,
    queries.map((q, i) => ({
      features: features[i] as Feature[],
      spaces: language.spaces(q, learned.tokenizer),
    })),
    width,
  );
  const rerankedBy = learned.metadata.baselines && blend?.weight ? blend : null;
  return results.map((result, i) =>
    result.ok
      ? {
          ok: true,
          candidates: blendCandidates(
            learned,
            language,
            features[i] as Feature[],
            result.candidates,
            rerankedBy,
          ),
          rerankedBy,
        }
      : result,
  );
}

/** A query's candidates re-ranked by the blend with its nearest training problems' answers (as they are without one). */
export function blendCandidates<Q>(
  learned: LearnedModel,
  language: ProblemLanguage<Q>,
  features: readonly Feature[],
  candidates: FamilyCandidate[],
  blend: NeighbourBlend | null,
): FamilyCandidate[] {
  const table = learned.metadata.baselines;
  if (!table || !blend?.weight) return candidates;
  const family = candidates[0]?.family ?? "";
  const near = nearestNeighbours(table, baselineKey(language, family), features, blend.count);
  const sequenceOf = (c: FamilyCandidate) => answer(language, learned.tokenizer, c.family, c.config);
  return blendWithNeighbours(candidates, near, blend, sequenceOf);
}

/** Candidate lists scored against the examples' tuned configs; validity judged on each family's full space. */
export function scoreCandidates<Q>(
  learned: LearnedModel,
  language: ProblemLanguage<Q>,
  examples: readonly CorpusExample<Q>[],
  candidates: readonly (readonly FamilyCandidate[])[],
): Scores {
  const { tokenizer } = learned;
  return score(
    examples.map((e, i) => {
      // Validity is judged on the family's full space, independently of the search's own masks.
      const spaces = language.spaces(e.query, tokenizer);
      const listed = candidates[i] ?? [];
      const sequences = listed.map((c) => answer(language, tokenizer, c.family, c.config));
      const validity = new Map(
        sequences.map((sequence, j) => {
          const { family, config } = listed[j] as FamilyCandidate;
          const space = spaces[family];
          return [
            sequence as readonly number[],
            Boolean(space) && checkConfig(space as TuningSpace, config).length === 0,
          ];
        }),
      );
      return {
        truth: answer(language, tokenizer, e.family, e.config),
        candidates: sequences,
        isValid: (values) => validity.get(values) ?? false,
      };
    }),
  );
}

/** The beam width `eval` uses by default, so the blend is chosen for the lists it re-ranks. */
export const BLEND_BEAM_WIDTH = 8;
const BLEND_COUNTS = [1, 3, 5, 9, 15];
const BLEND_WEIGHTS = [0, 0.5, 1, 2, 4, 8, 16, 32];

/**
 * The blend that scores best (exact + per value) on examples the model was not fitted to, normally
 * the validation split; weight 0 (the model alone) when no blend helps.
 */
export async function chooseNeighbourBlend<Q>(
  learned: LearnedModel,
  language: ProblemLanguage<Q>,
  examples: readonly CorpusExample<Q>[],
  width: number,
): Promise<NeighbourBlend & { exact: number; perValue: number }> {
  const beams = (
    await predict(
      learned,
      language,
      examples.map((e) => e.query),
      width,
      null,
    )
  ).map((p) => (p.ok ? p.candidates : []));
  const table = learned.metadata.baselines as BaselineTable;
  const most = Math.max(...BLEND_COUNTS);
  const neighbours = examples.map((e) =>
    nearestNeighbours(table, baselineKey(language, e.family), language.features(e.query), most),
  );
  const sequenceOf = (c: FamilyCandidate) => answer(language, learned.tokenizer, c.family, c.config);
  let best = { count: 1, weight: 0, exact: -1, perValue: -1 };
  for (const count of BLEND_COUNTS) {
    for (const weight of BLEND_WEIGHTS) {
      const blended = beams.map((b, i) =>
        blendWithNeighbours(b, neighbours[i] ?? [], { count, weight }, sequenceOf),
      );
      const { exact, perValue } = scoreCandidates(learned, language, examples, blended);
      if (exact + perValue > best.exact + best.perValue) best = { count, weight, exact, perValue };
    }
  }
  return best;
}

/** Measured time of a predicted config over the best measured, where the data holds it. */
export interface TimeRatios {
  /** Examples whose top-1 config was measured, and the geometric mean of its time over the best. */
  top1: { measured: number; geomeanRatio: number | null };
  /** Examples with any top-K config measured, and the geometric mean of the fastest one's over the best. */
  topK: { measured: number; geomeanRatio: number | null };
}

export interface EvalReport extends Scores {
  /** The model's beam without the neighbour blend (equal to the report when there is none). */
  modelAlone: Scores;
  blend?: NeighbourBlend;
  /** Top-1 has the example's family (always so where the problem names its family). */
  family: number;
  /** Where the data holds measured times (this lab's records): how fast the predicted configs ran. */
  times?: TimeRatios;
  /**
   * Each token predicted from the true previous ones (family and parameter tokens): the accuracy
   * training reports per epoch, the kind of figure sequence-model papers quote, above exact match.
   * positionAccuracy: per decoder position (the family token, each parameter, END; undefined where
   * every example has padding); absent from reports saved before it was added.
   */
  teacherForced: { loss: number; accuracy: number; positionAccuracy?: (number | undefined)[] };
  baselines: {
    mostFrequent: { exact: number; perValue: number };
    nearestNeighbour: { exact: number; perValue: number };
  };
}

/** Scores every example: the model's beam (top-1 and top-K, blended as saved, times) and the baselines. */
export async function evaluateModel<Q>(
  learned: LearnedModel,
  language: ProblemLanguage<Q>,
  examples: readonly CorpusExample<Q>[],
  width: number,
): Promise<EvalReport> {
  if (!examples.length) throw new Error("no examples to evaluate");
  const { tokenizer, metadata } = learned;
  const blend = metadata.neighbours?.weight ? metadata.neighbours : undefined;
  const queries = examples.map((e) => e.query);
  const alone = (await predict(learned, language, queries, width, null)).map((p) =>
    p.ok ? p.candidates : [],
  );
  const modelAlone = scoreCandidates(learned, language, examples, alone);
  const ranked = blend
    ? (await predict(learned, language, queries, width, blend)).map((p) => (p.ok ? p.candidates : []))
    : alone;
  const scores = blend ? scoreCandidates(learned, language, examples, ranked) : modelAlone;
  const batch = encodeExamples(
    tokenizer,
    examples.map((e) => exampleOf(language, e)),
  );
  const teacherForced = await evaluateTeacherForced(learned.model, tokenizer, batch).finally(() =>
    disposeBatch(batch),
  );
  const table = metadata.baselines ?? { families: {} };
  const truths = examples.map((e) => answer(language, tokenizer, e.family, e.config));
  const timed = examples.some((e) => e.timing);
  return {
    ...scores,
    modelAlone,
    ...(blend ? { blend } : {}),
    family: examples.filter((e, i) => ranked[i]?.[0]?.family === e.family).length / examples.length,
    ...(timed ? { times: timeRatios(examples, ranked) } : {}),
    teacherForced,
    baselines: {
      mostFrequent: scoreGuesses(
        truths,
        examples.map((e) => mostFrequentGuess(table, baselineKey(language, e.family))),
      ),
      nearestNeighbour: scoreGuesses(
        truths,
        examples.map((e) =>
          nearestNeighbourGuess(table, baselineKey(language, e.family), language.features(e.query)),
        ),
      ),
    },
  };
}

function timeRatios<Q>(
  examples: readonly CorpusExample<Q>[],
  ranked: readonly (readonly FamilyCandidate[])[],
): TimeRatios {
  const top1: number[] = [];
  const topK: number[] = [];
  examples.forEach((e, i) => {
    if (!e.timing) return;
    const { bestNs, measured } = e.timing;
    const times = (ranked[i] ?? []).map((c) => measured.get(familyConfigKey(c.family, c.config)));
    const first = times[0];
    if (first !== undefined) top1.push(first / bestNs);
    const known = times.filter((t): t is number => t !== undefined);
    if (known.length) topK.push(Math.min(...known) / bestNs);
  });
  return {
    top1: { measured: top1.length, geomeanRatio: geometricMean(top1) },
    topK: { measured: topK.length, geomeanRatio: geometricMean(topK) },
  };
}
