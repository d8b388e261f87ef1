import { existsSync, readFileSync } from "node:fs";
import {
  DATASET_FORMATS,
  DatasetError,
  type DatasetFormat,
  formatFromName,
  readRecords,
} from "../../core/dataset/io";
import { recordKey, type TuningRecord } from "../../core/dataset/record";
import { CliError, type Command } from "../command";
import { appendRecords, readRecordFile, STORE_OPTION, storePath, streamRecordFile } from "./store";

/** --format, or the file's extension. */
export function datasetFormat(value: unknown, file?: string): DatasetFormat {
  const format = typeof value === "string" ? value : file ? formatFromName(file) : undefined;
  if (!format || !DATASET_FORMATS.includes(format as DatasetFormat)) {
    throw new CliError(
      `--format must be ${DATASET_FORMATS.join(", ")}${typeof value === "string" ? `, got '${value}'` : " (the file's extension does not say)"}`,
    );
  }
  return format as DatasetFormat;
}

/** A JSON or CSV file's records (JSONL files stream through the store's reader instead). */
function readWholeFile(file: string, format: DatasetFormat): TuningRecord[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return readRecords(text, format);
  } catch (error) {
    if (error instanceof DatasetError) throw new CliError(`${file}: ${error.message}`);
    throw error;
  }
}

export const importCommand: Command = {
  name: "import",
  summary: "Validate a JSON/JSONL/CSV file of records and add its new candidates to the store.",
  usage: "import FILE [--format json|jsonl|csv] [--store FILE]",
  positionals: 1,
  options: {
    format: {
      type: "string",
      value: "F",
      description: "json, jsonl or csv (default: from the file's extension)",
    },
    ...STORE_OPTION,
  },
  async run(ctx) {
    const [file] = ctx.positionals;
    if (!file) throw new CliError("import: which file? (see --help)");
    const format = datasetFormat(ctx.values.format, file);
    if (!existsSync(file)) throw new CliError(`cannot read ${file}: no such file`);
    // The whole file is validated before anything is written: a bad file leaves the store as it was.
    const incoming = format === "jsonl" ? await readRecordFile(file) : readWholeFile(file, format);
    const store = storePath(ctx);
    const known = new Set<string>();
    for await (const record of streamRecordFile(store)) known.add(recordKey(record));
    const added = incoming.filter((r) => {
      const key = recordKey(r);
      if (known.has(key)) return false;
      known.add(key);
      return true;
    });
    appendRecords(store, added);
    const skipped = incoming.length - added.length;
    return {
      result: { added: added.length, skipped, store },
      text: `${added.length} records added to ${store}${skipped ? `, ${skipped} already there` : ""}`,
    };
  },
};
