/**
 * The model on MIOpen data, end to end: split one perf-db file's rows by problem shape (seeded), train
 * on one part with early stopping on another, and score a third (or any file) with the constrained
 * beam search beside the two baselines. Shared by the CLI and the worker.
 */
import type * as tf from "@tensorflow/tfjs";
import type { ModelMetadata } from "../model/artifacts";
import {
  type BaselineTable,
  blendWithNeighbours,
  buildBaselines,
  mostFrequentGuess,
  type NeighbourBlend,
  nearestNeighbourGuess,
  nearestNeighbours,
  rankWithNeighbours,
} from "../model/baselines";
import type { BeamCandidate } from "../model/beam";
import { miopenFeatures } from "../model/features";
import { type Scores, score, scoreGuesses } from "../model/metrics";
import { predictConfigs } from "../model/predictor";
import { HOLDOUT_FRACTION, splitForTraining } from "../model/split";
import { Tokenizer } from "../model/tokenizer";
import {
  disposeBatch,
  encodeExamples,
  evaluateTeacherForced,
  type TrainOptions,
  type TrainResult,
  trainSeq2Seq,
} from "../model/train";
import type { ConvProblem } from "../problem";
import { checkConfig, toConfig } from "../space/space";
import { miopenExample, shapeKey, solverParamNames, solverSpace } from "./examples";
import type { MiopenDirection, MiopenProblem, PerfRow } from "./perfdb";

export interface MiopenSplit {
  train: PerfRow[];
  validation: PerfRow[];
  holdout: PerfRow[];
}

/** Keeps the chosen directions, then splits by problem (its two directions stay together). */
export function splitMiopenRows(
  rows: readonly PerfRow[],
  directions: readonly string[] | undefined,
  seed: number,
  holdoutFraction = HOLDOUT_FRACTION,
): MiopenSplit {
  const chosen = directions?.length
    ? rows.filter((r) => directions.includes(r.problem.direction))
    : [...rows];
  if (!chosen.length) throw new Error(`no rows with direction ${directions?.join(" or ")}`);
  const byShape = (r: PerfRow) => shapeKey(r.problem);
  return splitForTraining(chosen, byShape, seed, holdoutFraction);
}

export interface TrainedMiopenModel extends TrainResult {
  metadata: ModelMetadata;
  baselines: BaselineTable;
  tokenizer: Tokenizer;
}

export async function trainMiopenModel(
  split: MiopenSplit,
  options: TrainOptions,
  source: { file: string; directions?: string[]; backend: string },
): Promise<TrainedMiopenModel> {
  const train = split.train.map(miopenExample);
  const families = [...new Set(train.map((e) => e.family))].sort();
  const paramNames = Object.fromEntries(
    families.map((f) => [f, solverParamNames(f, train.find((e) => e.family === f)?.values.length ?? 0)]),
  );
  const tokenizer = Tokenizer.fit(train, paramNames);
  const result = await trainSeq2Seq(tokenizer, train, split.validation.map(miopenExample), options);
  const baselines = buildBaselines(train);
  // Chosen on the validation shapes: the held-out ones stay unseen until `eval`.
  const { count, weight } = await chooseNeighbourBlend(
    result.model,
    tokenizer,
    baselines,
    split.validation,
    BLEND_BEAM_WIDTH,
  );
  const { signal: _, onEpoch: __, ...kept } = options;
  const metadata: ModelMetadata = {
    format: "tunelab-seq2seq",
    version: 1,
    tokenizer: tokenizer.json,
    source: {
      kind: "miopen",
      file: source.file,
      families,
      ...(source.directions ? { directions: source.directions } : {}),
    },
    options: kept,
    neighbours: { count, weight },
    baselines,
    training: {
      examples: train.length,
      validation: split.validation.length,
      bestEpoch: result.bestEpoch,
      seconds: result.seconds,
      backend: source.backend,
    },
  };
  return { ...result, metadata, baselines, tokenizer };
}

/** The constrained beam's candidates for every row, best first (none where no valid config exists). */
async function beamCandidates(
  model: tf.LayersModel,
  tokenizer: Tokenizer,
  rows: readonly PerfRow[],
  width: number,
): Promise<BeamCandidate[][]> {
  const predicted: BeamCandidate[][] = rows.map(() => []);
  const bySolver = new Map<string, number[]>();
  rows.forEach((row, i) => {
    const list = bySolver.get(row.solver);
    if (list) list.push(i);
    else bySolver.set(row.solver, [i]);
  });
  for (const [solver, indices] of bySolver) {
    const vocabulary = tokenizer.vocabulary(solver);
    const results = await predictConfigs(
      model,
      tokenizer,
      solver,
      indices.map((i) => {
        const problem = (rows[i] as PerfRow).problem;
        return { features: miopenFeatures(problem), space: solverSpace(solver, problem, vocabulary) };
      }),
      width,
    );
    results.forEach((result, j) => {
      predicted[indices[j] as number] = result.ok ? result.candidates : [];
    });
  }
  return predicted;
}

/** Candidate lists scored against the rows' tuned configs; validity on the solver's full space. */
export function scoreCandidates(
  tokenizer: Tokenizer,
  rows: readonly PerfRow[],
  candidates: readonly (readonly BeamCandidate[])[],
): Scores {
  return score(
    rows.map((row, i) => {
      // Validity is judged on the solver's full space, independently of the search's own masks.
      const space = solverSpace(row.solver, row.problem, tokenizer.vocabulary(row.solver));
      return {
        truth: row.params,
        candidates: (candidates[i] ?? []).map((c) => c.values),
        isValid: (values) => checkConfig(space, toConfig(space, values)).length === 0,
      };
    }),
  );
}

/** The beam width `eval` uses by default, so the blend is chosen for the lists it re-ranks. */
export const BLEND_BEAM_WIDTH = 8;
const BLEND_COUNTS = [1, 3, 5, 9, 15];
const BLEND_WEIGHTS = [0, 0.5, 1, 2, 4, 8, 16, 32];

/**
 * The blend that scores best (exact + per value) on rows the model was not fitted to, normally the
 * validation split; weight 0 (the model alone) when no blend helps.
 */
export async function chooseNeighbourBlend(
  model: tf.LayersModel,
  tokenizer: Tokenizer,
  baselines: BaselineTable,
  rows: readonly PerfRow[],
  width: number,
): Promise<NeighbourBlend & { exact: number; perValue: number }> {
  const beams = await beamCandidates(model, tokenizer, rows, width);
  const most = Math.max(...BLEND_COUNTS);
  const neighbours = rows.map((r) => nearestNeighbours(baselines, r.solver, miopenFeatures(r.problem), most));
  let best = { count: 1, weight: 0, exact: -1, perValue: -1 };
  for (const count of BLEND_COUNTS) {
    for (const weight of BLEND_WEIGHTS) {
      const blended = beams.map((b, i) => blendWithNeighbours(b, neighbours[i] ?? [], { count, weight }));
      const { exact, perValue } = scoreCandidates(tokenizer, rows, blended);
      if (exact + perValue > best.exact + best.perValue) best = { count, weight, exact, perValue };
    }
  }
  return best;
}

export interface EvalReport extends Scores {
  /** The model's beam without the neighbour blend (equal to the report when there is none). */
  modelAlone: Scores;
  blend?: NeighbourBlend;
  /**
   * Each token predicted from the true previous ones (family and parameter tokens): the accuracy
   * training reports per epoch, the kind of figure sequence-model papers quote, above exact match.
   */
  teacherForced: { loss: number; accuracy: number };
  baselines: {
    mostFrequent: { exact: number; perValue: number };
    nearestNeighbour: { exact: number; perValue: number };
  };
}

/** Scores every row: the model's beam (top-1 and top-K, blended when asked) and the baselines' guesses. */
export async function evaluateMiopenModel(
  model: tf.LayersModel,
  tokenizer: Tokenizer,
  baselines: BaselineTable,
  rows: readonly PerfRow[],
  width: number,
  blend?: NeighbourBlend,
): Promise<EvalReport> {
  if (!rows.length) throw new Error("no rows to evaluate");
  const beams = await beamCandidates(model, tokenizer, rows, width);
  const modelAlone = scoreCandidates(tokenizer, rows, beams);
  const scores = blend
    ? scoreCandidates(
        tokenizer,
        rows,
        beams.map((b, i) => {
          const row = rows[i] as PerfRow;
          return rankWithNeighbours(b, baselines, blend, row.solver, miopenFeatures(row.problem)).candidates;
        }),
      )
    : modelAlone;
  const batch = encodeExamples(tokenizer, rows.map(miopenExample));
  const teacherForced = await evaluateTeacherForced(model, tokenizer, batch).finally(() =>
    disposeBatch(batch),
  );
  const truths = rows.map((r) => r.params);
  return {
    ...scores,
    modelAlone,
    ...(blend ? { blend } : {}),
    teacherForced,
    baselines: {
      mostFrequent: scoreGuesses(
        truths,
        rows.map((r) => mostFrequentGuess(baselines, r.solver)),
      ),
      nearestNeighbour: scoreGuesses(
        truths,
        rows.map((r) => nearestNeighbourGuess(baselines, r.solver, miopenFeatures(r.problem))),
      ),
    },
  };
}

/** tunelab's problem text form as a MIOpen problem of one direction (2-D rows keep 0 in the depth fields). */
export function miopenProblemOf(problem: ConvProblem, direction: MiopenDirection): MiopenProblem {
  return {
    layout: problem.layout,
    precision: problem.precision === "f16" ? "FP16" : "FP32",
    direction,
    spatialDim: 2,
    c: problem.c,
    h: problem.h,
    w: problem.w,
    d: 1,
    r: problem.r,
    s: problem.s,
    t: 1,
    k: problem.k,
    n: problem.n,
    padH: problem.padH,
    padW: problem.padW,
    padD: 0,
    strideH: problem.strideH,
    strideW: problem.strideW,
    strideD: 0,
    dilH: problem.dilH,
    dilW: problem.dilW,
    dilD: 0,
    bias: 0,
    groups: problem.groups,
  };
}
