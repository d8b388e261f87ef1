/**
 * The ground-truth table of PERFORMANCE.md: per layer, the exhaustive sweep's configs and best, its
 * fresh-process pair with tfjs, and the best igemm config the earlier (local) searches had found.
 *
 *   node bench/run.mjs bench/exhaustive-report.ts docs/h200/exhaustive-igemm-resnet50-3x3-nhwc.jsonl.gz \
 *     docs/h200/exhaustive-best-vs-tfjs.jsonl docs/h100/resnet50-b32-nhwc.jsonl docs/h100/resnet50-b1-nhwc.jsonl
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { readJsonl } from "../src/core/dataset/io";
import type { TuningRecord } from "../src/core/dataset/record";

const [exhaustive, pairs, ...earlier] = process.argv.slice(2);
if (!exhaustive || !pairs) throw new Error("usage: exhaustive-report.ts EXHAUSTIVE PAIRS [EARLIER...]");
const read = (file: string) => {
  const bytes = readFileSync(file);
  return readJsonl((file.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8"));
};
/** The fastest verified record of each problem (of one family, when given). */
function fastest(records: readonly TuningRecord[], family?: string) {
  const best = new Map<string, TuningRecord>();
  for (const r of records) {
    if (r.medianNs === null || (family && r.family !== family)) continue;
    const b = best.get(r.problem.text);
    if (!b || (b.medianNs ?? Number.POSITIVE_INFINITY) > r.medianNs) best.set(r.problem.text, r);
  }
  return best;
}
const swept = read(exhaustive);
const fresh = fastest(read(pairs));
const before = fastest(earlier.flatMap(read), "igemm");
const us = (ns: number | null | undefined) => (ns == null ? "-" : (ns / 1e3).toFixed(1));
process.stdout.write(
  "| layer | configs | exhaustive best us | fresh pair us | GFLOP/s | tfjs us | speedup | earlier igemm us | earlier / exhaustive |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
);
for (const [problem, best] of fastest(swept)) {
  const pair = fresh.get(problem);
  const old = before.get(problem);
  const configs = swept.filter((r) => r.problem.text === problem).length;
  const tfjs = pair?.baseline?.medianNs;
  const cells = [
    problem,
    configs,
    us(best.medianNs),
    us(pair?.medianNs),
    pair?.gflops?.toFixed(0) ?? "-",
    us(tfjs),
    tfjs && pair?.medianNs ? (tfjs / pair.medianNs).toFixed(2) : "-",
    us(old?.medianNs),
    old?.medianNs && best.medianNs ? (old.medianNs / best.medianNs).toFixed(2) : "-",
  ];
  process.stdout.write(`| ${cells.join(" | ")} |\n`);
}
