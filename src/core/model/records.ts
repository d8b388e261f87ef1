/**
 * The model on tunelab's own benchmark records. For each device and problem the target is the fastest
 * verified (status ok) record across every family; the decoder reads the family first, then that
 * family's parameters in its space's order (each family has its own positions and vocabularies). The
 * encoder reads the problem's features plus the device's class (vendor and compute limits).
 * Shared by the CLI and the worker.
 */
import type * as tf from "@tensorflow/tfjs";
import { configKey, type TuningRecord } from "../dataset/record";
import { geometricMean } from "../dataset/summary";
import type { DeviceLimits } from "../families/family";
import { FAMILIES, familyById } from "../families/index";
import { type ConvProblem, formatProblem } from "../problem";
import { checkConfig, type TuningSpace, toConfig, toValues } from "../space/space";
import type { ModelDevice, ModelMetadata } from "./artifacts";
import { type BaselineTable, buildBaselines, mostFrequentGuess, nearestNeighbourGuess } from "./baselines";
import { deviceFeatures, modelDeviceOf } from "./device";
import { convFeatures, type Feature } from "./features";
import { type Scores, score, scoreGuesses } from "./metrics";
import { type FamilyBeamResult, predictAcrossFamilies } from "./predictor";
import { HOLDOUT_FRACTION, splitForTraining } from "./split";
import { type Example, Tokenizer } from "./tokenizer";
import { type TrainOptions, type TrainResult, trainSeq2Seq } from "./train";

export function problemDeviceFeatures(problem: ConvProblem, device: ModelDevice): Feature[] {
  return [...convFeatures(problem), ...deviceFeatures(device)];
}

/** One device and problem of a dataset: the fastest verified config, and every measured time. */
export interface RecordCase {
  problem: ConvProblem;
  text: string;
  device: ModelDevice;
  example: Example;
  bestNs: number;
  /** Median time of each verified config, keyed by `measuredKey`. */
  measured: Map<string, number>;
}

export const measuredKey = (family: string, config: Record<string, number>) =>
  `${family}|${configKey(config)}`;

/** Groups records by device and problem; groups with no verified record have no target and are left out. */
export function recordCases(records: readonly TuningRecord[]): RecordCase[] {
  const groups = new Map<string, TuningRecord[]>();
  for (const r of records) {
    if (r.status !== "ok" || r.medianNs === null) continue;
    const key = [r.device.vendor, r.device.architecture, r.device.description, r.problem.text].join("|");
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()].map((group) => {
    const best = group.reduce((a, b) => ((b.medianNs as number) < (a.medianNs as number) ? b : a));
    const problem = best.problem.fields;
    const device = modelDeviceOf(best.device);
    const space = familyById(best.family).space(problem, device.limits);
    let values: number[];
    try {
      values = toValues(space, best.config);
    } catch (error) {
      throw new Error(`${best.problem.text} ${best.family}: ${(error as Error).message}`);
    }
    return {
      problem,
      text: formatProblem(problem),
      device,
      example: { features: problemDeviceFeatures(problem, device), family: best.family, values },
      bestNs: best.medianNs as number,
      measured: new Map(group.map((r) => [measuredKey(r.family, r.config), r.medianNs as number])),
    };
  });
}

/** Parameter names of every family, in decoding order (the order of its space). */
export function familyParamNames(cases: readonly RecordCase[]): Record<string, string[]> {
  const names: Record<string, string[]> = {};
  for (const c of cases) {
    names[c.example.family] ??= familyById(c.example.family)
      .space(c.problem, c.device.limits)
      .params.map((p) => p.name);
  }
  return names;
}

export interface RecordSplit {
  train: RecordCase[];
  validation: RecordCase[];
  holdout: RecordCase[];
}

/** Splits by problem (each on every device): a fifth held out by default, a tenth of the rest validates. */
export function splitRecordCases(
  cases: readonly RecordCase[],
  seed: number,
  holdoutFraction = HOLDOUT_FRACTION,
): RecordSplit {
  if (!cases.length) throw new Error("no problem has a verified (status ok) record");
  const byProblem = (c: RecordCase) => c.text;
  const { train, validation, holdout } = splitForTraining(cases, byProblem, seed, holdoutFraction);
  if (!validation.length || !train.length) {
    throw new Error(`${cases.length} problems are too few to train with early stopping (need at least 3)`);
  }
  return { train, validation, holdout };
}

/** The baselines guess the family too: their table keys every example under one pseudo-family. */
const ANY_FAMILY = "*";

/** A config as one sequence, family first (its index among the model's families), as the decoder emits it. */
function sequence(tokenizer: Tokenizer, family: string, values: readonly number[]): number[] {
  return [tokenizer.json.families.findIndex((f) => f.id === family), ...values];
}

export interface TrainedRecordModel extends TrainResult {
  metadata: ModelMetadata;
  baselines: BaselineTable;
  tokenizer: Tokenizer;
}

export async function trainRecordModel(
  split: RecordSplit,
  options: TrainOptions,
  source: { file: string; backend: string },
): Promise<TrainedRecordModel> {
  const all = [...split.train, ...split.validation, ...split.holdout];
  const train = split.train.map((c) => c.example);
  const tokenizer = Tokenizer.fit(train, familyParamNames(all));
  const result = await trainSeq2Seq(
    tokenizer,
    train,
    split.validation.map((c) => c.example),
    options,
  );
  const baselines = buildBaselines(
    train.map((e) => ({ ...e, family: ANY_FAMILY, values: sequence(tokenizer, e.family, e.values) })),
  );
  const { signal: _, onEpoch: __, ...kept } = options;
  const devices = [...new Map(all.map((c) => [c.device.description, c.device])).values()];
  const metadata: ModelMetadata = {
    format: "tunelab-seq2seq",
    version: 1,
    tokenizer: tokenizer.json,
    source: {
      kind: "tunelab",
      file: source.file,
      families: tokenizer.json.families.map((f) => f.id),
      devices,
    },
    options: kept,
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

/** Each family's space for this problem on this device, for the families the model knows and that run it. */
export function familySpaces(
  tokenizer: Tokenizer,
  problem: ConvProblem,
  limits: DeviceLimits,
): Record<string, TuningSpace> {
  const known = new Set(tokenizer.json.families.map((f) => f.id));
  return Object.fromEntries(
    FAMILIES.filter((f) => known.has(f.id) && f.unsupported(problem) === null).map((f) => [
      f.id,
      f.space(problem, limits),
    ]),
  );
}

/** The model's top-`width` configs across families for each problem on its device, best first. */
export function predictRecordConfigs(
  model: tf.LayersModel,
  tokenizer: Tokenizer,
  problems: readonly { problem: ConvProblem; device: ModelDevice }[],
  width: number,
): Promise<FamilyBeamResult[]> {
  return predictAcrossFamilies(
    model,
    tokenizer,
    problems.map(({ problem, device }) => ({
      features: problemDeviceFeatures(problem, device),
      spaces: familySpaces(tokenizer, problem, device.limits),
    })),
    width,
  );
}

/** Measured time of a predicted config over the best measured, where the records hold it. */
export interface TimeRatios {
  /** Problems whose top-1 config was measured, and the geometric mean of its time over the best. */
  top1: { measured: number; geomeanRatio: number | null };
  /** Problems with any top-K config measured, and the geometric mean of the fastest one's over the best. */
  topK: { measured: number; geomeanRatio: number | null };
}

export interface RecordEvalReport extends Scores {
  /** Top-1 has the fastest family. */
  family: number;
  times: TimeRatios;
  baselines: {
    mostFrequent: { exact: number; perValue: number };
    nearestNeighbour: { exact: number; perValue: number };
  };
}

/** Scores every case: the model's beam (family and values, top-1 and top-K, times) and the baselines. */
export async function evaluateRecordModel(
  model: tf.LayersModel,
  tokenizer: Tokenizer,
  baselines: BaselineTable,
  cases: readonly RecordCase[],
  width: number,
): Promise<RecordEvalReport> {
  if (!cases.length) throw new Error("no problems with a verified record to evaluate");
  const results = await predictRecordConfigs(model, tokenizer, cases, width);
  const families = tokenizer.json.families.map((f) => f.id);
  const candidatesOf = (i: number) => {
    const result = results[i];
    return result?.ok ? result.candidates : [];
  };
  const scores = score(
    cases.map((c, i) => ({
      truth: sequence(tokenizer, c.example.family, c.example.values),
      candidates: candidatesOf(i).map((k) => sequence(tokenizer, k.family, k.values)),
      // Validity is judged on the family's full space, independently of the search's own masks.
      isValid: ([index, ...values]) => {
        const family = families[index as number];
        if (!family) return false;
        const space = familyById(family).space(c.problem, c.device.limits);
        return checkConfig(space, toConfig(space, values)).length === 0;
      },
    })),
  );
  const top1: number[] = [];
  const topK: number[] = [];
  let familyRight = 0;
  cases.forEach((c, i) => {
    const candidates = candidatesOf(i);
    if (candidates[0]?.family === c.example.family) familyRight++;
    const times = candidates.map((k) => c.measured.get(measuredKey(k.family, k.config)));
    const first = times[0];
    if (first !== undefined) top1.push(first / c.bestNs);
    const known = times.filter((t): t is number => t !== undefined);
    if (known.length) topK.push(Math.min(...known) / c.bestNs);
  });
  const truths = cases.map((c) => sequence(tokenizer, c.example.family, c.example.values));
  return {
    ...scores,
    family: familyRight / cases.length,
    times: {
      top1: { measured: top1.length, geomeanRatio: geometricMean(top1) },
      topK: { measured: topK.length, geomeanRatio: geometricMean(topK) },
    },
    baselines: {
      mostFrequent: scoreGuesses(
        truths,
        cases.map(() => mostFrequentGuess(baselines, ANY_FAMILY)),
      ),
      nearestNeighbour: scoreGuesses(
        truths,
        cases.map((c) => nearestNeighbourGuess(baselines, ANY_FAMILY, c.example.features)),
      ),
    },
  };
}

/** The model's ranking for the model-guided strategy: top-`width` across families on `device`. */
export function recordModelRanking(
  model: tf.LayersModel,
  tokenizer: Tokenizer,
  device: ModelDevice,
  width: number,
  onNoAnswer?: (problem: ConvProblem, message: string) => void,
): (problem: ConvProblem) => Promise<{ family: string; config: Record<string, number> }[]> {
  return async (problem) => {
    const [result] = await predictRecordConfigs(model, tokenizer, [{ problem, device }], width);
    if (!result?.ok) {
      onNoAnswer?.(problem, result?.message ?? "the beam search returned nothing");
      return [];
    }
    return result.candidates.map((c) => ({ family: c.family, config: c.config }));
  };
}
