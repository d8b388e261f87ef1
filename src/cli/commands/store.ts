/**
 * The CLI's record store: one JSONL file (default .tunelab/records.jsonl, --store to choose), appended
 * one finished candidate at a time, plus the device peaks measured by `devices`, cached beside it.
 * Stores are read and written line by line, so their size is bounded by the disk, not by one string.
 */
import {
  closeSync,
  createReadStream,
  existsSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { z } from "zod";
import { recordedDescription } from "../../core/dataset/device";
import { DatasetError, type RecordItem, readJsonlLine, recordWriter } from "../../core/dataset/io";
import type { TuningRecord } from "../../core/dataset/record";
import { SUBGROUP_MATRIX_FEATURE } from "../../core/families/family";
import type { DevicePeaks } from "../../gpu/microbench";
import type { GpuSession } from "../../gpu/session";
import { CliError, type CommandContext, type OptionSpec } from "../command";
import { writeFileAtomic } from "../files";

export const DEFAULT_STORE = ".tunelab/records.jsonl";

export const STORE_OPTION: Record<string, OptionSpec> = {
  store: { type: "string", value: "FILE", description: "the record store (JSONL)", default: DEFAULT_STORE },
};

export function storePath(ctx: CommandContext): string {
  const value = ctx.values.store;
  return typeof value === "string" && value ? value : DEFAULT_STORE;
}

/** Where warnings go unless a caller says otherwise: stderr, beside the progress lines. */
export const warnOnStderr = (message: string) => process.stderr.write(`tunelab: warning: ${message}\n`);

const NEWLINE = 0x0a;

/** The lines of a file as they stream in, each with its 1-based number and whether its newline was there. */
async function* fileLines(path: string): AsyncGenerator<{ text: string; line: number; whole: boolean }> {
  let pending: Buffer[] = [];
  let line = 0;
  // A .gz file (the recorded ground truth ships compressed) is read through gunzip, still a chunk at a time.
  const source = path.endsWith(".gz")
    ? pipeline(createReadStream(path), createGunzip(), () => {})
    : createReadStream(path);
  for await (const chunk of source as AsyncIterable<Buffer>) {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      pending.push(chunk.subarray(start, end));
      yield { text: Buffer.concat(pending).toString("utf8"), line: ++line, whole: true };
      pending = [];
      start = end + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.length) yield { text: Buffer.concat(pending).toString("utf8"), line: ++line, whole: false };
}

const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/**
 * The records of a JSONL file one by one, or why a line is none (nothing when the file does not
 * exist). A last line without its newline that is not JSON is a write cut short (a full disk): it is
 * skipped with a warning, and the next append cuts it off.
 */
export async function* streamRecordItems(
  path: string,
  warn: (message: string) => void = warnOnStderr,
): AsyncGenerator<RecordItem> {
  if (!existsSync(path)) return;
  try {
    for await (const { text, line, whole } of fileLines(path)) {
      if (!whole && !isJson(text)) {
        warn(`${path}: line ${line} is cut short (an interrupted write), skipped; the next write removes it`);
        return;
      }
      try {
        const record = readJsonlLine(text, line);
        if (record) yield { line, record };
      } catch (error) {
        if (!(error instanceof DatasetError)) throw error;
        yield { line, error };
      }
    }
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

/** The records of a JSONL file one by one (see streamRecordItems); a bad line fails naming file and line. */
export async function* streamRecordFile(
  path: string,
  warn?: (message: string) => void,
): AsyncGenerator<TuningRecord> {
  for await (const item of streamRecordItems(path, warn)) {
    if ("error" in item) throw new CliError(`${path}: ${item.error.message}`);
    yield item.record;
  }
}

/** Every record of a JSONL file, in order (see streamRecordFile). */
export async function readRecordFile(
  path: string,
  warn?: (message: string) => void,
): Promise<TuningRecord[]> {
  const records: TuningRecord[] = [];
  for await (const record of streamRecordFile(path, warn)) records.push(record);
  return records;
}

/** Writes all of `bytes` at the end of an append-mode file. */
function writeAll(fd: number, bytes: Buffer): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
}

/**
 * Makes an append start on a line of its own: a last line that lacks only its newline gets one, a torn
 * one (not JSON) is cut off. Returns the file's size afterwards.
 */
function mendTail(fd: number, path: string, warn: (message: string) => void): number {
  const size = fstatSync(fd).size;
  const byte = Buffer.alloc(1);
  if (size === 0 || (readSync(fd, byte, 0, 1, size - 1) === 1 && byte[0] === NEWLINE)) return size;
  // Look back for the newline that ends the last whole line.
  const block = Buffer.alloc(64 * 1024);
  let start = 0;
  for (let end = size; end > 0 && start === 0; end -= block.length) {
    const from = Math.max(0, end - block.length);
    const read = readSync(fd, block, 0, end - from, from);
    const at = block.subarray(0, read).lastIndexOf(NEWLINE);
    if (at !== -1) start = from + at + 1;
  }
  const tail = Buffer.alloc(size - start);
  readSync(fd, tail, 0, tail.length, start);
  if (isJson(tail.toString("utf8"))) {
    writeAll(fd, Buffer.from("\n"));
    return size + 1;
  }
  ftruncateSync(fd, start);
  warn(`${path}: removed a last line cut short by an interrupted write (${tail.length} bytes)`);
  return start;
}

/** Records per write: a large import goes out in pieces, never as one string. */
const RECORDS_PER_WRITE = 512;

/**
 * Appends records as JSONL lines, creating the folder when needed. All or nothing: when a write fails
 * (a full disk), the file is cut back to where it was, so it never holds half a line.
 */
export function appendRecords(
  path: string,
  records: readonly TuningRecord[],
  warn: (message: string) => void = warnOnStderr,
): void {
  if (!records.length) return;
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, "a+");
  try {
    const size = mendTail(fd, path, warn);
    const line = recordWriter("jsonl").record;
    try {
      for (let i = 0; i < records.length; i += RECORDS_PER_WRITE) {
        const piece = records
          .slice(i, i + RECORDS_PER_WRITE)
          .map(line)
          .join("");
        writeAll(fd, Buffer.from(piece));
      }
    } catch (error) {
      ftruncateSync(fd, size);
      throw new CliError(`cannot write ${path} (${(error as Error).message}); it is as it was`, 1);
    }
  } finally {
    closeSync(fd);
  }
}

/** peaks.json: each device's measured peaks. An entry that is not two positive numbers is measured again. */
const peaksEntrySchema = z.object({
  peakGflops: z.number().positive(),
  peakGBps: z.number().positive(),
  peakMatrixGflops: z.number().positive().optional(),
});
type PeaksFile = Record<string, unknown>;

/** The device's peaks: from the cache beside the store, else measured now and cached. */
export async function devicePeaks(
  session: GpuSession,
  store: string,
  options: { remeasure?: boolean } = {},
): Promise<DevicePeaks> {
  const file = join(dirname(store), "peaks.json");
  const { adapter } = await session.device();
  // One entry per adapter and feature set: with --unsafe-features the same GPU has a third roof.
  const matrix = adapter.features.includes(SUBGROUP_MATRIX_FEATURE) ? ["subgroup-matrix"] : [];
  const key = [adapter.vendor, adapter.architecture, recordedDescription(adapter), ...matrix].join("|");
  let cache: PeaksFile = {};
  try {
    const parsed: unknown = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
    cache = parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as PeaksFile) : {};
  } catch {
    cache = {}; // a damaged cache is only a cache: measure again
  }
  const cached = peaksEntrySchema.safeParse(cache[key]);
  if (cached.success && !options.remeasure) return cached.data;
  if (cache[key] !== undefined && !cached.success)
    warnOnStderr(
      `${file}: the peaks stored for this device are not two positive numbers; measuring them again`,
    );
  const peaks = await session.devicePeaks();
  cache[key] = { ...peaks, measuredAt: new Date().toISOString() };
  mkdirSync(dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(cache, null, 1)}\n`);
  return peaks;
}
