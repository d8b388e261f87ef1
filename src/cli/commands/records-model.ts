/**
 * The model commands on tunelab's own JSONL benchmark records: train (holding out a fifth of the
 * problems into holdout.jsonl), predict across families on a recorded device, and eval with the
 * measured times of the predicted configs.
 */
import { join } from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { recordWriter } from "../../core/dataset/io";
import type { TuningRecord } from "../../core/dataset/record";
import { type ModelDevice, modelTokenizer, readMetadata } from "../../core/model/artifacts";
import type { BaselineTable } from "../../core/model/baselines";
import {
  evaluateRecordModel,
  predictRecordConfigs,
  recordCases,
  splitRecordCases,
  trainRecordModel,
} from "../../core/model/records";
import type { TrainOptions } from "../../core/model/train";
import type { ConvProblem } from "../../core/problem";
import { CliError, type CommandContext } from "../command";
import { writeFileAtomic } from "../files";
import { saveModelDir, scoreHint } from "./model-node";
import { readRecordFile } from "./store";

export const HOLDOUT_JSONL = "holdout.jsonl";

export const isRecordFile = (file: string) => file.toLowerCase().endsWith(".jsonl");

async function readRecords(file: string): Promise<TuningRecord[]> {
  const records = await readRecordFile(file);
  if (!records.length) throw new CliError(`--data ${file}: no records (missing or empty file)`);
  return records;
}

export async function trainOnRecords(
  ctx: CommandContext,
  file: string,
  out: string,
  options: TrainOptions,
  holdoutFraction: number,
  backend: string,
) {
  const records = await readRecords(file);
  let split: ReturnType<typeof splitRecordCases>;
  try {
    split = splitRecordCases(recordCases(records), options.seed, holdoutFraction);
  } catch (error) {
    throw new CliError(`${file}: ${(error as Error).message}`);
  }
  ctx.progress(
    `${file}: ${split.train.length} training, ${split.validation.length} validation, ${split.holdout.length} held-out problems (${backend} backend)`,
  );
  const trained = await trainRecordModel(
    split,
    {
      ...options,
      onEpoch: (p) =>
        ctx.progress(
          `epoch ${p.epoch}/${p.epochs}  loss ${p.loss.toFixed(4)}  val loss ${p.valLoss.toFixed(4)}  val token accuracy ${p.valAccuracy.toFixed(4)}  ${p.seconds.toFixed(0)} s`,
        ),
    },
    { file, backend },
  );
  await saveModelDir(out, trained.model, trained.metadata);
  const holdout = join(out, HOLDOUT_JSONL);
  const held = new Set(split.holdout.map((c) => c.text));
  if (held.size) {
    const line = recordWriter("jsonl").record;
    await writeFileAtomic(holdout, records.filter((r) => held.has(r.problem.text)).map(line));
  }
  trained.model.dispose();
  const result = {
    model: out,
    holdout: held.size ? holdout : null,
    families: trained.metadata.source.families,
    problems: {
      train: split.train.length,
      validation: split.validation.length,
      holdout: split.holdout.length,
    },
    epochs: trained.history.length,
    bestEpoch: trained.bestEpoch,
    stoppedEarly: trained.stoppedEarly,
    valAccuracy: trained.history[trained.bestEpoch - 1]?.valAccuracy ?? null,
    seconds: Math.round(trained.seconds * 10) / 10,
    backend,
    options: trained.metadata.options,
  };
  const text = [
    `trained on ${result.problems.train} problems of ${file} (families ${result.families.join(", ")}) in ${result.seconds} s (${backend}), best epoch ${result.bestEpoch} of ${result.epochs}`,
    scoreHint(out, result.holdout),
  ].join("\n");
  return { result, text };
}

/** The recorded device to predict for: the one whose description contains `wanted`, else the model's first. */
export function chosenDevice(model: tf.LayersModel, dir: string, wanted?: string): ModelDevice {
  const devices = readMetadata(model).source.devices ?? [];
  const device = wanted ? devices.find((d) => d.description.includes(wanted)) : devices[0];
  if (!device) {
    const known = devices.map((d) => `'${d.description}'`).join(", ") || "none";
    throw new CliError(
      `the model in ${dir} knows no device ${wanted ? `like '${wanted}'` : ""} (it knows ${known})`,
    );
  }
  return device;
}

export async function predictWithRecordModel(
  model: tf.LayersModel,
  dir: string,
  problem: ConvProblem,
  problemText: string,
  width: number,
  wantedDevice?: string,
) {
  const tokenizer = modelTokenizer(model);
  const device = chosenDevice(model, dir, wantedDevice);
  const started = Date.now();
  const [outcome] = await predictRecordConfigs(model, tokenizer, [{ problem, device }], width);
  const milliseconds = Date.now() - started;
  if (!outcome) throw new Error("the beam search returned nothing");
  const base = { problem: problemText, device: device.description, beam: width, milliseconds };
  if (!outcome.ok) {
    return {
      result: { ...base, ok: false, reason: outcome.reason, message: outcome.message, candidates: [] },
      text: `no valid config for ${problemText} on ${device.description}: ${outcome.message}`,
    };
  }
  const candidates = outcome.candidates.map((c) => ({
    family: c.family,
    config: c.config,
    values: c.values,
    logProb: c.logProb,
  }));
  const text = [
    `${problemText} on ${device.description}, beam ${width}, ${milliseconds} ms:`,
    ...candidates.map((c, i) => {
      const config = Object.entries(c.config)
        .map(([k, v]) => `${k}=${v}`)
        .join(" ");
      return `${String(i + 1).padStart(2)}. ${c.family.padEnd(7)} ${config.padEnd(48)} p=${Math.exp(c.logProb).toFixed(3)}`;
    }),
  ].join("\n");
  return { result: { ...base, ok: true, candidates }, text };
}

export async function evalOnRecords(
  ctx: CommandContext,
  model: tf.LayersModel,
  baselines: BaselineTable,
  file: string,
  width: number,
  backend: string,
) {
  const cases = recordCases(await readRecords(file));
  if (!cases.length) throw new CliError(`${file} has no problem with a verified (status ok) record`);
  ctx.progress(`scoring ${cases.length} problems of ${file} (beam ${width}, ${backend} backend)`);
  const started = Date.now();
  const report = await evaluateRecordModel(model, modelTokenizer(model), baselines, cases, width);
  const seconds = (Date.now() - started) / 1000;
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const ratio = (t: { measured: number; geomeanRatio: number | null }) =>
    t.geomeanRatio === null
      ? "no predicted config was measured"
      : `${t.geomeanRatio.toFixed(3)}x the best measured (${t.measured} of ${report.n} problems measured)`;
  const text = [
    `${report.n} problems of ${file}, beam ${width}, ${seconds.toFixed(1)} s`,
    `model               exact ${pct(report.exact)}  per value ${pct(report.perValue)}  family ${pct(report.family)}  top-${width} ${pct(report.topK)}  valid ${pct(report.valid)}`,
    `most frequent       exact ${pct(report.baselines.mostFrequent.exact)}  per value ${pct(report.baselines.mostFrequent.perValue)}`,
    `nearest neighbour   exact ${pct(report.baselines.nearestNeighbour.exact)}  per value ${pct(report.baselines.nearestNeighbour.perValue)}`,
    `time of top-1       ${ratio(report.times.top1)}`,
    `best of top-${width}       ${ratio(report.times.topK)}`,
  ].join("\n");
  return { result: { ...report, beam: width, seconds }, text };
}
