import * as fs from "node:fs";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { sampleRecord } from "../../core/dataset/fixtures";
import { writeRecords } from "../../core/dataset/io";
import { appendRecords, readRecordFile } from "./store";

/** Faults the store's file calls can be given: a disk that fills mid-write, a whole-file read. */
const faults = vi.hoisted(() => ({ diskFullAfter: -1, wholeFileReads: 0 }));

vi.mock("node:fs", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs")>();
  return {
    ...real,
    // Writes `diskFullAfter` bytes, then fails as a full disk does.
    writeSync: (fd: number, buffer: Buffer, offset = 0) => {
      if (faults.diskFullAfter < 0) return real.writeSync(fd, buffer, offset);
      const room = faults.diskFullAfter;
      if (room === 0)
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
      const written = real.writeSync(fd, buffer, offset, Math.min(room, buffer.length - offset));
      faults.diskFullAfter -= written;
      return written;
    },
    readFileSync: (...args: Parameters<typeof real.readFileSync>) => {
      faults.wholeFileReads++;
      return real.readFileSync(...args);
    },
  };
});

const a = sampleRecord({ config: { WGX: 1, WGY: 1 } });
const b = sampleRecord({ config: { WGX: 2, WGY: 2 } });
const c = sampleRecord({ config: { WGX: 4, WGY: 4 } });
const lines = (...records: (typeof a)[]) => writeRecords(records, "jsonl");

let file: string;
let warnings: string[];
const warn = (message: string) => warnings.push(message);

beforeEach(() => {
  file = join(mkdtempSync(join(fs.realpathSync(tmpdir()), "tunelab-store-")), "records.jsonl");
  warnings = [];
});
afterEach(() => {
  faults.diskFullAfter = -1;
});

describe("the record store", () => {
  it("reads every whole line of a file whose last line was cut short, and says which line it skipped", async () => {
    const whole = lines(a, b);
    writeFileSync(file, whole + lines(c).slice(0, 40));
    expect(await readRecordFile(file, warn)).toEqual([a, b]);
    expect(warnings).toEqual([expect.stringMatching(new RegExp(`^${file}: line 3 is cut short`))]);
  });

  it("cuts a torn last line off before the next append, so the file reads whole again", async () => {
    writeFileSync(file, lines(a) + lines(b).slice(0, 100));
    appendRecords(file, [c], warn);
    expect(readFileSync(file, "utf8")).toBe(lines(a, c));
    expect(warnings).toEqual([expect.stringMatching(/removed a last line cut short .*\(100 bytes\)/)]);
    expect(await readRecordFile(file, warn)).toEqual([a, c]);
  });

  it("keeps a last line that lacks only its newline, and starts the next record on a line of its own", async () => {
    writeFileSync(file, lines(a, b).trimEnd());
    expect(await readRecordFile(file, warn)).toEqual([a, b]);
    appendRecords(file, [c], warn);
    expect(readFileSync(file, "utf8")).toBe(lines(a, b, c));
    expect(warnings).toEqual([]);
  });

  it("leaves the file as it was when the disk fills mid-append", async () => {
    writeFileSync(file, lines(a));
    const many = Array.from({ length: 2000 }, (_, i) => sampleRecord({ config: { WGX: i, WGY: 1 } }));
    faults.diskFullAfter = 300_000;
    expect(() => appendRecords(file, many, warn)).toThrow(/cannot write .*ENOSPC.*; it is as it was/);
    faults.diskFullAfter = -1;
    expect(readFileSync(file, "utf8")).toBe(lines(a));
  });

  it("reads a store line by line, never as one string, whatever its lines' sizes", async () => {
    // Lines longer than a read chunk (64 KiB) and many short ones: both come back whole.
    const long = sampleRecord({ message: "x".repeat(200_000), status: "invalid", medianNs: null });
    const records = [
      long,
      ...Array.from({ length: 3000 }, (_, i) => sampleRecord({ medianNs: i + 1 })),
      long,
    ];
    writeFileSync(file, lines(...records));
    const before = faults.wholeFileReads;
    expect(await readRecordFile(file, warn)).toEqual(records);
    expect(faults.wholeFileReads).toBe(before);
  });
});
