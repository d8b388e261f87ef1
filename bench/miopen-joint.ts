/**
 * One model of both GPUs' data, told the GPU: ConvAsm1x1U rows of two MIOpen perf databases (by
 * default gfx906_60 and gfx900_56), each file split as `train` splits it alone (seed 1: the held-out
 * fifth, then a validation tenth), the training and validation parts joined, and one encoder input
 * more, a flag that is on for the first file's rows (the "architecture token"; the neighbour blend's
 * distance reads it too). The model is scored on each file's own held-out rows with `eval`'s scoring
 * (evaluateModel, beam 8), beside the single-file models named by --models (scored the same way, on
 * the same rows). --second-share F keeps only a share of the second file's training problems, the
 * very ones `train --train-share F` keeps (the transfer experiment's question, answered with the
 * first GPU's rows in place of its model). Prints a table and one JSON line.
 *   node bench/run.mjs bench/miopen-joint.ts [--data A.db.gz,B.db.gz] [--models DIR_A,DIR_B] [--minutes M] [--second-share F] [--out DIR]
 */
import { parseArgs } from "node:util";
import { loadModelDir, readPerfRows, saveModelDir, startNodeBackend } from "../src/cli/commands/model-node";
import { SHARE_SEED_OFFSET } from "../src/cli/commands/train";
import { miopenFeatures } from "../src/core/corpora/conv-features";
import { type MiopenQuery, miopenCorpus, miopenLanguage } from "../src/core/corpora/miopen";
import type { LearnedModel } from "../src/core/learn/artifacts";
import type { Corpus, CorpusExample, ProblemLanguage } from "../src/core/learn/corpus";
import { DEFAULT_TRAIN_OPTIONS } from "../src/core/learn/defaults";
import type { Feature } from "../src/core/learn/features";
import {
  type EvalReport,
  evaluateModel,
  type Split,
  splitCorpus,
  trainModel,
} from "../src/core/learn/pipeline";
import { keepShareOfGroups } from "../src/core/learn/split";

const SOLVER = "ConvAsm1x1U";
const WIDTH = 8;
const { values } = parseArgs({
  options: {
    data: { type: "string", default: "data/miopen/gfx906_60.db.gz,data/miopen/gfx900_56.db.gz" },
    models: { type: "string" },
    minutes: { type: "string", default: "14" },
    "second-share": { type: "string", default: "1" },
    out: { type: "string", default: "/tmp/tunelab-joint" },
  },
});
const files = values.data.split(",");
if (files.length !== 2) throw new Error("--data: two files, comma-separated");
const [first] = files as [string, string];
const secondShare = Number(values["second-share"]);
if (!(secondShare > 0 && secondShare <= 1)) throw new Error("--second-share: a share in (0, 1]");

interface JointQuery extends MiopenQuery {
  /** The query is one of the first file's rows (its GPU). */
  first: boolean;
}
const FLAG = "first-gpu";
const jointLanguage: ProblemLanguage<JointQuery> = {
  ...(miopenLanguage as unknown as ProblemLanguage<JointQuery>),
  features: (q) => [
    ...miopenFeatures(q.problem),
    { name: FLAG, value: q.first ? 1 : 0, kind: "flag" } satisfies Feature,
  ],
};

const backend = await startNodeBackend();
const parts = await Promise.all(
  files.map(async (file) => {
    const { rows } = await readPerfRows(file, SOLVER);
    const corpus = miopenCorpus(rows, { file });
    const whole = splitCorpus(corpus, 1);
    const share = file === first ? 1 : secondShare;
    const split =
      share < 1
        ? { ...whole, train: keepShareOfGroups(whole.train, (e) => e.group, share, 1 + SHARE_SEED_OFFSET) }
        : whole;
    const joint = (e: CorpusExample<MiopenQuery>): CorpusExample<JointQuery> => ({
      ...e,
      query: { ...e.query, first: file === first },
      group: `${file} ${e.group}`,
    });
    return {
      file,
      split,
      joint: {
        train: split.train.map(joint),
        validation: split.validation.map(joint),
        holdout: split.holdout.map(joint),
      } satisfies Split<JointQuery>,
      paramNames: corpus.paramNames,
    };
  }),
);
const corpus: Corpus<JointQuery> = {
  language: jointLanguage,
  examples: parts.flatMap((p) => [...p.joint.train, ...p.joint.validation, ...p.joint.holdout]),
  paramNames: (parts[0] as (typeof parts)[number]).paramNames,
  source: { kind: "miopen", file: files.join(" + ") },
};
const split: Split<JointQuery> = {
  train: parts.flatMap((p) => p.joint.train),
  validation: parts.flatMap((p) => p.joint.validation),
  holdout: parts.flatMap((p) => p.joint.holdout),
};
process.stderr.write(
  `${files.join(" + ")}: ${split.train.length} training, ${split.validation.length} validation rows; held out: ${parts.map((p) => p.joint.holdout.length).join(" + ")}\n`,
);
const trained = await trainModel(
  corpus,
  split,
  {
    ...DEFAULT_TRAIN_OPTIONS,
    maxSeconds: 60 * Number(values.minutes),
    onEpoch: (p) =>
      process.stderr.write(
        `epoch ${p.epoch}  loss ${p.loss.toFixed(4)}  val loss ${p.valLoss.toFixed(4)}  val token accuracy ${p.valAccuracy.toFixed(4)}  ${p.seconds.toFixed(0)} s\n`,
      ),
  },
  backend,
);
await saveModelDir(values.out, trained);

const round = (x: number) => Math.round(x * 1000) / 1000;
const brief = (r: EvalReport) => ({
  exact: round(r.exact),
  perValue: round(r.perValue),
  alone: { exact: round(r.modelAlone.exact), perValue: round(r.modelAlone.perValue) },
  teacherForced: round(r.teacherForced.accuracy),
  topK: round(r.topK),
  blend: r.blend ?? null,
});
const singles = values.models?.split(",") ?? [];
const results = [];
for (const [i, part] of parts.entries()) {
  const joint = brief(await evaluateModel(trained, jointLanguage, part.joint.holdout, WIDTH));
  let single = null;
  const dir = singles[i];
  if (dir) {
    const learned: LearnedModel = await loadModelDir(dir);
    single = { dir, ...brief(await evaluateModel(learned, miopenLanguage, part.split.holdout, WIDTH)) };
    learned.model.dispose();
  }
  results.push({ file: part.file, heldOut: part.joint.holdout.length, joint, single });
}
const f3 = (x: number) => x.toFixed(3);
const lines = [
  `joint model: ${trained.history.length} epochs (best ${trained.bestEpoch}), ${Math.round(trained.seconds)} s, blend ${JSON.stringify(trained.metadata.neighbours)}`,
  "| held-out rows of | model | exact | per value | alone: exact | alone: per value | teacher-forced tokens | top-8 |",
  "|---|---|---|---|---|---|---|---|",
  ...results.flatMap((r) => [
    `| ${r.file} (${r.heldOut}) | both files, GPU flag | ${f3(r.joint.exact)} | ${f3(r.joint.perValue)} | ${f3(r.joint.alone.exact)} | ${f3(r.joint.alone.perValue)} | ${f3(r.joint.teacherForced)} | ${f3(r.joint.topK)} |`,
    ...(r.single
      ? [
          `| ${r.file} (${r.heldOut}) | ${r.single.dir} | ${f3(r.single.exact)} | ${f3(r.single.perValue)} | ${f3(r.single.alone.exact)} | ${f3(r.single.alone.perValue)} | ${f3(r.single.teacherForced)} | ${f3(r.single.topK)} |`,
        ]
      : []),
  ]),
];
process.stdout.write(`${lines.join("\n")}\n`);
process.stdout.write(
  `${JSON.stringify({ epochs: trained.history.length, bestEpoch: trained.bestEpoch, seconds: trained.seconds, neighbours: trained.metadata.neighbours, results })}\n`,
);
trained.model.dispose();
