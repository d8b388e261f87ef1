/**
 * The CLI's record store: one JSONL file (default .tunelab/records.jsonl, --store to choose), appended
 * one finished candidate at a time, plus the device peaks measured by `devices`, cached beside it.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { DatasetError, readJsonl } from "../../core/dataset/io";
import type { TuningRecord } from "../../core/dataset/record";
import type { DevicePeaks } from "../../gpu/microbench";
import type { GpuSession } from "../../gpu/session";
import { CliError, type CommandContext, type OptionSpec } from "../command";

export const DEFAULT_STORE = ".tunelab/records.jsonl";

export const STORE_OPTION: Record<string, OptionSpec> = {
  store: { type: "string", value: "FILE", description: "the record store (JSONL)", default: DEFAULT_STORE },
};

export function storePath(ctx: CommandContext): string {
  const value = ctx.values.store;
  return typeof value === "string" && value ? value : DEFAULT_STORE;
}

/** The records of a JSONL file (none when it does not exist); a bad line fails naming file and line. */
export function readRecordFile(path: string): TuningRecord[] {
  if (!existsSync(path)) return [];
  try {
    return readJsonl(readFileSync(path, "utf8"));
  } catch (error) {
    if (error instanceof DatasetError) throw new CliError(`${path}: ${error.message}`);
    throw error;
  }
}

/** Appends records as JSONL lines in one write, creating the folder when needed. */
export function appendRecords(path: string, records: readonly TuningRecord[]): void {
  if (!records.length) return;
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, records.map((r) => `${JSON.stringify(r)}\n`).join(""));
}

interface PeaksFile {
  [device: string]: DevicePeaks & { measuredAt: string };
}

/** The device's peaks: from the cache beside the store, else measured now and cached. */
export async function devicePeaks(
  session: GpuSession,
  store: string,
  options: { remeasure?: boolean } = {},
): Promise<DevicePeaks> {
  const file = join(dirname(store), "peaks.json");
  const { adapter } = await session.device();
  const key = [adapter.vendor, adapter.architecture, adapter.description || adapter.device].join("|");
  let cache: PeaksFile = {};
  try {
    cache = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as PeaksFile) : {};
  } catch {
    cache = {}; // a damaged cache is only a cache: measure again
  }
  const cached = cache[key];
  if (cached && !options.remeasure) return { peakGflops: cached.peakGflops, peakGBps: cached.peakGBps };
  const peaks = await session.devicePeaks();
  cache[key] = { ...peaks, measuredAt: new Date().toISOString() };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(cache, null, 1)}\n`);
  return peaks;
}
