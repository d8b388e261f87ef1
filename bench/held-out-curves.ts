/**
 * The model against ground truth on layers it never saw: for each training setting and split seed,
 * `train` on the exhaustive records (a fifth of the problems held out), then `curve --held-out` replays
 * those problems for every strategy (transfer draws on the training problems only). Prints, per
 * setting, over every held-out problem of every split: how often the model's first config is within
 * 90% of the best and its top 5 within 95%, and each strategy's median measurements to 95%; then the
 * same over the held-out problems of each batch size. Needs the one-file CLI (`npm run build:cli`).
 * The runs' JSON goes under --out. With --from, every model starts from that model's weights
 * (fine-tuning it, e.g. one trained on another GPU's records), and with --fresh-neighbours its beam is
 * re-ranked by the new training problems alone. With --holdout-data, every model trains on all of
 * --data and that file's problems (another network's layers) are the held-out ones; the split seed
 * then only draws the validation problems and the initial weights. The tallies are made for each
 * model strategy of the curve (model-guided, and model+frequent: its ranking fused with the most
 * frequent configs'), each against the strategies that use no model. With --reuse, a model already
 * under --out is replayed again rather than trained again. Each --consensus tolerance is one more
 * setting: every problem's target is its consensus config (`train --consensus`). With --cost-model, the
 * replays add the cost model (`curve --cost-model`, and --compute-units and --cost-seeds passed on), tallied as a
 * model strategy; with --beam-first, model+cost takes the beam's picks ahead of the cost model's (`curve --beam-first`).
 * With --tally-only, nothing is trained or replayed: the splits' replays already under --out (each split's
 * `.curve.json`) are tallied, as a run cut short can be on the splits it finished. With --curves, the
 * replays named (the last line of `curve --model DIR --json`, each in a file) are tallied, nothing trained.
 * --minutes is `train`'s time budget; a model the budget cut short (the validation loss still falling)
 * stops the run with an error rather than give an untrained model's figures.
 *
 *   node bench/run.mjs bench/held-out-curves.ts --data GT.jsonl [--holdout-data OTHER.jsonl] [--splits 1,2,3,4,5]
 *     [--near-best none,0.03,0.1] [--consensus 0.02,0.05] [--from MODEL_DIR [--fresh-neighbours]] [--out runs/held-out] [--seeds 3] [--reuse] [--cost-model [--compute-units N] [--cost-seeds N] [--beam-first]] [--minutes M] [--tally-only]
 *   node bench/run.mjs bench/held-out-curves.ts --curves REPLAY.json[,REPLAY.json] [--cost-model]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { cutShortByBudget, type TrainResult } from "../src/core/learn/train";
import { parseProblem } from "../src/core/problem";

const { values } = parseArgs({
  options: {
    data: { type: "string" },
    splits: { type: "string", default: "1,2,3,4,5" },
    "near-best": { type: "string", default: "none,0.03,0.1" },
    consensus: { type: "string", default: "" },
    out: { type: "string", default: "runs/held-out" },
    seeds: { type: "string", default: "3" },
    from: { type: "string" },
    "fresh-neighbours": { type: "boolean" },
    "holdout-data": { type: "string" },
    reuse: { type: "boolean" },
    "cost-model": { type: "boolean" },
    "compute-units": { type: "string" },
    "cost-seeds": { type: "string" },
    "beam-first": { type: "boolean" },
    "tally-only": { type: "boolean" },
    minutes: { type: "string" },
    curves: { type: "string" },
  },
});
// --tally-only and --curves read replays already made, so they need no --data.
const data = values.data ?? "";
if (!data && !values["tally-only"] && !values.curves)
  throw new Error("usage: held-out-curves.ts --data GT.jsonl [--splits ...] [--near-best ...]");

interface PerProblem {
  problem: string;
  family: string;
  measurementsTo90: number | null;
  measurementsTo95: number | null;
}
/** What `train --json` says of how training ended. */
type Trained = Pick<TrainResult, "stoppedBy" | "bestEpoch" | "history"> & { epochs: number };
interface CurveJson {
  strategies: { name: string; perProblem: PerProblem[] }[];
}

function cli(args: string[]): unknown {
  const run = spawnSync(process.execPath, ["dist-cli/tunelab.mjs", ...args, "--json"], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  if (run.status !== 0) throw new Error(`tunelab ${args.join(" ")} failed:\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "null");
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length / 2;
  return s.length % 2 ? (s[Math.floor(mid)] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
/** A strategy that never reached the level counts as one past the whole budget. */
const reached = (n: number | null) => n ?? Number.POSITIVE_INFINITY;

/** What one setting's held-out problems add up to: over all of them, and over those of one batch size. */
interface Tally {
  problems: number;
  top1Within90: number;
  top5Within95: number;
  modelFewest: number;
  modelFewer: number;
  byStrategy: Map<string, number[]>;
}
const tally = (): Tally => ({
  problems: 0,
  top1Within90: 0,
  top5Within95: 0,
  modelFewest: 0,
  modelFewer: 0,
  byStrategy: new Map(),
});
/** The map's value at key, made and stored first if it has none. */
function entry<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  const value = map.get(key) ?? make();
  map.set(key, value);
  return value;
}
const percent = (n: number, of: number) => `${n} (${Math.round((100 * n) / of)}%)`;
const describe = (t: Tally) => {
  const medians = [...t.byStrategy].map(([name, reach]) => `${name} ${median(reach)}`).join(", ");
  return `${t.problems} held-out problems; top 1 within 90% of the best on ${percent(t.top1Within90, t.problems)}, top 5 within 95% on ${percent(t.top5Within95, t.problems)}; the model needed no more measurements than every strategy without one on ${t.modelFewest}, fewer on ${t.modelFewer}; median measurements to 95%: ${medians}`;
};

/** The strategies that rank by a model; each is tallied against the strategies that use none. */
const MODEL_STRATEGIES = [
  "model-guided",
  "model+frequent",
  ...(values["cost-model"] ? ["cost-model", "model+cost"] : []),
];

/** A training setting: its name in the output, its runs' folder prefix, and what it adds to `train`. */
const settings = values.curves
  ? [{ name: "given replays", dir: "", args: [] as string[] }]
  : [
      ...values["near-best"]
        .split(",")
        .filter(Boolean)
        .map((v) => ({
          name: `near-best ${v}`,
          dir: `near-best-${v}`,
          args: v === "none" ? [] : ["--near-best", v],
        })),
      ...values.consensus
        .split(",")
        .filter(Boolean)
        .map((v) => ({ name: `consensus ${v}`, dir: `consensus-${v}`, args: ["--consensus", v] })),
    ];
const readCurve = (file: string) => JSON.parse(readFileSync(file, "utf8")) as CurveJson;

/** Trains the split's model (unless --reuse finds it) and replays its held-out problems; keeps the replay beside it. */
function replayed(setting: (typeof settings)[number], split: string, dir: string): CurveJson {
  const from = values.from
    ? ["--from", values.from, ...(values["fresh-neighbours"] ? ["--fresh-neighbours"] : [])]
    : [];
  const heldOut = values["holdout-data"];
  if (!(values.reuse && existsSync(join(dir, "model.json")))) {
    const trained = cli([
      "train",
      "--data",
      data,
      ...(heldOut ? ["--holdout-data", heldOut] : []),
      "--out",
      dir,
      "--seed",
      split,
      ...setting.args,
      ...from,
      ...(values.minutes ? ["--minutes", values.minutes] : []),
    ]) as Trained;
    // Runs side by side on a small CPU can leave the Seq2Seq model an epoch or two of the budget: its
    // figures would be an untrained model's, not the model's.
    if (cutShortByBudget(trained))
      throw new Error(
        `${dir}: the time budget ended training after ${trained.epochs} epoch(s) while the validation loss was still falling; run fewer at a time or give --minutes more`,
      );
  }
  const curve = cli([
    "curve",
    "--data",
    heldOut ? `${data},${heldOut}` : data,
    "--model",
    dir,
    "--held-out",
    "--seeds",
    values.seeds,
    ...(values["cost-model"] ? ["--cost-model"] : []),
    ...(values["compute-units"] ? ["--compute-units", values["compute-units"]] : []),
    ...(values["cost-seeds"] ? ["--cost-seeds", values["cost-seeds"]] : []),
    ...(values["beam-first"] ? ["--beam-first"] : []),
  ]) as CurveJson;
  writeFileSync(`${dir}.curve.json`, JSON.stringify(curve));
  return curve;
}

mkdirSync(values.out, { recursive: true });
for (const setting of settings) {
  const tallies = new Map(
    MODEL_STRATEGIES.map((name) => [name, { all: tally(), byBatch: new Map<number, Tally>() }]),
  );
  const curves = values.curves
    ? values.curves.split(",").map(readCurve)
    : values.splits.split(",").map((split) => {
        const dir = join(values.out, `${setting.dir}-split-${split}`);
        return values["tally-only"] ? readCurve(`${dir}.curve.json`) : replayed(setting, split, dir);
      });
  for (const curve of curves) {
    const unguided = curve.strategies.filter((s) => !MODEL_STRATEGIES.includes(s.name));
    for (const [name, { all, byBatch }] of tallies) {
      const model = curve.strategies.find((s) => s.name === name);
      if (!model) throw new Error(`the curve has no ${name} strategy`);
      model.perProblem.forEach((p, i) => {
        const ofBatch = entry(byBatch, parseProblem(p.problem).n, tally);
        const model95 = reached(p.measurementsTo95);
        const others = unguided.map((s) => reached(s.perProblem[i]?.measurementsTo95 ?? null));
        const fewestOther = Math.min(...others);
        for (const t of [all, ofBatch]) {
          t.problems++;
          // The model's first configs are its beam's, the same on every seed: reach 90% in 1 = top 1 at 90%.
          if (reached(p.measurementsTo90) <= 1) t.top1Within90++;
          if (model95 <= 5) t.top5Within95++;
          if (model95 < fewestOther) t.modelFewer++;
          if (model95 <= fewestOther) t.modelFewest++;
          entry(t.byStrategy, name, () => []).push(model95);
          for (const [j, s] of unguided.entries())
            entry(t.byStrategy, s.name, () => []).push(others[j] as number);
        }
      });
    }
  }
  for (const [name, { all, byBatch }] of tallies) {
    const lines = [
      `${values.from ? `from ${values.from}${values["fresh-neighbours"] ? " (fresh neighbours)" : ""}, ` : ""}${setting.name}, ${name}: ${describe(all)}`,
      ...[...byBatch].sort(([a], [b]) => a - b).map(([batch, t]) => `  batch ${batch}: ${describe(t)}`),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  }
}
