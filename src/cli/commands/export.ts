import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type DatasetFormat, recordWriter } from "../../core/dataset/io";
import { CliError, type Command } from "../command";
import { sameFile, writeFileAtomic } from "../files";
import { datasetFormat } from "./import";
import { STORE_OPTION, storePath, streamRecordFile } from "./store";

/** The store in `format`, piece by piece, counting the records into `count`. */
async function* exportText(store: string, format: DatasetFormat, count: { records: number }) {
  const writer = recordWriter(format);
  yield writer.head;
  for await (const record of streamRecordFile(store)) yield writer.record(record, count.records++);
  yield writer.tail(count.records);
}

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
    const out = ctx.values.out;
    const count = { records: 0 };
    if (typeof out !== "string") {
      if (ctx.json) throw new CliError("export --json needs --out (stdout carries the JSON summary)");
      await pipeline(Readable.from(exportText(store, format, count)), process.stdout, { end: false });
      return { result: {}, text: "" };
    }
    if (sameFile(out, store))
      throw new CliError(`--out ${out} is the store itself: export writes a copy, choose another file`);
    await writeFileAtomic(out, exportText(store, format, count));
    return { result: { records: count.records, format, out }, text: `${count.records} records -> ${out}` };
  },
};
