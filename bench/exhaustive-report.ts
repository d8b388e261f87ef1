/**
 * The ground-truth table of PERFORMANCE.md: per layer and family, the exhaustive sweep's configs and
 * best (with the tfjs time the sweep measured beside it), the best's fresh-process pair with tfjs where
 * one was made, and the best config of that family the earlier (local) searches had found.
 *
 *   node bench/run.mjs bench/exhaustive-report.ts --exhaustive docs/h200/exhaustive-igemm-resnet50-3x3-nhwc.jsonl.gz,docs/h200/exhaustive-splitk-resnet50-3x3-nhwc.jsonl.gz \
 *     --pairs docs/h200/exhaustive-best-vs-tfjs.jsonl --earlier docs/h100/resnet50-b32-nhwc.jsonl,docs/h100/resnet50-b1-nhwc.jsonl
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";
import { readJsonl } from "../src/core/dataset/io";
import type { TuningRecord } from "../src/core/dataset/record";

const { values } = parseArgs({
  options: { exhaustive: { type: "string" }, pairs: { type: "string" }, earlier: { type: "string" } },
});
if (!values.exhaustive)
  throw new Error("usage: exhaustive-report.ts --exhaustive A,B [--pairs P] [--earlier X,Y]");
const files = (list: string | undefined) => (list ? list.split(",") : []);
const read = (file: string) => {
  const bytes = readFileSync(file);
  return readJsonl((file.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8"));
};
const layerKey = (r: TuningRecord) => `${r.problem.text} ${r.family}`;
/** The fastest verified record of each layer and family. */
function fastest(records: readonly TuningRecord[]) {
  const best = new Map<string, TuningRecord>();
  for (const r of records) {
    if (r.medianNs === null) continue;
    const b = best.get(layerKey(r));
    if (!b || (b.medianNs ?? Number.POSITIVE_INFINITY) > r.medianNs) best.set(layerKey(r), r);
  }
  return best;
}
const swept = files(values.exhaustive).flatMap(read);
const fresh = fastest(files(values.pairs).flatMap(read));
const before = fastest(files(values.earlier).flatMap(read));
const configs = new Map<string, number>();
for (const r of swept) configs.set(layerKey(r), (configs.get(layerKey(r)) ?? 0) + 1);
const us = (ns: number | null | undefined) => (ns == null ? "-" : (ns / 1e3).toFixed(1));
const ratio = (a: number | null | undefined, b: number | null | undefined) =>
  a && b ? (a / b).toFixed(2) : "-";
process.stdout.write(
  "| layer | family | configs | exhaustive best us | GFLOP/s | tfjs us (sweep) | speedup | fresh pair us | tfjs us (pair) | earlier best us | earlier / exhaustive |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
);
for (const [key, best] of fastest(swept)) {
  const pair = fresh.get(key);
  const old = before.get(key);
  const tfjs = best.baseline?.medianNs;
  const cells = [
    best.problem.text,
    best.family,
    configs.get(key),
    us(best.medianNs),
    best.gflops?.toFixed(0) ?? "-",
    us(tfjs),
    ratio(tfjs, best.medianNs),
    us(pair?.medianNs),
    us(pair?.baseline?.medianNs),
    us(old?.medianNs),
    ratio(old?.medianNs, best.medianNs),
  ];
  process.stdout.write(`| ${cells.join(" | ")} |\n`);
}
