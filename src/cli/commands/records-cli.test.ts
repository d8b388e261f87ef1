import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";

// Import and export need no GPU: records measured on an H200, from the recorded demo.
const bundle = "dist-cli/tunelab.mjs";
const demo = readFileSync("public/demo/dataset.jsonl", "utf8").split("\n").slice(0, 6);
const text = (lines: readonly string[]) => lines.map((l) => `${l}\n`).join("");

let dir: string;
let store: string;

function cli(...args: string[]) {
  const run = spawnSync(process.execPath, [bundle, ...args], { encoding: "utf8" });
  const last = run.stdout.trim().split("\n").at(-1) ?? "";
  return { ...run, json: run.status === 0 && args.includes("--json") ? JSON.parse(last) : undefined };
}

beforeAll(() => {
  execFileSync(process.execPath, ["scripts/build-cli.mjs"], { stdio: "inherit" });
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tunelab-records-"));
  store = join(dir, "records.jsonl");
  writeFileSync(store, text(demo));
});

describe("a store whose last line was cut short", () => {
  it("exports its whole lines with a warning naming the line, and the next import repairs it", () => {
    writeFileSync(store, text(demo.slice(0, 4)) + (demo[4] ?? "").slice(0, 300));
    const exported = cli("export", "--format", "jsonl", "--store", store);
    expect(exported.status).toBe(0);
    expect(exported.stdout).toBe(text(demo.slice(0, 4)));
    expect(exported.stderr.trim()).toBe(
      `tunelab: warning: ${store}: line 5 is cut short (an interrupted write), skipped; the next write removes it`,
    );

    const more = join(dir, "more.jsonl");
    writeFileSync(more, text(demo.slice(4)));
    const imported = cli("import", more, "--store", store, "--json");
    expect(imported.json).toMatchObject({ added: 2, skipped: 0 });
    expect(imported.stderr).toMatch(/removed a last line cut short/);
    expect(readFileSync(store, "utf8")).toBe(text(demo));
  });
});

describe("export", () => {
  it("refuses to write over the store it reads, however the path is spelled", () => {
    for (const out of [store, join(dir, ".", "sub", "..", "records.jsonl")]) {
      const run = cli("export", "--format", "csv", "--out", out, "--store", store);
      expect(run.status).toBe(2);
      expect(run.stderr.trim()).toBe(
        `tunelab: --out ${out} is the store itself: export writes a copy, choose another file`,
      );
    }
    expect(readFileSync(store, "utf8")).toBe(text(demo));
  });

  it("leaves an earlier file as it was when the store breaks halfway, with nothing left beside it", () => {
    const out = join(dir, "records.csv");
    writeFileSync(out, "earlier export\n");
    writeFileSync(store, text([...demo.slice(0, 3), "{not json", ...demo.slice(3)]));
    const run = cli("export", "--format", "csv", "--out", out, "--store", store);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/records\.jsonl: line 4: not JSON/);
    expect(readFileSync(out, "utf8")).toBe("earlier export\n");
    expect(readdirSync(dir).sort()).toEqual(["records.csv", "records.jsonl"]);
  });
});

describe("import", () => {
  /** The demo's records, the 2nd to 5th spoiled in meaning (their shape is fine). */
  function spoiled(): string[] {
    const records = demo.map((line) => JSON.parse(line));
    records[1].config.BM = 999;
    records[2].family = "winograd";
    records[3].problem.text = records[3].problem.text.replace("pad=1", "pad=2");
    records[4].config = { ...records[4].config, "fn main() {}": 1 };
    return records.map((r) => JSON.stringify(r));
  }

  it("refuses a file with records that mean nothing, naming the first, and adds nothing", () => {
    const file = join(dir, "spoiled.jsonl");
    writeFileSync(file, text(spoiled()));
    const fresh = join(dir, "fresh.jsonl");
    const run = cli("import", file, "--store", fresh);
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toMatch(
      /^tunelab: .*spoiled\.jsonl: line 2: config: BM=999 is not one of [\d, ]+ \(igemm on .*\) \(and 3 more\); nothing imported \(--skip-invalid adds the valid records\)$/,
    );
    expect(readdirSync(dir)).not.toContain("fresh.jsonl");
  });

  it("--skip-invalid adds the valid records and lists the others with their line and reason", () => {
    const file = join(dir, "spoiled.jsonl");
    writeFileSync(file, text(spoiled()));
    const fresh = join(dir, "fresh.jsonl");
    const run = cli("import", file, "--store", fresh, "--skip-invalid", "--json");
    expect(run.status).toBe(0);
    expect(run.json.added).toBe(2);
    expect(run.json.rejected.map((r: { line: number; reason: string }) => [r.line, r.reason])).toEqual([
      [2, expect.stringMatching(/^line 2: config: BM=999 is not one of /)],
      [3, 'line 3: family: unknown family "winograd" (direct, igemm, splitk, im2col, mma)'],
      [
        4,
        expect.stringMatching(
          /^line 4: problem\.text ".*,pad=2,.*" does not match problem\.fields: padH 2 in the text, 1 in the fields; padW 2/,
        ),
      ],
      [5, 'line 5: config: "fn main() {}" is not a parameter name'],
    ]);
    expect(readFileSync(fresh, "utf8")).toBe(text([demo[0] ?? "", demo[5] ?? ""]));

    const shown = cli("import", file, "--store", join(dir, "other.jsonl"), "--skip-invalid");
    expect(shown.stdout.split("\n").slice(0, 3)).toEqual([
      `2 records added to ${join(dir, "other.jsonl")}, 4 rejected:`,
      expect.stringMatching(/^ {2}line 2: config: BM=999/),
      '  line 3: family: unknown family "winograd" (direct, igemm, splitk, im2col, mma)',
    ]);
  });

  it("--skip-invalid keeps the good rows of a CSV file and names the bad row's line", () => {
    const csv = join(dir, "records.csv");
    expect(cli("export", "--format", "csv", "--out", csv, "--store", store).status).toBe(0);
    const rows = readFileSync(csv, "utf8").split("\n");
    rows[3] = (rows[3] ?? "").replace(/,ok,,(\d+)/, ",ok,,0x10");
    writeFileSync(csv, rows.join("\n"));
    const run = cli("import", csv, "--store", join(dir, "fresh.jsonl"), "--skip-invalid", "--json");
    expect(run.json).toMatchObject({
      added: 5,
      rejected: [{ line: 4, reason: "line 4, field medianNs: '0x10' is not a decimal number" }],
    });
  });
});
