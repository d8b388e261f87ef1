/**
 * Each problem's fastest verified record in two record files (or, with --by PARAM, in one file split by
 * that parameter's value, the first value as the baseline), the ratio of their times, and the geometric
 * mean over the problems both have. With --sweeps FILE (a sweep's `--json` lines), also the sweeps' pace
 * and drift checks.
 *
 *   node bench/run.mjs bench/best-compare.ts BASELINE.jsonl[.gz] OTHER.jsonl[.gz]
 *   node bench/run.mjs bench/best-compare.ts --by SG FILE.jsonl[.gz] [--sweeps SWEEPS.jsonl]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { readRecordFile } from "../src/cli/commands/store";
import type { TuningRecord } from "../src/core/dataset/record";
import { geometricMean } from "../src/core/dataset/summary";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { by: { type: "string" }, sweeps: { type: "string" } },
});

/** The fastest verified time of each problem among `records`. */
function bests(records: readonly TuningRecord[]): Map<string, number> {
  const best = new Map<string, number>();
  for (const r of records)
    if (r.status === "ok" && r.medianNs !== null && r.medianNs < (best.get(r.problem.text) ?? Infinity))
      best.set(r.problem.text, r.medianNs);
  return best;
}

let sides: [string, Map<string, number>][];
if (values.by) {
  const param = values.by;
  const records = await readRecordFile(positionals[0] ?? "");
  const split = [...new Set(records.map((r) => r.config[param] ?? 0))].sort((a, b) => a - b);
  sides = split.map((v) => [`${param}=${v}`, bests(records.filter((r) => (r.config[param] ?? 0) === v))]);
} else
  sides = await Promise.all(
    positionals.map(
      async (file) => [file, bests(await readRecordFile(file))] as [string, Map<string, number>],
    ),
  );
const [base, other] = sides;
if (!base || !other || sides.length !== 2)
  throw new Error("two files, or one file --by a parameter with two values");

console.log(`| problem | ${base[0]} us | ${other[0]} us | second / first |\n| --- | ---: | ---: | ---: |`);
const ratios: number[] = [];
for (const [problem, first] of base[1]) {
  const second = other[1].get(problem);
  if (second === undefined) continue;
  ratios.push(second / first);
  console.log(
    `| ${problem} | ${(first / 1e3).toFixed(1)} | ${(second / 1e3).toFixed(1)} | ${(second / first).toFixed(3)} |`,
  );
}
console.log(
  `${ratios.length} problems: second / first ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}, geometric mean ${(geometricMean(ratios) ?? Number.NaN).toFixed(3)}`,
);

if (values.sweeps) {
  const sweeps = readFileSync(values.sweeps, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line)) as {
    throughput: { perSecond: number };
    drift: { checks: number; drifted: number; maxDeviation: number };
  }[];
  const pace = sweeps.map((s) => s.throughput.perSecond);
  const checks = sweeps.reduce((n, s) => n + s.drift.checks, 0);
  const drifted = sweeps.reduce((n, s) => n + s.drift.drifted, 0);
  const deviation = Math.max(...sweeps.map((s) => s.drift.maxDeviation));
  console.log(
    `${sweeps.length} sweeps: ${Math.min(...pace).toFixed(1)}-${Math.max(...pace).toFixed(1)} candidates/s; ${checks} drift checks, ${drifted} drifted, largest deviation ${(100 * deviation).toFixed(1)}%`,
  );
}
