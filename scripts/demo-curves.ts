/**
 * Builds public/demo/exhaustive-h200.json, the compact recording the lab's tuning-cost chart replays:
 * per problem and family of the exhaustive H200 records, each config's values and median time (or how
 * it failed), the device's limits once. Every record is validated against the record schema first.
 * Usage: npx tsx scripts/demo-curves.ts OUT.json IN.jsonl.gz [IN.jsonl.gz ...]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { gunzipSync } from "node:zlib";
import { readJsonl } from "../src/core/dataset/io";
import { compactRecording, recordedTasks } from "../src/core/search/recording";

const [out, ...inputs] = process.argv.slice(2);
if (!out || !inputs.length) {
  console.error("usage: npx tsx scripts/demo-curves.ts OUT.json IN.jsonl.gz [IN.jsonl.gz ...]");
  process.exit(2);
}
const records = inputs.flatMap((file) => {
  const bytes = readFileSync(file);
  return readJsonl((file.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8"));
});
const file = compactRecording(recordedTasks(records), inputs.map((f) => basename(f)).join(", "));
writeFileSync(out, `${JSON.stringify(file)}\n`);
console.log(
  `${out}: ${file.tasks.length} problems, ${records.length} records, ${(JSON.stringify(file).length / 1e6).toFixed(2)} MB`,
);
