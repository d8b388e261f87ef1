/**
 * Two GPUs' exhaustive records of the same layers side by side (PERFORMANCE.md, "A second GPU"): per
 * layer and family, each GPU's best time, how the other GPU's best config runs here (against this
 * GPU's best, and its rank), and the rank correlation (Spearman) of the configs both measured.
 *
 *   node bench/run.mjs bench/device-agreement.ts --here docs/h100/exhaustive-igemm-resnet18-nhwc.jsonl.gz \
 *     --other docs/h200/exhaustive-igemm-resnet18-nhwc.jsonl.gz,docs/h200/exhaustive-igemm-resnet50-nhwc.jsonl.gz
 */
import { parseArgs } from "node:util";
import { configKey } from "../src/core/dataset/record";
import { readRecordsFile } from "./records-file";

const { values } = parseArgs({ options: { here: { type: "string" }, other: { type: "string" } } });
if (!values.here || !values.other) throw new Error("usage: device-agreement.ts --here A[,B] --other X[,Y]");

/** Each layer and family's verified times by config (a config measured again: the later time). */
function timesOf(files: string): Map<string, Map<string, number>> {
  const layers = new Map<string, Map<string, number>>();
  for (const r of files.split(",").flatMap(readRecordsFile)) {
    if (r.status !== "ok" || r.medianNs === null) continue;
    const layer = `${r.problem.text} ${r.family}`;
    const times = layers.get(layer) ?? new Map<string, number>();
    times.set(configKey(r.config), r.medianNs);
    layers.set(layer, times);
  }
  return layers;
}

const fastest = (times: Map<string, number>) => [...times].reduce((a, b) => (b[1] < a[1] ? b : a));
/** Each config's place, 0 first, when ordered by time. */
const places = (keys: readonly string[], times: Map<string, number>) =>
  new Map(
    [...keys].sort((a, b) => (times.get(a) ?? 0) - (times.get(b) ?? 0)).map((key, place) => [key, place]),
  );

const here = timesOf(values.here);
const other = timesOf(values.other);
process.stdout.write(
  "| layer | family | configs here | best us here | best us there | its best here / best here | its rank here | Spearman |\n|---|---|---:|---:|---:|---:|---:|---:|\n",
);
for (const [layer, times] of here) {
  const theirs = other.get(layer);
  if (!theirs) continue;
  const [, best] = fastest(times);
  const [theirBest, theirNs] = fastest(theirs);
  const shared = [...times.keys()].filter((key) => theirs.has(key));
  const [a, b] = [places(shared, times), places(shared, theirs)];
  const n = shared.length;
  const squares = shared.reduce((sum, key) => sum + ((a.get(key) ?? 0) - (b.get(key) ?? 0)) ** 2, 0);
  const spearman = 1 - (6 * squares) / (n * (n * n - 1));
  const mine = times.get(theirBest);
  const rank = mine === undefined ? "-" : String([...times.values()].filter((ns) => ns < mine).length + 1);
  const [problem, family] = layer.split(" ");
  const cells = [
    problem,
    family,
    times.size.toLocaleString("en-US"),
    (best / 1e3).toFixed(1),
    (theirNs / 1e3).toFixed(1),
    mine === undefined ? "not measured here" : (mine / best).toFixed(3),
    rank,
    spearman.toFixed(3),
  ];
  process.stdout.write(`| ${cells.join(" | ")} |\n`);
}
