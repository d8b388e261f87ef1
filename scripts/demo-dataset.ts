/**
 * Builds public/demo/dataset.jsonl from record files measured on a GPU: every record is validated
 * against the record schema (a bad one stops the build, naming file, line and field), and each
 * device's limits are cut to the ones the kernel families read, which keeps the file small. Records
 * come out oldest first, so the last ones carry the newest device peaks. With --baselines FILE, the tfjs
 * baselines come from FILE's records (e.g. re-timed in fresh processes) and records of problems it
 * lacks carry none: a baseline measured on a long-lived tfjs backend can be several times too slow.
 * With --retimed FILE.json (bench/retime.ts --best --tfjs), the records of its problems take the tfjs
 * time it measured in its fresh process; others keep theirs, or carry none with --retimed-only.
 * With --fastest N, each problem and family keeps its N fastest records, and with --spread M as well
 * M more at evenly spaced ranks down to the slowest (failures rank last), so an exhaustive sweep
 * shrinks to a file that still shows where the best lies and how the runtimes spread.
 * With --device-name NAME, a device description that does not start with NAME gets it in front, as
 * records name their GPU now: older records carry Dawn's description alone, which names only the
 * driver, and a model's corpus would take one GPU under two descriptions for two devices.
 * Inputs ending in .gz are read gzip-compressed.
 * Usage: npx tsx scripts/demo-dataset.ts OUT.jsonl IN.jsonl[.gz] [IN.jsonl[.gz] ...] [--baselines FILE.jsonl]
 *          [--retimed FILE.json ... [--retimed-only]] [--fastest N [--spread M]] [--device-name NAME]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { readRecordFile } from "../src/cli/commands/store";
import { familyLimitFields } from "../src/core/dataset/device";
import { readJsonl, writeRecords } from "../src/core/dataset/io";
import type { TuningRecord } from "../src/core/dataset/record";
import { SUBGROUP_MATRIX_FEATURE } from "../src/core/families/family";
import { parseProblem, problemFlops } from "../src/core/problem";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    baselines: { type: "string" },
    retimed: { type: "string", multiple: true },
    "retimed-only": { type: "boolean" },
    fastest: { type: "string" },
    spread: { type: "string" },
    "device-name": { type: "string" },
  },
});
const [out, ...inputs] = positionals;
const count = (option: "fastest" | "spread") => {
  const text = values[option];
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${option} must be a whole number of records, got '${text}'`);
    return process.exit(2);
  }
  return n;
};
const fastest = count("fastest");
const spread = count("spread");
if (!out || !inputs.length || (spread && !fastest) || (values["retimed-only"] && !values.retimed)) {
  console.error(
    "usage: npx tsx scripts/demo-dataset.ts OUT.jsonl IN.jsonl[.gz] [IN.jsonl[.gz] ...] [--baselines FILE.jsonl] [--retimed FILE.json ... [--retimed-only]] [--fastest N [--spread M]] [--device-name NAME]",
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
const read: TuningRecord[] = [];
for (const file of inputs) {
  try {
    const records = await readRecordFile(file);
    console.error(`${file}: ${records.length} records, all valid`);
    read.push(...records);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}

/** Of one problem and family's records: the `fastest` first by time, then `spread` at even ranks to the last. */
function kept(task: TuningRecord[], fastest: number, spread: number) {
  const ranked = [...task].sort(
    (a, b) => (a.medianNs ?? Number.POSITIVE_INFINITY) - (b.medianNs ?? Number.POSITIVE_INFINITY),
  );
  const rest = ranked.length - fastest;
  if (rest <= spread) return ranked;
  // Ranks fastest + round(i * (rest - 1) / spread) for i = 1..spread: evenly down to the slowest.
  const spreadRanks = Array.from(
    { length: spread },
    (_, i) => fastest + Math.round(((i + 1) * (rest - 1)) / spread),
  );
  return [...ranked.slice(0, fastest), ...spreadRanks.map((rank) => ranked[rank] as TuningRecord)];
}
const tasks = new Map<string, TuningRecord[]>();
for (const r of read) {
  const key = `${r.problem.text} ${r.family}`;
  const task = tasks.get(key);
  if (task) task.push(r);
  else tasks.set(key, [r]);
}
const records = fastest ? [...tasks.values()].flatMap((task) => kept(task, fastest, spread ?? 0)) : read;
if (fastest)
  console.error(`kept ${records.length} of ${read.length} records over ${tasks.size} problem-family tasks`);
// Stable sort: records of one sweep keep their order.
records.sort((a, b) => a.createdAt.localeCompare(b.createdAt));

const FAMILY_FEATURES = ["shader-f16", "subgroups", SUBGROUP_MATRIX_FEATURE];

const deviceName = values["device-name"];
const named = (description: string) =>
  deviceName && !description.startsWith(deviceName) ? `${deviceName} ${description}` : description;

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
    description: named(r.device.description),
    limits: familyLimitFields(r.device.limits),
    // Of the features and matrix shapes, the ones the families read.
    ...(r.device.features ? { features: r.device.features.filter((f) => FAMILY_FEATURES.includes(f)) } : {}),
    ...(r.device.subgroupMatrixConfigs
      ? { subgroupMatrixConfigs: r.device.subgroupMatrixConfigs.filter((c) => c.componentType === "f16") }
      : {}),
  },
  baseline:
    tfjsRetimed(r.problem.text) ??
    (baselines ? (baselines.get(r.problem.text) ?? null) : values["retimed-only"] ? null : r.baseline),
}));
const text = writeRecords(slim, "jsonl");
// The written file must read back through the same schema.
readJsonl(text);
writeFileSync(out, text);
console.error(`${out}: ${slim.length} records, ${(text.length / 1024).toFixed(0)} KiB`);
