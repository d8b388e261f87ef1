/**
 * Builds public/demo/dataset.jsonl from record files measured on a GPU: every record is validated
 * against the record schema (a bad one stops the build, naming file, line and field), and each
 * device's limits are cut to the ones the kernel families read, which keeps the file small. Records
 * come out oldest first, so the last ones carry the newest device peaks. With --baselines FILE, the tfjs
 * baselines come from FILE's records (e.g. re-timed in fresh processes) and records of problems it
 * lacks carry none: a baseline measured on a long-lived tfjs backend can be several times too slow.
 * With --retimed FILE.json (bench/retime.ts --best --tfjs), the records of its problems take the tfjs
 * time it measured in its fresh process; others keep theirs.
 * Usage: npx tsx scripts/demo-dataset.ts OUT.jsonl IN.jsonl [IN.jsonl ...] [--baselines FILE.jsonl]
 *          [--retimed FILE.json ...]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { familyLimitFields } from "../src/core/dataset/device";
import { readJsonl, writeRecords } from "../src/core/dataset/io";
import { SUBGROUP_MATRIX_FEATURE } from "../src/core/families/family";
import { parseProblem, problemFlops } from "../src/core/problem";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { baselines: { type: "string" }, retimed: { type: "string", multiple: true } },
});
const [out, ...inputs] = positionals;
if (!out || !inputs.length) {
  console.error(
    "usage: npx tsx scripts/demo-dataset.ts OUT.jsonl IN.jsonl [IN.jsonl ...] [--baselines FILE.jsonl]",
  );
  process.exit(2);
}
const baselines = values.baselines
  ? new Map(readJsonl(readFileSync(values.baselines, "utf8")).map((r) => [r.problem.text, r.baseline]))
  : null;
const retimed = new Map(
  (values.retimed ?? []).flatMap((file) =>
    (
      JSON.parse(readFileSync(file, "utf8")) as { rows: { problem: string; tfjsNs: number | null }[] }
    ).rows.flatMap((row) => (row.tfjsNs ? [[row.problem, row.tfjsNs] as const] : [])),
  ),
);
const records = inputs.flatMap((file) => {
  try {
    const read = readJsonl(readFileSync(file, "utf8"));
    console.error(`${file}: ${read.length} records, all valid`);
    return read;
  } catch (error) {
    console.error(`${file}: ${(error as Error).message}`);
    return process.exit(1);
  }
});
// Stable sort: records of one sweep keep their order.
records.sort((a, b) => a.createdAt.localeCompare(b.createdAt));

const FAMILY_FEATURES = ["shader-f16", "subgroups", SUBGROUP_MATRIX_FEATURE];

function tfjsRetimed(problem: string) {
  const medianNs = retimed.get(problem);
  return medianNs
    ? { library: "tfjs" as const, medianNs, gflops: problemFlops(parseProblem(problem)) / medianNs }
    : null;
}
const slim = records.map((r) => ({
  ...r,
  device: {
    ...r.device,
    limits: familyLimitFields(r.device.limits),
    // Of the features and matrix shapes, the ones the families read.
    ...(r.device.features ? { features: r.device.features.filter((f) => FAMILY_FEATURES.includes(f)) } : {}),
    ...(r.device.subgroupMatrixConfigs
      ? { subgroupMatrixConfigs: r.device.subgroupMatrixConfigs.filter((c) => c.componentType === "f16") }
      : {}),
  },
  baseline: tfjsRetimed(r.problem.text) ?? (baselines ? (baselines.get(r.problem.text) ?? null) : r.baseline),
}));
const text = writeRecords(slim, "jsonl");
// The written file must read back through the same schema.
readJsonl(text);
writeFileSync(out, text);
console.error(`${out}: ${slim.length} records, ${(text.length / 1024).toFixed(0)} KiB`);
