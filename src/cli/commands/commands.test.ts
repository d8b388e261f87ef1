import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const bundle = "dist-cli/tunelab.mjs";
const PROBLEM = "1x4x8x8,8x3x3,pad=1";
let dir: string;

function cli(...args: string[]) {
  const run = spawnSync(process.execPath, [bundle, ...args], { encoding: "utf8", env: process.env });
  const last = run.stdout.trim().split("\n").at(-1) ?? "";
  return { ...run, json: run.status === 0 && args.includes("--json") ? JSON.parse(last) : undefined };
}

beforeAll(() => {
  execFileSync(process.execPath, ["scripts/build-cli.mjs"], { stdio: "inherit" });
  dir = mkdtempSync(join(tmpdir(), "tunelab-cli-"));
});

describe("sweep, compare, import, export", () => {
  it("sweeps, then resumes the same file without repeating a candidate", () => {
    const out = join(dir, "sweep.jsonl");
    const store = join(dir, "store.jsonl");
    const args = ["sweep", "--problem", PROBLEM, "--family", "direct", "--strategy", "random", "--seed", "5"];
    const first = cli(
      ...args,
      "--budget",
      "2",
      "--baseline",
      "none",
      "--out",
      out,
      "--store",
      store,
      "--json",
    );
    expect(first.status).toBe(0);
    expect(first.json).toMatchObject({ problems: 1, candidates: 2, failed: {} });
    const second = cli(
      ...args,
      "--budget",
      "4",
      "--baseline",
      "none",
      "--out",
      out,
      "--store",
      store,
      "--json",
    );
    expect(second.stderr).toMatch(/resuming: 2 records/);
    expect(second.json.candidates).toBe(4);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    expect(lines).toHaveLength(4);
    expect(new Set(lines.map((l) => JSON.stringify(JSON.parse(l).config))).size).toBe(4);
    const [best] = second.json.best;
    expect(Object.keys(best).sort()).toEqual(
      ["baselineNs", "config", "family", "gflops", "medianNs", "peakFraction", "problem", "speedup"].sort(),
    );
    expect(best.peakFraction).toBeGreaterThan(0);
  });

  it("compares the best tuned kernel with tfjs per problem, with a geometric mean", () => {
    const store = join(dir, "compare.jsonl");
    const run = cli(
      "compare",
      "--problem",
      PROBLEM,
      "--baseline",
      "tfjs",
      "--budget",
      "2",
      "--store",
      store,
      "--json",
    );
    expect(run.status).toBe(0);
    const [row] = run.json.problems;
    expect(row.problem).toBe(PROBLEM);
    expect(row.tfjsNs).toBeGreaterThan(0);
    expect(row.speedup).toBeCloseTo(row.tfjsNs / row.tunedNs, 6);
    expect(run.json.geomeanSpeedup).toBeCloseTo(row.speedup, 6);
  });

  it("rejects a malformed import naming the bad line, and leaves the store as it was", () => {
    const store = join(dir, "sweep.jsonl");
    const before = readFileSync(store, "utf8");
    const lines = before.trim().split("\n");
    const broken = JSON.parse(lines[2] as string);
    broken.samplesNs = "fast";
    const bad = join(dir, "bad.jsonl");
    writeFileSync(bad, [lines[0], lines[1], JSON.stringify(broken)].join("\n"));
    const run = cli("import", bad, "--store", store);
    expect(run.status).not.toBe(0);
    expect(run.stderr.trim()).toMatch(/^tunelab: .*bad\.jsonl: line 3, field samplesNs: /);
    expect(readFileSync(store, "utf8")).toBe(before);
  });

  it("exports CSV and JSON that import back, adding only new candidates", () => {
    const store = join(dir, "sweep.jsonl");
    for (const format of ["csv", "json"]) {
      const file = join(dir, `export.${format}`);
      expect(cli("export", "--format", format, "--out", file, "--store", store, "--json").json).toMatchObject(
        {
          records: 4,
        },
      );
      const fresh = join(dir, `fresh-${format}.jsonl`);
      expect(cli("import", file, "--store", fresh, "--json").json).toMatchObject({ added: 4, skipped: 0 });
      expect(cli("import", file, "--store", fresh, "--json").json).toMatchObject({ added: 0, skipped: 4 });
      const parsed = (path: string) =>
        readFileSync(path, "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l));
      expect(parsed(fresh)).toEqual(parsed(store));
    }
  });

  it("reports the device's measured peaks", () => {
    const run = cli("devices", "--store", join(dir, "store.jsonl"), "--json");
    expect(run.json.peaks.peakGflops).toBeGreaterThan(0);
    expect(run.json.peaks.peakGBps).toBeGreaterThan(0);
  });
});
