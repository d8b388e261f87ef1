import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";

// Import and export need no GPU: records measured on an H100, from the recorded demo.
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
