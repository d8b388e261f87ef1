/**
 * Records to and from text: JSONL (one record a line, the append-only store format), JSON (an array)
 * and CSV (one row a record; nested fields as JSON text in their cell). readRecords validates everything
 * before returning anything, so a caller that stores the result never stores half a file;
 * readRecordItems returns each record or why it is none, for a caller that keeps the good ones.
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

/** Where a record sits in a file of `format`, as messages name it: a line, or a JSON array's record. */
export const recordPlace = (format: DatasetFormat, n: number) =>
  `${format === "json" ? "record" : "line"} ${n}`;

/** One record of a file, or why the line (JSON: the record) numbered `line` is not one. */
export type RecordItem = { line: number; record: TuningRecord } | { line: number; error: DatasetError };

function attempt(line: number, read: () => TuningRecord | null): RecordItem[] {
  try {
    const record = read();
    return record ? [{ line, record }] : [];
  } catch (error) {
    if (error instanceof DatasetError) return [{ line, error }];
    throw error;
  }
}

/**
 * Every record of a file, or why each bad one is not a record, so that a caller can keep the good ones.
 * What spoils the whole file (not JSON, not an array, a missing column) throws.
 */
export function readRecordItems(text: string, format: DatasetFormat): RecordItem[] {
  switch (format) {
    case "jsonl":
      return text.split("\n").flatMap((raw, i) => attempt(i + 1, () => readJsonlLine(raw, i + 1)));
    case "json":
      return jsonArray(text).flatMap((item, i) =>
        attempt(i + 1, () => validate(item, recordPlace(format, i + 1), i + 1)),
      );
    case "csv": {
      const { index, rows } = csvTable(text);
      return rows.flatMap(({ line, cells }) => attempt(line, () => csvRecord(index, cells, line)));
    }
  }
}

/** Every record of a file; the first bad one throws, naming its line (or record) and field. */
export function readRecords(text: string, format: DatasetFormat): TuningRecord[] {
  return readRecordItems(text, format).map((item) => {
    if ("error" in item) throw item.error;
    return item.record;
  });
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
  return validate(value, recordPlace("jsonl", line), line);
}

export const readJsonl = (text: string): TuningRecord[] => readRecords(text, "jsonl");

function jsonArray(text: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DatasetError(`not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(value)) throw new DatasetError("expected a JSON array of records");
  return value;
}

/** CSV columns: top-level record fields; objects and arrays are JSON text in their cell. */
export type CsvKind = "string" | "number" | "json";
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
  { name: "clock", kind: "json", optional: true },
];

/**
 * A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(...)), so such text
 * cells are written after a quote mark, which spreadsheets show as text. Cells that already start with
 * quote marks before one of these get one more, so reading takes exactly one off and nothing is lost.
 */
const FORMULA_LEAD = /^'*[=+\-@\t\r]/;

export function csvCell(value: unknown, kind: CsvKind): string {
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

/** A CSV file's header (column name to position) and its rows. */
function csvTable(text: string): { index: Map<string, number>; rows: { line: number; cells: string[] }[] } {
  const [header, ...rows] = csvRows(text);
  const index = new Map<string, number>();
  if (!header) return { index, rows };
  header.cells.forEach((cell, i) => {
    const name = cell.trim();
    if (index.has(name)) throw new DatasetError(`line 1: column '${name}' appears twice`, 1, name);
    index.set(name, i);
  });
  for (const c of CSV_COLUMNS) {
    if (!index.has(c.name) && !c.optional)
      throw new DatasetError(`line 1: missing column '${c.name}'`, 1, c.name);
  }
  return { index, rows };
}

function csvRecord(index: Map<string, number>, cells: readonly string[], line: number): TuningRecord {
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
}
