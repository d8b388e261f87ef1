/** Reading a records file of the bench's inputs: JSONL, gzip-compressed when its name ends in .gz. */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { readJsonl } from "../src/core/dataset/io";
import type { TuningRecord } from "../src/core/dataset/record";

export function readRecordsFile(file: string): TuningRecord[] {
  const bytes = readFileSync(file);
  return readJsonl((file.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8"));
}
