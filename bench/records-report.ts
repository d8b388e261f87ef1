/**
 * Reads tuning records (JSONL) measured anywhere and prints the per-problem table of
 * docs/PERFORMANCE.md: best tuned kernel, GFLOP/s, fraction of the FMA peak, tfjs's conv2d, speedup.
 *   node bench/run.mjs bench/records-report.ts docs/h100/resnet50-b1-records.jsonl [...more.jsonl]
 */
import { readFileSync } from "node:fs";
import { readJsonl } from "../src/core/dataset/io";
import type { TuningRecord } from "../src/core/dataset/record";
import { type BestEntry, geometricMean, summarize } from "../src/core/dataset/summary";
import { parseProblem, problemFlops } from "../src/core/problem";

const files = process.argv.slice(2);
if (!files.length) {
  process.stderr.write("usage: node bench/run.mjs bench/records-report.ts FILE.jsonl [...]\n");
  process.exit(2);
}

/**
 * Per batch size: the geometric-mean speedup, tfjs's share of the FMA peak, and the speedup a kernel
 * at the peak on every problem would have (the most any kernel can reach over this tfjs).
 */
function byBatch(best: BestEntry[], peakGflops: number | null): string[] {
  const batches = new Map<number, BestEntry[]>();
  for (const b of best) {
    if (b.speedup === null || b.baselineNs === null) continue;
    const n = parseProblem(b.problem).n;
    batches.set(n, [...(batches.get(n) ?? []), b]);
  }
  return [...batches].map(([n, entries]) => {
    const speedups = entries.map((b) => b.speedup as number);
    const line = `  at batch ${n}: ${geometricMean(speedups)?.toFixed(2)} over ${entries.length} problems (slowest ${Math.min(...speedups).toFixed(2)})`;
    if (!peakGflops) return line;
    // tfjs's share of the peak: the time a kernel at the peak takes over tfjs's time.
    const tfjsShare = entries.map(
      (b) => problemFlops(parseProblem(b.problem)) / peakGflops / (b.baselineNs as number),
    );
    return `${line}; tfjs at ${pct(Math.min(...tfjsShare))}-${pct(Math.max(...tfjsShare))} of the FMA peak, so a kernel at the peak would be ${geometricMean(tfjsShare.map((x) => 1 / x))?.toFixed(2)}x`;
  });
}

/** Median milliseconds per candidate in each phase. */
function phases(records: TuningRecord[]): string {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;
  const timed = records.flatMap((r) => (r.phasesMs ? [r.phasesMs] : []));
  if (!timed.length) return "";
  const of = (k: "compile" | "verify" | "time") => median(timed.map((p) => p[k])).toFixed(1);
  return `median per candidate: compile ${of("compile")} ms, verify ${of("verify")} ms, time ${of("time")} ms`;
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
  ...byBatch(summary.best, records.at(-1)?.device.peakGflops ?? null),
  `problems slower than tfjs: ${summary.best.filter((b) => b.speedup !== null && b.speedup < 1).length}`,
  phases(records),
];
process.stdout.write(`${lines.join("\n")}\n`);
