import { join } from "node:path";
import { splitMiopenRows, trainMiopenModel } from "../../core/miopen/model";
import { DEFAULT_TRAIN_OPTIONS } from "../../core/model/defaults";
import { HOLDOUT_FRACTION } from "../../core/model/split";
import { CliError, type Command, type CommandContext, optionalInt, requireString } from "../command";
import {
  BACKEND_OPTION,
  readPerfRows,
  saveModelDir,
  scoreHint,
  startNodeBackend,
  writePerfRows,
} from "./model-node";
import { isRecordFile, trainOnRecords } from "./records-model";

export const HOLDOUT_DB = "holdout.db";

/** "F,B" -> ["F", "B"], checked. */
export function parseDirections(value: string | boolean | undefined): string[] | undefined {
  if (typeof value !== "string") return undefined;
  const directions = value.split(",").map((d) => d.trim().toUpperCase());
  for (const d of directions) {
    if (!["F", "B", "W"].includes(d))
      throw new CliError(`--direction: expected F, B or W (comma-separated), got '${d}'`);
  }
  return directions;
}

/** A number below 1 given as --name: above 0, or from 0 when `zero` is allowed. */
function fraction(ctx: CommandContext, name: string, zero: boolean): number | undefined {
  const value = ctx.values[name];
  if (value === undefined) return undefined;
  const x = Number(value);
  if (typeof value !== "string" || value.trim() === "" || !((zero ? x >= 0 : x > 0) && x < 1))
    throw new CliError(`--${name} must be a number in ${zero ? "[0" : "(0"}, 1), got '${String(value)}'`);
  return x;
}

export const trainCommand: Command = {
  name: "train",
  summary: "Train the Seq2Seq GRU on tuned configs; hold out a fifth of the problems for `eval`.",
  usage:
    "train --data FILE.jsonl|FILE.db[.gz] --out DIR [--solver S] [--direction F,B] [--epochs E] [--minutes M] [--seed S] [--holdout F] [--no-attention] [--units U] [--backend B]",
  options: {
    data: {
      type: "string",
      value: "FILE",
      description: "tunelab benchmark records (.jsonl) or a MIOpen perf database (.db or .db.gz)",
    },
    out: {
      type: "string",
      value: "DIR",
      description: "folder for model.json, weights.bin, holdout.jsonl or holdout.db",
    },
    solver: { type: "string", value: "S", description: "MIOpen solver (default: the file's most common)" },
    direction: {
      type: "string",
      value: "F,B",
      description: "directions to learn (default: all the solver has)",
    },
    epochs: { type: "string", value: "E", description: "most epochs (early stopping may end sooner)" },
    seed: {
      type: "string",
      value: "S",
      description: "seed of the split, initializers and shuffles",
      default: "1",
    },
    attention: { type: "boolean", description: "decoder attends over the encoder states (the default)" },
    "no-attention": { type: "boolean", description: "plain decoder: reads only the encoder's last state" },
    units: { type: "string", value: "U", description: "GRU units" },
    batch: { type: "string", value: "B", description: "batch size" },
    patience: {
      type: "string",
      value: "P",
      description: "epochs without a better validation loss before stopping",
    },
    lr: { type: "string", value: "R", description: "Adam learning rate" },
    holdout: {
      type: "string",
      value: "F",
      description: "share of the problems held out for eval (0: train on all but the validation share)",
      default: String(HOLDOUT_FRACTION),
    },
    minutes: {
      type: "string",
      value: "M",
      description: `time budget: stop after the epoch that passes it (default ${(DEFAULT_TRAIN_OPTIONS.maxSeconds ?? 0) / 60})`,
    },
    ...BACKEND_OPTION,
  },
  async run(ctx) {
    const file = requireString(ctx, "data");
    const out = requireString(ctx, "out");
    const directions = parseDirections(ctx.values.direction);
    const options = {
      ...DEFAULT_TRAIN_OPTIONS,
      seed: optionalInt(ctx, "seed", 0) ?? DEFAULT_TRAIN_OPTIONS.seed,
      epochs: optionalInt(ctx, "epochs") ?? DEFAULT_TRAIN_OPTIONS.epochs,
      units: optionalInt(ctx, "units") ?? DEFAULT_TRAIN_OPTIONS.units,
      batchSize: optionalInt(ctx, "batch") ?? DEFAULT_TRAIN_OPTIONS.batchSize,
      patience: optionalInt(ctx, "patience") ?? DEFAULT_TRAIN_OPTIONS.patience,
      learningRate: fraction(ctx, "lr", false) ?? DEFAULT_TRAIN_OPTIONS.learningRate,
      attention: ctx.values["no-attention"] !== true,
      ...(ctx.values.minutes !== undefined ? { maxSeconds: 60 * (optionalInt(ctx, "minutes") ?? 0) } : {}),
    };
    const holdoutFraction = fraction(ctx, "holdout", true) ?? HOLDOUT_FRACTION;
    const backend = await startNodeBackend(ctx.values.backend);
    if (isRecordFile(file)) return trainOnRecords(ctx, file, out, options, holdoutFraction, backend);
    const { solver, rows } = await readPerfRows(
      file,
      typeof ctx.values.solver === "string" ? ctx.values.solver : undefined,
    );
    let split: ReturnType<typeof splitMiopenRows>;
    try {
      split = splitMiopenRows(rows, directions, options.seed, holdoutFraction);
    } catch (error) {
      throw new CliError(`${file} ${solver}: ${(error as Error).message}`);
    }
    ctx.progress(
      `${solver}: ${split.train.length} training, ${split.validation.length} validation, ${split.holdout.length} held-out rows (${backend} backend)`,
    );
    const trained = await trainMiopenModel(
      split,
      {
        ...options,
        onEpoch: (p) =>
          ctx.progress(
            `epoch ${p.epoch}/${p.epochs}  loss ${p.loss.toFixed(4)}  val loss ${p.valLoss.toFixed(4)}  val token accuracy ${p.valAccuracy.toFixed(4)}  ${p.seconds.toFixed(0)} s`,
          ),
      },
      { file, ...(directions ? { directions } : {}), backend },
    );
    await saveModelDir(out, trained.model, trained.metadata);
    const holdout = split.holdout.length ? join(out, HOLDOUT_DB) : null;
    if (holdout) await writePerfRows(holdout, split.holdout);
    const last = trained.history.at(-1);
    const result = {
      model: out,
      holdout,
      solver,
      directions: directions ?? [...new Set(rows.map((r) => r.problem.direction))].sort(),
      rows: { train: split.train.length, validation: split.validation.length, holdout: split.holdout.length },
      epochs: trained.history.length,
      bestEpoch: trained.bestEpoch,
      stoppedEarly: trained.stoppedEarly,
      valAccuracy: trained.history[trained.bestEpoch - 1]?.valAccuracy ?? last?.valAccuracy,
      seconds: Math.round(trained.seconds * 10) / 10,
      neighbours: trained.metadata.neighbours,
      backend,
      options: trained.metadata.options,
    };
    trained.model.dispose();
    const text = [
      `trained ${solver} on ${result.rows.train} rows in ${result.seconds} s (${backend}), best epoch ${result.bestEpoch} of ${result.epochs}`,
      `beam re-ranked by the ${result.neighbours?.count} nearest training problems, weight ${result.neighbours?.weight} (chosen on the validation shapes)`,
      scoreHint(out, holdout),
    ].join("\n");
    return { result, text };
  },
};
