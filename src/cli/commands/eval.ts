import { evaluateMiopenModel } from "../../core/miopen/model";
import { modelTokenizer, readMetadata } from "../../core/model/artifacts";
import { CliError, type Command, optionalInt, requireString } from "../command";
import { BACKEND_OPTION, loadModelDir, modelSolver, readPerfRows, startNodeBackend } from "./model-node";
import { evalOnRecords, isRecordFile } from "./records-model";
import { parseDirections } from "./train";

export const evalCommand: Command = {
  name: "eval",
  summary: "Score a model's constrained beam search on every row of a data file, beside two baselines.",
  usage:
    "eval --model DIR --data FILE.jsonl|FILE.db[.gz] [--beam K] [--solver S] [--direction F,B] [--backend B]",
  options: {
    model: { type: "string", value: "DIR", description: "folder written by `train`" },
    data: {
      type: "string",
      value: "FILE",
      description: "what to score, e.g. the model's holdout.jsonl (records) or holdout.db (MIOpen)",
    },
    solver: { type: "string", value: "S", description: "solver to score (default: the model's)" },
    direction: {
      type: "string",
      value: "F,B",
      description: "directions to score (default: those the model learned)",
    },
    beam: { type: "string", value: "K", description: "beam width", default: "8" },
    ...BACKEND_OPTION,
  },
  async run(ctx) {
    const dir = requireString(ctx, "model");
    const file = requireString(ctx, "data");
    const width = optionalInt(ctx, "beam") ?? 8;
    const backend = await startNodeBackend(ctx.values.backend);
    const { model, baselines } = await loadModelDir(dir);
    if (!baselines)
      throw new CliError(
        `${dir} holds no baselines table (models trained before it was saved inside model.json): train it again to score it`,
      );
    const metadata = readMetadata(model);
    if (metadata.source.kind === "tunelab") {
      if (!isRecordFile(file))
        throw new CliError(
          `${dir} was trained on tunelab records: score it on a .jsonl records file, not ${file}`,
        );
      try {
        return await evalOnRecords(ctx, model, baselines, file, width, backend);
      } finally {
        model.dispose();
      }
    }
    const tokenizer = modelTokenizer(model);
    const solver = modelSolver(ctx, metadata, dir);
    const directions = parseDirections(ctx.values.direction) ?? metadata.source.directions;
    const { rows: all } = await readPerfRows(file, solver);
    const rows = directions ? all.filter((r) => directions.includes(r.problem.direction)) : all;
    if (!rows.length)
      throw new CliError(`${file} has no ${solver} rows with direction ${directions?.join(" or ")}`);
    ctx.progress(`scoring ${rows.length} ${solver} rows of ${file} (beam ${width}, ${backend} backend)`);
    const started = Date.now();
    const report = await evaluateMiopenModel(model, tokenizer, baselines, rows, width, metadata.neighbours);
    const seconds = (Date.now() - started) / 1000;
    model.dispose();
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    const text = [
      `${report.n} rows of ${file}, ${solver}${directions ? ` (${directions.join(",")})` : ""}, beam ${width}, ${seconds.toFixed(1)} s`,
      `model               exact ${pct(report.exact)}  per value ${pct(report.perValue)}  top-${width} ${pct(report.topK)}  valid ${pct(report.valid)}${report.blend ? `  (beam re-ranked by ${report.blend.count} nearest neighbours, weight ${report.blend.weight})` : ""}`,
      ...(report.blend
        ? [
            `model alone         exact ${pct(report.modelAlone.exact)}  per value ${pct(report.modelAlone.perValue)}`,
          ]
        : []),
      `teacher-forced      token accuracy ${pct(report.teacherForced.accuracy)} (each value given the true previous ones)`,
      `most frequent       exact ${pct(report.baselines.mostFrequent.exact)}  per value ${pct(report.baselines.mostFrequent.perValue)}`,
      `nearest neighbour   exact ${pct(report.baselines.nearestNeighbour.exact)}  per value ${pct(report.baselines.nearestNeighbour.perValue)}`,
    ].join("\n");
    const {
      n,
      exact,
      perValue,
      topK,
      valid,
      unanswered,
      modelAlone,
      blend,
      teacherForced,
      baselines: yardsticks,
    } = report;
    return {
      result: {
        n,
        exact,
        perValue,
        topK,
        valid,
        unanswered,
        beam: width,
        seconds,
        modelAlone,
        ...(blend ? { blend } : {}),
        teacherForced,
        baselines: yardsticks,
      },
      text,
    };
  },
};
