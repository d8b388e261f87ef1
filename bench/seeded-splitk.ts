/**
 * A seeded split-K search, for layers whose split-K space (thousands of configs: every igemm tile times
 * each slice count SK) is too large to sweep whole: the N workgroup tiles fastest in igemm on the layer
 * at batch 32, each with every SK the layer accepts. Why batch 32: split-K supplies the parallelism a
 * small layer lacks, so its best tile is one that runs efficiently when parallelism is plentiful (on the
 * three batch-1 layers swept whole, the best split-K tile ranked 703rd-823rd in igemm on the layer
 * itself, but 5th-92nd on its batch-32 twin).
 *
 * It reports, for every layer whose split-K space the given files hold whole, how close the seeded
 * subset's best comes to the exhaustive best, and writes the jobs of the other layers for
 * bench/h200/ground-truth.sh (CONFIGS=FILE): one line each, `splitk:LAYER CONFIG;CONFIG;...`.
 *
 *   node bench/run.mjs bench/seeded-splitk.ts --igemm docs/h200/exhaustive-igemm-resnet50-nhwc.jsonl.gz \
 *     [--suite resnet50] [--batches 1,32] [--tiles 100] [--limits docs/h200/workers/devices.json] \
 *     [--jobs bench/h200/jobs/splitk-seeded-resnet50.txt] [SPLITK.jsonl.gz ...]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { TuningRecord } from "../src/core/dataset/record";
import { limitsOf } from "../src/core/families/family";
import { familyById } from "../src/core/families/index";
import { type ConvProblem, formatProblem } from "../src/core/problem";
import { type Config, enumerate } from "../src/core/space/space";
import { suiteLayers } from "../src/core/suites";
import { readRecordsFile } from "./records-file";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    igemm: { type: "string" },
    suite: { type: "string", default: "resnet50" },
    batches: { type: "string", default: "1,32" },
    tiles: { type: "string", default: "100" },
    limits: { type: "string", default: "docs/h200/workers/devices.json" },
    jobs: { type: "string" },
  },
});
if (!values.igemm)
  throw new Error("usage: seeded-splitk.ts --igemm EXHAUSTIVE.jsonl.gz[,...] [SPLITK.jsonl.gz ...]");
const limits = limitsOf(JSON.parse(readFileSync(values.limits, "utf8")).adapter, values.limits);
const splitk = familyById("splitk");
const tiles = Number(values.tiles);

/** Each problem's verified times by `key` of config, the fastest where a config was timed twice. */
function timesByProblem(
  records: readonly TuningRecord[],
  family: string,
  key: (config: Config) => string,
): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const r of records) {
    if (r.family !== family || r.medianNs === null) continue;
    const times = out.get(r.problem.text) ?? new Map<string, number>();
    const k = key(r.config);
    times.set(k, Math.min(times.get(k) ?? Infinity, r.medianNs));
    out.set(r.problem.text, times);
  }
  return out;
}
/** A config without its slice count: the igemm tile a split-K config cuts. */
function tileKey(config: Config): string {
  const { SK: _, ...tile } = config;
  return JSON.stringify(Object.entries(tile).sort(([a], [b]) => a.localeCompare(b)));
}
const configKey = (config: Config) => `${tileKey(config)} SK=${config.SK}`;

const igemm = timesByProblem(values.igemm.split(",").flatMap(readRecordsFile), "igemm", tileKey);
const recorded = positionals.flatMap(readRecordsFile).filter((r) => r.family === "splitk");
const splitkTimes = timesByProblem(recorded, "splitk", configKey);
const recordedCount = new Map<string, number>();
for (const r of recorded) recordedCount.set(r.problem.text, (recordedCount.get(r.problem.text) ?? 0) + 1);

const jobs: string[] = [];
let candidates = 0;
for (const batch of values.batches.split(",").map(Number))
  for (const { problem: fields } of suiteLayers(values.suite, batch)) {
    const problem: ConvProblem = { ...fields, layout: "NHWC" };
    if (splitk.unsupported(problem) !== null) continue;
    const text = formatProblem(problem);
    const twin = formatProblem({ ...problem, n: 32 });
    const ranked = [...(igemm.get(twin) ?? new Map<string, number>())].sort((a, b) => a[1] - b[1]);
    if (!ranked.length) {
      process.stdout.write(`${text}: no igemm records of ${twin} to seed from, left out\n`);
      continue;
    }
    const rank = new Map(ranked.slice(0, tiles).map(([key], i) => [key, i]));
    const space = [...enumerate(splitk.space(problem, limits))];
    if (!space.length) continue;
    const seeded = space
      .filter((c) => rank.has(tileKey(c)))
      .sort(
        (a, b) =>
          (rank.get(tileKey(a)) ?? 0) - (rank.get(tileKey(b)) ?? 0) || (a.SK as number) - (b.SK as number),
      );
    if ((recordedCount.get(text) ?? 0) >= space.length) {
      const times = splitkTimes.get(text) ?? new Map<string, number>();
      const best = Math.min(...times.values());
      const seededBest = Math.min(...seeded.map((c) => times.get(configKey(c)) ?? Infinity));
      process.stdout.write(
        `${text}: swept whole (${space.length} configs); the seeded ${seeded.length} reach ${((100 * best) / seededBest).toFixed(1)}% of its best\n`,
      );
      continue;
    }
    if (!seeded.length) continue;
    candidates += seeded.length;
    const list = seeded
      .map((c) =>
        Object.entries(c)
          .map(([k, v]) => `${k}=${v}`)
          .join(","),
      )
      .join(";");
    jobs.push(`splitk:${formatProblem(fields)} ${list}`);
  }
process.stdout.write(`${jobs.length} layers to search, ${candidates} candidates (top ${tiles} tiles)\n`);
if (values.jobs) writeFileSync(values.jobs, `${jobs.join("\n")}\n`);
