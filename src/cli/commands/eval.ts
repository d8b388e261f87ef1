import { evaluateModel } from "../../core/learn/pipeline";
import { CliError, type Command, optionalInt, requireString } from "../command";
import { corpusKindOf, readCorpusFile } from "./corpus-file";
import { BACKEND_OPTION, loadModelDir, startNodeBackend } from "./model-node";
import { parseDirections } from "./train";

/** The file kind each corpus is scored on, for the message when the data does not match the model. */
const DATA_OF = { tunelab: "a .jsonl records file", miopen: "a MIOpen perf database (.db or .db.gz)" };
const NAME_OF = { tunelab: "tunelab records", miopen: "MIOpen data" };

export const evalCommand: Command = {
  name: "eval",
  summary: "Score a model's constrained beam search on every example of a data file, beside two baselines.",
  usage:
    "eval --model DIR --data FILE.jsonl|FILE.db[.gz] [--beam K] [--solver S] [--direction F,B] [--backend B]",
  options: {
    model: { type: "string", value: "DIR", description: "folder written by `train`" },
    data: {
      type: "string",
      value: "FILE",
      description: "what to score, e.g. the model's holdout.jsonl (records) or holdout.db (MIOpen)",
    },
    solver: { type: "string", value: "S", description: "MIOpen: the solver to score (default: the model's)" },
    direction: {
      type: "string",
      value: "F,B",
      description: "MIOpen: the directions to score (default: those the model learned)",
    },
    beam: { type: "string", value: "K", description: "beam width", default: "8" },
    ...BACKEND_OPTION,
  },
  async run(ctx) {
    const dir = requireString(ctx, "model");
    const file = requireString(ctx, "data");
    const width = optionalInt(ctx, "beam") ?? 8;
    const backend = await startNodeBackend(ctx.values.backend);
    const learned = await loadModelDir(dir);
    const { metadata } = learned;
    try {
      if (!metadata.baselines)
        throw new CliError(
          `${dir} holds no baselines table (models trained before it was saved inside model.json): train it again to score it`,
        );
      const { kind } = metadata.source;
      if (corpusKindOf(file) !== kind)
        throw new CliError(
          `${dir} was trained on ${NAME_OF[kind]}: score it on ${DATA_OF[kind]}, not ${file}`,
        );
      const data = await readCorpusFile(file, {
        solver: typeof ctx.values.solver === "string" ? ctx.values.solver : metadata.source.families[0],
        directions: parseDirections(ctx.values.direction) ?? metadata.source.directions,
      });
      const { examples } = data.corpus;
      ctx.progress(`scoring ${examples.length} ${data.unit} of ${file} (beam ${width}, ${backend} backend)`);
      const started = Date.now();
      const report = await evaluateModel(learned, data.corpus.language, examples, width);
      const seconds = (Date.now() - started) / 1000;
      const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
      const ratio = (t: { measured: number; geomeanRatio: number | null }) =>
        t.geomeanRatio === null
          ? "no predicted config was measured"
          : `${t.geomeanRatio.toFixed(3)}x the best measured (${t.measured} of ${report.n} measured)`;
      const about = Object.values(data.about).map(String).join(" ");
      const text = [
        `${report.n} ${data.unit} of ${file}${about ? `, ${about}` : ""}, beam ${width}, ${seconds.toFixed(1)} s`,
        `model               exact ${pct(report.exact)}  per value ${pct(report.perValue)}  family ${pct(report.family)}  top-${width} ${pct(report.topK)}  valid ${pct(report.valid)}${report.blend ? `  (beam re-ranked by ${report.blend.count} nearest neighbours, weight ${report.blend.weight})` : ""}`,
        ...(report.blend
          ? [
              `model alone         exact ${pct(report.modelAlone.exact)}  per value ${pct(report.modelAlone.perValue)}`,
            ]
          : []),
        `teacher-forced      token accuracy ${pct(report.teacherForced.accuracy)} (each value given the true previous ones)`,
        `  per position      ${(report.teacherForced.positionAccuracy ?? [])
          .map((a, t) => (a === undefined ? "" : `${t === 0 ? "family" : t} ${pct(a)}`))
          .filter(Boolean)
          .join("  ")}`,
        `most frequent       exact ${pct(report.baselines.mostFrequent.exact)}  per value ${pct(report.baselines.mostFrequent.perValue)}`,
        `nearest neighbour   exact ${pct(report.baselines.nearestNeighbour.exact)}  per value ${pct(report.baselines.nearestNeighbour.perValue)}`,
        ...(report.times
          ? [
              `time of top-1       ${ratio(report.times.top1)}`,
              `best of top-${width}       ${ratio(report.times.topK)}`,
            ]
          : []),
      ].join("\n");
      return { result: { ...report, beam: width, seconds }, text };
    } finally {
      learned.model.dispose();
    }
  },
};
