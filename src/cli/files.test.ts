import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sameFile, writeFileAtomic } from "./files";

describe("whole-file writes", () => {
  it("replace a file in one step, and leave it as it was when the content fails midway", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tunelab-files-"));
    const file = join(dir, "out.csv");
    writeFileSync(file, "old\n");
    async function* failing() {
      yield "new,";
      throw new Error("the store broke at line 2");
    }
    await expect(writeFileAtomic(file, failing())).rejects.toThrow(
      /cannot write .*out\.csv: the store broke/,
    );
    expect(readFileSync(file, "utf8")).toBe("old\n");
    expect(readdirSync(dir)).toEqual(["out.csv"]);

    await writeFileAtomic(file, ["new,", "rows\n"]);
    expect(readFileSync(file, "utf8")).toBe("new,rows\n");
    await writeFileAtomic(file, new Uint8Array([104, 105]).subarray(1));
    expect(readFileSync(file, "utf8")).toBe("i");
    expect(readdirSync(dir)).toEqual(["out.csv"]);
  });

  it("know one file under two names", () => {
    const dir = mkdtempSync(join(tmpdir(), "tunelab-files-"));
    const file = join(dir, "records.jsonl");
    writeFileSync(file, "");
    symlinkSync(file, join(dir, "link.jsonl"));
    expect(sameFile(file, join(dir, "sub", "..", "records.jsonl"))).toBe(true);
    expect(sameFile(join(dir, "link.jsonl"), file)).toBe(true);
    expect(sameFile(join(dir, "other.jsonl"), file)).toBe(false);
  });
});
