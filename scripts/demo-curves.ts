/**
 * Builds public/demo/exhaustive-h200.json.gz, the compact recording the lab's tuning-cost chart replays:
 * per problem and family of the exhaustive H200 records, each config's values and median time (or how
 * it failed), the device's limits once. Every record is validated against the record schema first.
 * A task whose records fall short of its family's valid space (a sweep still to be resumed) is left out,
 * and named: the chart's "best" must be the best there is.
 * An OUT ending in .gz is written gzip-compressed (the lab's Worker inflates it), any other as plain JSON.
 * Usage: node bench/run.mjs scripts/demo-curves.ts OUT.json[.gz] IN.jsonl[.gz] [IN.jsonl[.gz] ...]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { constants, gunzipSync, gzipSync } from "node:zlib";
import { readJsonl } from "../src/core/dataset/io";
import { curveTask } from "../src/core/search/curve";
import { compactRecording, recordedTasks } from "../src/core/search/recording";

const [out, ...inputs] = process.argv.slice(2);
if (!out || !inputs.length) {
  console.error(
    "usage: node bench/run.mjs scripts/demo-curves.ts OUT.json[.gz] IN.jsonl[.gz] [IN.jsonl[.gz] ...]",
  );
  process.exit(2);
}
const records = inputs.flatMap((file) => {
  const bytes = readFileSync(file);
  return readJsonl((file.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8"));
});
const complete = recordedTasks(records).filter((task) => {
  // The replay's own count of the family's valid configs on the recorded device.
  const { valid } = curveTask(task);
  if (task.recorded.length >= valid) return true;
  console.log(
    `left out ${task.problem} ${task.family}: ${task.recorded.length} of its ${valid} valid configs`,
  );
  return false;
});
const file = compactRecording(complete, inputs.map((f) => basename(f)).join(", "));
const json = `${JSON.stringify(file)}\n`;
const bytes = out.endsWith(".gz")
  ? gzipSync(json, { level: constants.Z_BEST_COMPRESSION })
  : Buffer.from(json, "utf8");
writeFileSync(out, bytes);
const mb = (n: number) => `${(n / 1e6).toFixed(2)} MB`;
const layers = new Set(file.tasks.map((t) => t.problem)).size;
console.log(
  `${out}: ${file.tasks.length} tasks (${layers} problems), ${complete.reduce((n, t) => n + t.recorded.length, 0)} records, ${mb(json.length)} of JSON` +
    (out.endsWith(".gz") ? `, ${mb(bytes.length)} gzip-compressed` : ""),
);
