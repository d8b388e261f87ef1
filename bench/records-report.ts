/**
 * Reads tuning records (JSONL) measured anywhere and prints the per-problem table of
 * docs/PERFORMANCE.md: best tuned kernel, GFLOP/s, fraction of the FMA peak, tfjs's conv2d, speedup.
 *   node bench/run.mjs bench/records-report.ts docs/h100/resnet50-b1-records.jsonl [...more.jsonl]
 */
import { readFileSync } from "node:fs";
import { readJsonl } from "../src/core/dataset/io";
import { type BestEntry, summarize } from "../src/core/dataset/summary";
import { parseProblem } from "../src/core/problem";

const files = process.argv.slice(2);
if (!files.length) {
  process.stderr.write("usage: node bench/run.mjs bench/records-report.ts FILE.jsonl [...]\n");
  process.exit(2);
}
/** The geometric-mean speedup per batch size, when the problems have more than one. */
function byBatch(best: BestEntry[]): string[] {
  const batches = new Map<number, number[]>();
  for (const b of best) {
    if (b.speedup === null) continue;
    const n = parseProblem(b.problem).n;
    batches.set(n, [...(batches.get(n) ?? []), b.speedup]);
  }
  if (batches.size < 2) return [];
  return [...batches].map(([n, s]) => {
    const geomean = Math.exp(s.reduce((sum, x) => sum + Math.log(x), 0) / s.length);
    return `  at batch ${n}: ${geomean.toFixed(2)} over ${s.length} problems (slowest ${Math.min(...s).toFixed(2)})`;
  });
}

const records = files.flatMap((file) => readJsonl(readFileSync(file, "utf8")));
const summary = summarize(records);
const us = (ns: number | null) => (ns === null ? "-" : (ns / 1000).toFixed(1));
const pct = (f: number | null) => (f === null ? "-" : `${(f * 100).toFixed(1)}%`);
const lines = [
  `${summary.candidates} candidates on ${summary.problems} problems, ${summary.timed} verified and timed`,
  "",
  "| problem | best family | tuned us | GFLOP/s | of FMA peak | tfjs us | speedup |",
  "|---|---|---:|---:|---:|---:|---:|",
  ...summary.best.map(
    (b) =>
      `| ${b.problem} | ${b.family} | ${us(b.medianNs)} | ${b.gflops?.toFixed(0) ?? "-"} | ${pct(b.peakFraction)} | ${us(b.baselineNs)} | ${b.speedup?.toFixed(2) ?? "-"} |`,
  ),
  "",
  `geometric-mean speedup over tfjs: ${summary.geomeanSpeedup?.toFixed(2) ?? "-"}`,
  ...byBatch(summary.best),
  `problems slower than tfjs: ${summary.best.filter((b) => b.speedup !== null && b.speedup < 1).length}`,
];
process.stdout.write(`${lines.join("\n")}\n`);
