/**
 * Scores a model-guided sweep against the best kernel known for each of its problems: per problem the
 * fastest of the model's K measured candidates, the fastest of the reference search, and their ratio
 * (the best known is the faster of the two), then how many problems reach the threshold.
 *   node bench/run.mjs bench/guided-report.ts GUIDED.jsonl REFERENCE.jsonl [--threshold 0.95]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { readJsonl } from "../src/core/dataset/io";
import { summarize } from "../src/core/dataset/summary";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { threshold: { type: "string", default: "0.95" } },
});
const [guidedFile, referenceFile] = positionals;
if (!guidedFile || !referenceFile) {
  process.stderr.write("usage: node bench/run.mjs bench/guided-report.ts GUIDED.jsonl REFERENCE.jsonl\n");
  process.exit(2);
}
const threshold = Number(values.threshold);
const bestOf = (file: string) =>
  new Map(summarize(readJsonl(readFileSync(file, "utf8"))).best.map((b) => [b.problem, b]));
const guided = bestOf(guidedFile);
const reference = bestOf(referenceFile);
const referenceCounts = new Map<string, number>();
for (const r of readJsonl(readFileSync(referenceFile, "utf8")))
  referenceCounts.set(r.problem.text, (referenceCounts.get(r.problem.text) ?? 0) + 1);

const rows = [...reference.entries()].map(([problem, ref]) => {
  const model = guided.get(problem);
  const known = Math.max(ref.gflops ?? 0, model?.gflops ?? 0);
  return { problem, ref, model, ratio: model?.gflops ? model.gflops / known : 0 };
});
const reached = rows.filter((r) => r.ratio >= threshold).length;
const lines = [
  `| problem | model top-K GFLOP/s (family) | reference GFLOP/s (candidates) | of best known |`,
  "|---|---:|---:|---:|",
  ...rows.map(
    (r) =>
      `| ${r.problem} | ${r.model?.gflops?.toFixed(0) ?? "-"} (${r.model?.family ?? "none"}) | ${r.ref.gflops?.toFixed(0) ?? "-"} (${referenceCounts.get(r.problem)}) | ${(100 * r.ratio).toFixed(1)}% |`,
  ),
  "",
  `model-guided reaches >= ${(100 * threshold).toFixed(0)}% of the best known on ${reached} of ${rows.length} problems`,
  `model-guided beats the reference search on ${rows.filter((r) => (r.model?.gflops ?? 0) > (r.ref.gflops ?? 0)).length} of ${rows.length}`,
];
process.stdout.write(`${lines.join("\n")}\n`);
