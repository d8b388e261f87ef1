/**
 * Transfer learning from one MIOpen perf database to another (by default gfx906_60 -> gfx900_56,
 * ConvAsm1x1U), with the CLI's own `train` and `eval` (the one-file bundle, built first):
 *   - the source model: `train` on the source file (or --source DIR, a model already trained);
 *   - the target from scratch on all its training problems (or --full DIR);
 *   - for each share S of the target's training problems (--shares): `train --train-share S` from
 *     scratch, `train --from SOURCE --train-share S` (fine-tuning the source model, whose neighbour
 *     table keeps the source's rows beside the new ones), and the same with --fresh-neighbours (the
 *     table holds the target's rows only);
 * then every target model is scored with `eval` on the same held-out rows (the target's default
 * held-out fifth, seed 1: every run's holdout.db is checked to be the same bytes). A second table
 * scores them on the held-out rows whose shape the source model never saw (not in the source file's
 * training or validation split, seed 1): the others were tuned on the source GPU, which the source
 * model learnt. Prints both tables, and the JSON of every run with --json. --reuse keeps every run
 * folder under --out that holds a train.json (what its `train` printed) instead of training it again,
 * and every score an earlier run kept beside its model (eval-FILE.json) instead of scoring it again.
 *   node bench/run.mjs bench/miopen-transfer.ts [--source-data FILE] [--target-data FILE]
 *     [--source DIR] [--full DIR] [--shares 0.05,0.1,0.25] [--minutes M] [--out DIR] [--reuse] [--json]
 * --minutes is each subset run's budget (default: train's own, 7); the source and full runs, when
 * trained here, always use train's defaults.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { readPerfRows, writePerfRows } from "../src/cli/commands/model-node";
import { miopenCorpus, shapeKey } from "../src/core/corpora/miopen";
import { splitCorpus } from "../src/core/learn/pipeline";

const SOLVER = "ConvAsm1x1U";
const BUNDLE = "dist-cli/tunelab.mjs";
const { values } = parseArgs({
  options: {
    "source-data": { type: "string", default: "data/miopen/gfx906_60.db.gz" },
    "target-data": { type: "string", default: "data/miopen/gfx900_56.db.gz" },
    source: { type: "string" },
    full: { type: "string" },
    shares: { type: "string", default: "0.05,0.1,0.25" },
    minutes: { type: "string" },
    out: { type: "string", default: "/tmp/tunelab-transfer" },
    json: { type: "boolean", default: false },
    reuse: { type: "boolean", default: false },
  },
});

interface TrainJson {
  model: string;
  holdout: string;
  rows: { train: number; validation: number; holdout: number };
  problems: { train: number; validation: number; holdout: number };
  epochs: number;
  bestEpoch: number;
  stoppedBy: "patience" | "time" | null;
  seconds: number;
  neighbours?: { count: number; weight: number };
  leftOut?: {
    train: { examples: number } | null;
    validation: { examples: number } | null;
    holdoutUnreachable: number;
  };
}

interface EvalJson {
  n: number;
  exact: number;
  perValue: number;
  topK: number;
  valid: number;
  modelAlone: { exact: number; perValue: number };
  teacherForced: { loss: number; accuracy: number };
  baselines: { nearestNeighbour: { exact: number; perValue: number } };
}

function cli(args: string[]): unknown {
  process.stderr.write(`$ node ${BUNDLE} ${args.join(" ")}\n`);
  const run = spawnSync(process.execPath, [BUNDLE, ...args, "--json"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`${args[0]} exited ${run.status}`);
  return JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "null");
}

/** Trains into DIR; what `train --json` printed is kept beside the model as train.json. */
function train(dir: string, data: string, extra: string[]): TrainJson {
  const kept = values.reuse ? existing(dir) : null;
  if (kept) return kept;
  const result = cli(["train", "--data", data, "--solver", SOLVER, "--out", dir, ...extra]) as TrainJson;
  writeFileSync(join(dir, "train.json"), `${JSON.stringify(result)}\n`);
  return result;
}

/** A model folder trained earlier (--source, --full), with its train.json when one was kept beside it. */
function existing(dir: string): TrainJson | null {
  const saved = join(dir, "train.json");
  return existsSync(saved) ? (JSON.parse(readFileSync(saved, "utf8")) as TrainJson) : null;
}

mkdirSync(values.out, { recursive: true });
const build = spawnSync(process.execPath, ["scripts/build-cli.mjs"], {
  stdio: ["ignore", "ignore", "inherit"],
});
if (build.status !== 0) throw new Error("building the CLI failed");

const target = values["target-data"];
const minutes = values.minutes ? ["--minutes", values.minutes] : [];
const sourceDir = values.source ?? join(values.out, "source");
const source = values.source ? existing(values.source) : train(sourceDir, values["source-data"], []);
const fullDir = values.full ?? join(values.out, "full");
const full = values.full ? existing(values.full) : train(fullDir, target, []);
const holdout = join(fullDir, "holdout.db");
if (!existsSync(holdout))
  throw new Error(`${holdout} is missing: --full must be a model trained on ${target}`);

interface Row {
  name: string;
  dir: string;
  trained: TrainJson | null;
}
const rows: Row[] = [{ name: "from scratch, all training problems", dir: fullDir, trained: full }];
for (const share of values.shares.split(",").map(Number)) {
  const pct = `${Math.round(share * 1000) / 10}%`;
  const scratchDir = join(values.out, `scratch-${share}`);
  rows.push({
    name: `from scratch, ${pct}`,
    dir: scratchDir,
    trained: train(scratchDir, target, ["--train-share", String(share), ...minutes]),
  });
  const tunedDir = join(values.out, `tuned-${share}`);
  rows.push({
    name: `source model fine-tuned, ${pct}`,
    dir: tunedDir,
    trained: train(tunedDir, target, ["--from", sourceDir, "--train-share", String(share), ...minutes]),
  });
  const freshDir = join(values.out, `tuned-fresh-${share}`);
  rows.push({
    name: `source model fine-tuned, ${pct}, --fresh-neighbours`,
    dir: freshDir,
    trained: train(freshDir, target, [
      "--from",
      sourceDir,
      "--train-share",
      String(share),
      "--fresh-neighbours",
      ...minutes,
    ]),
  });
}

// Every run split the same file the same way: its held-out rows are the full model's, byte for byte.
const heldBytes = readFileSync(holdout);
for (const row of rows) {
  const own = join(row.dir, "holdout.db");
  if (existsSync(own) && !readFileSync(own).equals(heldBytes))
    throw new Error(`${own} differs from ${holdout}: the runs were not scored on the same rows`);
}

/** The target's held-out rows whose shape the source model never saw, written as a perf database. */
async function unseenBySource(file: string): Promise<{ rows: number; of: number }> {
  const shapes = async (data: string) => {
    const { rows: all } = await readPerfRows(data, SOLVER);
    return { all, split: splitCorpus(miopenCorpus(all, { file: data }), 1) };
  };
  const from = await shapes(values["source-data"]);
  const seen = new Set([...from.split.train, ...from.split.validation].map((e) => e.group));
  const to = await shapes(target);
  const unseen = to.split.holdout.filter((e) => !seen.has(e.group));
  const keep = new Set(unseen.map((e) => e.group));
  await writePerfRows(
    file,
    to.all.filter((r) => keep.has(shapeKey(r.problem))),
  );
  return { rows: unseen.length, of: to.split.holdout.length };
}

/** `eval` of the model in DIR on DATA, kept beside the model (and reused with --reuse). */
function score(dir: string, data: string): EvalJson {
  const kept = join(dir, `eval-${data.replace(/[^\w.-]+/g, "_")}.json`);
  if (values.reuse && existsSync(kept)) return JSON.parse(readFileSync(kept, "utf8")) as EvalJson;
  const result = cli(["eval", "--model", dir, "--data", data, "--beam", "8"]) as EvalJson;
  writeFileSync(kept, `${JSON.stringify(result)}\n`);
  return result;
}

const scoreAll = (data: string) => ({
  runs: rows.map((row) => ({ ...row, scores: score(row.dir, data) })),
  source: score(sourceDir, data),
});

const f3 = (x: number | undefined) => (x === undefined ? "" : x.toFixed(3));
function table(title: string, { runs, source: sourceScores }: ReturnType<typeof scoreAll>): string[] {
  return [
    title,
    "| model | training rows (problems) | epochs (best) | train time | exact | per value | alone: exact | alone: per value | teacher-forced tokens | top-8 |",
    "|---|---|---|---|---|---|---|---|---|---|",
    `| source model as it is (${values["source-data"]}) | ${source?.rows.train ?? "?"} of the source | ${source ? `${source.epochs} (${source.bestEpoch})` : ""} | ${source ? `${Math.round(source.seconds)} s` : ""} | ${f3(sourceScores.exact)} | ${f3(sourceScores.perValue)} | ${f3(sourceScores.modelAlone.exact)} | ${f3(sourceScores.modelAlone.perValue)} | ${f3(sourceScores.teacherForced.accuracy)} | ${f3(sourceScores.topK)} |`,
    ...runs.map(({ name, trained: t, scores: s }) => {
      const left = t?.leftOut?.train?.examples;
      return `| ${name} | ${t ? `${t.rows.train} (${t.problems?.train ?? "?"})${left ? `, ${left} left out` : ""}` : "?"} | ${t ? `${t.epochs} (${t.bestEpoch})` : ""} | ${t ? `${Math.round(t.seconds)} s` : ""} | ${f3(s.exact)} | ${f3(s.perValue)} | ${f3(s.modelAlone.exact)} | ${f3(s.modelAlone.perValue)} | ${f3(s.teacherForced.accuracy)} | ${f3(s.topK)} |`;
    }),
    `nearest neighbour of the full model's training rows: exact ${f3(runs[0]?.scores.baselines.nearestNeighbour.exact)}, per value ${f3(runs[0]?.scores.baselines.nearestNeighbour.perValue)}`,
    "",
  ];
}

const all = scoreAll(holdout);
const unseenDb = join(values.out, "holdout-unseen-by-source.db");
const unseen = await unseenBySource(unseenDb);
const unseenScores = scoreAll(unseenDb);
const lines = [
  ...table(
    `Held-out: ${holdout} (${all.runs[0]?.scores.n} rows of ${target}), beam 8; exact / per value with the model's saved neighbour blend, then the model alone`,
    all,
  ),
  ...table(
    `The ${unseen.rows} of those ${unseen.of} rows whose shape is in neither the training nor the validation rows of ${values["source-data"]} (${unseenDb})`,
    unseenScores,
  ),
];
process.stdout.write(`${lines.join("\n")}\n`);
if (values.json) {
  process.stdout.write(
    `${JSON.stringify({ holdout, source: { dir: sourceDir, trained: source }, all, unseen: { ...unseen, file: unseenDb, scores: unseenScores } })}\n`,
  );
}
