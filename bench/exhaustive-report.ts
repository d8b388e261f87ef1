/**
 * The ground-truth table of PERFORMANCE.md: per layer and family, the exhaustive sweep's configs and
 * best (with the tfjs time the sweep measured beside it), the best's fresh-process pair with tfjs where
 * one was made, the best config of that family the earlier (local) searches had found, and how many
 * configs run within 95% of the best. With
 * --recorded (each layer's earlier best timed beside tfjs on the same GPU), it then prints each batch
 * size's geometric-mean speedup over tfjs when every layer takes the faster of that pair and the
 * exhaustive bests (each speedup against the tfjs time of its own run).
 *
 *   node bench/run.mjs bench/exhaustive-report.ts --exhaustive docs/h200/exhaustive-igemm-resnet50-nhwc.jsonl.gz,docs/h200/exhaustive-splitk-resnet50-3x3-nhwc.jsonl.gz \
 *     --pairs docs/h200/exhaustive-best-vs-tfjs.jsonl --earlier docs/h100/resnet50-b32-nhwc.jsonl,docs/h100/resnet50-b1-nhwc.jsonl \
 *     --recorded docs/h100/h200-resnet50-best-vs-tfjs-nhwc.jsonl
 */
import { parseArgs } from "node:util";
import type { TuningRecord } from "../src/core/dataset/record";
import { readRecordsFile } from "./records-file";

const { values } = parseArgs({
  options: {
    exhaustive: { type: "string" },
    pairs: { type: "string" },
    earlier: { type: "string" },
    recorded: { type: "string" },
  },
});
if (!values.exhaustive)
  throw new Error("usage: exhaustive-report.ts --exhaustive A,B [--pairs P] [--earlier X,Y] [--recorded R]");
const files = (list: string | undefined) => (list ? list.split(",") : []);
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
const swept = files(values.exhaustive).flatMap(readRecordsFile);
const fresh = fastest(files(values.pairs).flatMap(readRecordsFile));
const before = fastest(files(values.earlier).flatMap(readRecordsFile));
const configs = new Map<string, number>();
for (const r of swept) configs.set(layerKey(r), (configs.get(layerKey(r)) ?? 0) + 1);
const us = (ns: number | null | undefined) => (ns == null ? "-" : (ns / 1e3).toFixed(1));
const ratio = (a: number | null | undefined, b: number | null | undefined) =>
  a && b ? (a / b).toFixed(2) : "-";
process.stdout.write(
  "| layer | family | configs | exhaustive best us | GFLOP/s | tfjs us (sweep) | speedup | fresh pair us | tfjs us (pair) | earlier best us | earlier / exhaustive | configs within 95% |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
);
const bests = fastest(swept);
/** How many configs run within 95% of the layer's best: the fewer, the harder the space is to search. */
const near = new Map<string, number>();
for (const r of swept) {
  const best = bests.get(layerKey(r))?.medianNs;
  if (r.medianNs !== null && best && 0.95 * r.medianNs <= best)
    near.set(layerKey(r), (near.get(layerKey(r)) ?? 0) + 1);
}
for (const [key, best] of bests) {
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
    near.get(key),
  ];
  process.stdout.write(`| ${cells.join(" | ")} |\n`);
}

if (values.recorded) {
  /** Each layer's fastest record that was timed beside tfjs, whatever its family. */
  const bestOfLayer = new Map<string, TuningRecord>();
  for (const r of [...bests.values(), ...fastest(readRecordsFile(values.recorded)).values()]) {
    if (r.medianNs === null || !r.baseline?.medianNs) continue;
    const b = bestOfLayer.get(r.problem.text);
    if (!b || (b.medianNs ?? Number.POSITIVE_INFINITY) > r.medianNs) bestOfLayer.set(r.problem.text, r);
  }
  for (const batch of new Set([...bestOfLayer.values()].map((r) => r.problem.fields.n))) {
    const layers = [...bestOfLayer.values()].filter((r) => r.problem.fields.n === batch);
    const speedups = layers.map((r) => (r.baseline?.medianNs ?? 0) / (r.medianNs ?? 1));
    const geomean = Math.exp(speedups.reduce((sum, x) => sum + Math.log(x), 0) / speedups.length);
    const exhaustive = layers.filter((r) => swept.includes(r)).length;
    process.stdout.write(
      `batch ${batch}: ${layers.length} layers, geometric-mean speedup over tfjs ${geomean.toFixed(2)}x (slowest ${Math.min(...speedups).toFixed(2)}x); the exhaustive best on ${exhaustive}\n`,
    );
  }
}
