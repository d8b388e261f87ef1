/**
 * Builds public/demo/dataset.jsonl from record files measured on a GPU: every record is validated
 * against the record schema (a bad one stops the build, naming file, line and field), and each
 * device's limits are cut to the ones the kernel families read, which keeps the file small. Records
 * come out oldest first, so the last ones carry the newest device peaks.
 * Usage: npx tsx scripts/demo-dataset.ts OUT.jsonl IN.jsonl [IN.jsonl ...]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { readJsonl, writeRecords } from "../src/core/dataset/io";
import { familyLimitFields } from "../src/core/model/device";

const [out, ...inputs] = process.argv.slice(2);
if (!out || !inputs.length) {
  console.error("usage: npx tsx scripts/demo-dataset.ts OUT.jsonl IN.jsonl [IN.jsonl ...]");
  process.exit(2);
}
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
const slim = records.map((r) => ({
  ...r,
  device: { ...r.device, limits: familyLimitFields(r.device.limits) },
}));
const text = writeRecords(slim, "jsonl");
// The written file must read back through the same schema.
readJsonl(text);
writeFileSync(out, text);
console.error(`${out}: ${slim.length} records, ${(text.length / 1024).toFixed(0)} KiB`);
