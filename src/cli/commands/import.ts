import { existsSync, readFileSync } from "node:fs";
import { checkItem, type Rejected } from "../../core/dataset/check";
import {
  DATASET_FORMATS,
  DatasetError,
  type DatasetFormat,
  formatFromName,
  type RecordItem,
  readRecordItems,
} from "../../core/dataset/io";
import { recordKey, type TuningRecord } from "../../core/dataset/record";
import { CliError, type Command } from "../command";
import { withWriterLock } from "../files";
import { appendRecords, STORE_OPTION, storePath, streamRecordFile, streamRecordItems } from "./store";

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

/** A JSON or CSV file's records, or why each bad one is none (JSONL files stream instead). */
function readWholeFile(file: string, format: DatasetFormat): RecordItem[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return readRecordItems(text, format);
  } catch (error) {
    if (error instanceof DatasetError) throw new CliError(`${file}: ${error.message}`);
    throw error;
  }
}

/** The file's records that hold together and mean what they say, and why each other one does not. */
async function checkedRecords(file: string, format: DatasetFormat) {
  const records: TuningRecord[] = [];
  const rejected: Rejected[] = [];
  const items = format === "jsonl" ? streamRecordItems(file) : readWholeFile(file, format);
  for await (const item of items) {
    const checked = checkItem(item, format);
    if ("record" in checked) records.push(checked.record);
    else rejected.push(checked);
  }
  return { records, rejected };
}

export const importCommand: Command = {
  name: "import",
  summary:
    "Check a JSON/JSONL/CSV file of records (shape and meaning) and add its new candidates to the store.",
  usage: "import FILE [--format json|jsonl|csv] [--skip-invalid] [--store FILE]",
  positionals: 1,
  options: {
    format: {
      type: "string",
      value: "F",
      description: "json, jsonl or csv (default: from the file's extension)",
    },
    "skip-invalid": {
      type: "boolean",
      description:
        "add the valid records and list each other one with its line and reason (default: a bad record adds nothing)",
    },
    ...STORE_OPTION,
  },
  async run(ctx) {
    const [file] = ctx.positionals;
    if (!file) throw new CliError("import: which file? (see --help)");
    const format = datasetFormat(ctx.values.format, file);
    if (!existsSync(file)) throw new CliError(`cannot read ${file}: no such file`);
    // The whole file is checked before anything is written: by default a bad record leaves the store as it was.
    const { records: incoming, rejected } = await checkedRecords(file, format);
    const [first] = rejected;
    if (first && ctx.values["skip-invalid"] !== true) {
      const more = rejected.length > 1 ? ` (and ${rejected.length - 1} more)` : "";
      throw new CliError(
        `${file}: ${first.reason}${more}; nothing imported (--skip-invalid adds the valid records)`,
      );
    }
    const store = storePath(ctx);
    // Under the store's writer lock: a sweep appending meanwhile could add the same candidates.
    const added = await withWriterLock(store, async () => {
      const known = new Set<string>();
      for await (const record of streamRecordFile(store)) known.add(recordKey(record));
      const fresh = incoming.filter((r) => {
        const key = recordKey(r);
        if (known.has(key)) return false;
        known.add(key);
        return true;
      });
      appendRecords(store, fresh);
      return fresh;
    });
    const skipped = incoming.length - added.length;
    return {
      result: { added: added.length, skipped, rejected, store },
      text: [
        `${added.length} records added to ${store}${skipped ? `, ${skipped} already there` : ""}${rejected.length ? `, ${rejected.length} rejected:` : ""}`,
        ...rejected.map((r) => `  ${r.reason}`),
      ].join("\n"),
    };
  },
};
