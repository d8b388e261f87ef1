/**
 * Records to and from text: JSONL (one record a line, the append-only store format), JSON (an array)
 * and CSV (one row a record; nested fields as JSON text in their cell). Reading validates everything
 * before returning anything, so a caller that stores the result never stores half a file.
 */
import type { z } from "zod";
import { type TuningRecord, tuningRecordSchema } from "./record";

export type DatasetFormat = "jsonl" | "json" | "csv";
export const DATASET_FORMATS: readonly DatasetFormat[] = ["jsonl", "json", "csv"];

/** A file that is not a valid dataset; the message names the line (or record) and the field. */
export class DatasetError extends Error {
  constructor(
    message: string,
    /** 1-based line of the file (JSONL, CSV) or 1-based record number (JSON). */
    readonly line?: number,
    readonly field?: string,
  ) {
    super(message);
  }
}

function firstIssue(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0];
  const field = issue?.path.map(String).join(".") || "(record)";
  return { field, message: issue?.message ?? "invalid record" };
}

function validate(value: unknown, where: string, line: number): TuningRecord {
  const parsed = tuningRecordSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const { field, message } = firstIssue(parsed.error);
  throw new DatasetError(`${where}, field ${field}: ${message}`, line, field);
}

export function formatFromName(name: string): DatasetFormat | undefined {
  const ext = name.toLowerCase().split(".").at(-1);
  return DATASET_FORMATS.find((f) => f === ext);
}

export function readRecords(text: string, format: DatasetFormat): TuningRecord[] {
  switch (format) {
    case "jsonl":
      return readJsonl(text);
    case "json":
      return readJson(text);
    case "csv":
      return readCsv(text);
  }
}

export function writeRecords(records: readonly TuningRecord[], format: DatasetFormat): string {
  const writer = recordWriter(format);
  return writer.head + records.map(writer.record).join("") + writer.tail(records.length);
}

/** A format's text in pieces, so that any number of records can be written one at a time. */
export interface RecordWriter {
  head: string;
  record(record: TuningRecord, index: number): string;
  tail(count: number): string;
}

export function recordWriter(format: DatasetFormat): RecordWriter {
  switch (format) {
    case "jsonl":
      return { head: "", record: (r) => `${JSON.stringify(r)}\n`, tail: () => "" };
    case "json":
      // What JSON.stringify(records, null, 1) writes: each record one level in (JSON strings hold no newline).
      return {
        head: "[",
        record: (r, i) => `${i ? "," : ""}\n ${JSON.stringify(r, null, 1).replaceAll("\n", "\n ")}`,
        tail: (count) => (count ? "\n]\n" : "]\n"),
      };
    case "csv":
      return {
        head: `${CSV_COLUMNS.map((c) => c.name).join(",")}\n`,
        record: (r) => `${CSV_COLUMNS.map((c) => csvCell(r[c.name], c.kind)).join(",")}\n`,
        tail: () => "",
      };
  }
}

/** The record on one JSONL line (1-based `line`), null for a blank line. */
export function readJsonlLine(text: string, line: number): TuningRecord | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    throw new DatasetError(`line ${line}: not JSON (${(error as Error).message})`, line);
  }
  return validate(value, `line ${line}`, line);
}

export function readJsonl(text: string): TuningRecord[] {
  const records: TuningRecord[] = [];
  text.split("\n").forEach((raw, i) => {
    const record = readJsonlLine(raw, i + 1);
    if (record) records.push(record);
  });
  return records;
}

export function readJson(text: string): TuningRecord[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DatasetError(`not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(value)) throw new DatasetError("expected a JSON array of records");
  return value.map((item, i) => validate(item, `record ${i + 1}`, i + 1));
}

/** CSV columns: top-level record fields; objects and arrays are JSON text in their cell. */
type CsvKind = "string" | "number" | "json";
const CSV_COLUMNS: { name: keyof TuningRecord; kind: CsvKind; optional?: true }[] = [
  { name: "schema", kind: "number" },
  { name: "tunelab", kind: "string" },
  { name: "createdAt", kind: "string" },
  { name: "family", kind: "string" },
  { name: "status", kind: "string" },
  { name: "message", kind: "string" },
  { name: "medianNs", kind: "number" },
  { name: "iqrNs", kind: "number" },
  { name: "gflops", kind: "number" },
  { name: "peakFraction", kind: "number" },
  { name: "problem", kind: "json" },
  { name: "config", kind: "json" },
  { name: "samplesNs", kind: "json" },
  { name: "verification", kind: "json" },
  { name: "timing", kind: "json" },
  { name: "baseline", kind: "json" },
  { name: "device", kind: "json" },
  { name: "phasesMs", kind: "json", optional: true },
];

/**
 * A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(...)), so such text
 * cells are written after a quote mark, which spreadsheets show as text. Cells that already start with
 * quote marks before one of these get one more, so reading takes exactly one off and nothing is lost.
 */
const FORMULA_LEAD = /^'*[=+\-@\t\r]/;

function csvCell(value: unknown, kind: CsvKind): string {
  if (value === null || value === undefined) return "";
  let text = typeof value === "object" ? JSON.stringify(value) : String(value);
  if (kind !== "number" && FORMULA_LEAD.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A cell as written before csvCell's quote mark. */
const unescapeCell = (cell: string) =>
  cell.startsWith("'") && FORMULA_LEAD.test(cell) ? cell.slice(1) : cell;

/** Decimal numbers only, as JSON writes them: not 0x10, 1e, " 5", Infinity. */
const DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** RFC 4180 rows, each with the 1-based line it starts on (quoted cells may span lines). */
function csvRows(text: string): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === "\n") line++;
        cell += ch;
      }
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      cells.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      cells.push(cell);
      if (cells.some((c) => c !== "")) rows.push({ line: rowLine, cells });
      cells = [];
      cell = "";
      line++;
      rowLine = line;
    } else cell += ch;
  }
  if (quoted) throw new DatasetError(`line ${rowLine}: unterminated quoted cell`, rowLine);
  cells.push(cell);
  if (cells.some((c) => c !== "")) rows.push({ line: rowLine, cells });
  return rows;
}

function readCsv(text: string): TuningRecord[] {
  const [header, ...rows] = csvRows(text);
  if (!header) return [];
  const index = new Map<string, number>();
  header.cells.forEach((cell, i) => {
    const name = cell.trim();
    if (index.has(name)) throw new DatasetError(`line 1: column '${name}' appears twice`, 1, name);
    index.set(name, i);
  });
  for (const c of CSV_COLUMNS) {
    if (!index.has(c.name) && !c.optional)
      throw new DatasetError(`line 1: missing column '${c.name}'`, 1, c.name);
  }
  return rows.map(({ line, cells }) => {
    const value: Record<string, unknown> = {};
    for (const c of CSV_COLUMNS) {
      const at = index.get(c.name);
      const cell = at === undefined ? "" : (cells[at] ?? "");
      if (c.optional && cell === "") continue;
      if (c.kind === "string") value[c.name] = unescapeCell(cell);
      else if (cell === "") value[c.name] = null;
      else if (c.kind === "number") {
        if (!DECIMAL.test(cell))
          throw new DatasetError(
            `line ${line}, field ${c.name}: '${cell}' is not a decimal number`,
            line,
            c.name,
          );
        value[c.name] = Number(cell);
      } else {
        try {
          value[c.name] = JSON.parse(unescapeCell(cell));
        } catch {
          throw new DatasetError(`line ${line}, field ${c.name}: not JSON`, line, c.name);
        }
      }
    }
    return validate(value, `line ${line}`, line);
  });
}
