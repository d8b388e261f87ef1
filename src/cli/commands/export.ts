import { writeFileSync } from "node:fs";
import { writeRecords } from "../../core/dataset/io";
import { CliError, type Command } from "../command";
import { datasetFormat } from "./import";
import { readRecordFile, STORE_OPTION, storePath } from "./store";

export const exportCommand: Command = {
  name: "export",
  summary: "Write the store's records as JSON, JSONL or CSV, to a file or stdout.",
  usage: "export --format json|jsonl|csv [--out FILE] [--store FILE]",
  options: {
    format: { type: "string", value: "F", description: "json, jsonl or csv" },
    out: { type: "string", value: "FILE", description: "where to write (default: stdout)" },
    ...STORE_OPTION,
  },
  async run(ctx) {
    const format = datasetFormat(ctx.values.format);
    const store = storePath(ctx);
    const records = readRecordFile(store);
    const data = writeRecords(records, format);
    const out = ctx.values.out;
    if (typeof out !== "string") {
      if (ctx.json) throw new CliError("export --json needs --out (stdout carries the JSON summary)");
      return { result: {}, text: data.trimEnd() };
    }
    writeFileSync(out, data);
    return { result: { records: records.length, format, out }, text: `${records.length} records -> ${out}` };
  },
};
