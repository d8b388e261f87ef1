import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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

/** The records of a JSONL file, in order. */
const records = (path: string) =>
  readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));

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

  it("measures the peaks again when peaks.json holds what is not two positive numbers", () => {
    const store = join(dir, "peaks-store", "store.jsonl");
    expect(cli("devices", "--store", store, "--json").status).toBe(0);
    const file = join(dir, "peaks-store", "peaks.json");
    const cache = JSON.parse(readFileSync(file, "utf8"));
    for (const key of Object.keys(cache)) cache[key] = { ...cache[key], peakGflops: "abc", peakGBps: -5 };
    writeFileSync(file, JSON.stringify(cache));
    const out = join(dir, "peaks-sweep.jsonl");
    const args = ["--family", "direct", "--strategy", "random", "--budget", "1", "--baseline", "none"];
    const run = cli("sweep", "--problem", PROBLEM, ...args, "--store", store, "--out", out, "--json");
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/peaks.json: the peaks stored for this device are not two positive numbers/);
    for (const r of records(out)) expect(r.device.peakGflops).toBeGreaterThan(0);
  });

  it("lets one sweep write a file at a time, and takes over a lock its dead holder left", () => {
    const out = join(dir, "locked.jsonl");
    const args = [
      "sweep",
      "--problem",
      PROBLEM,
      "--family",
      "direct",
      "--strategy",
      "random",
      "--budget",
      "1",
    ];
    const tail = ["--baseline", "none", "--store", join(dir, "locked-store.jsonl"), "--out", out, "--json"];
    writeFileSync(`${out}.lock`, `${process.pid}\n`); // this test's own process: alive
    const refused = cli(...args, ...tail);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`another process (pid ${process.pid}) is writing ${out}`);
    expect(existsSync(out)).toBe(false);
    writeFileSync(`${out}.lock`, "4194303\n"); // above Linux's largest pid: gone
    const taken = cli(...args, ...tail);
    expect(taken.status).toBe(0);
    expect(records(out)).toHaveLength(1);
    expect(existsSync(`${out}.lock`)).toBe(false);
  });

  it("refuses a problem too large for the device before making any tensor, and exits 2", () => {
    const started = Date.now();
    const run = cli(
      ...["sweep", "--problem", "1x1x16000x16000,1x1x1", "--family", "direct", "--baseline", "none"],
      ...["--store", join(dir, "large-store.jsonl"), "--out", join(dir, "large.jsonl")],
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/too large for this device: 1x1x16000x16000,1x1x1: .*(GiB|buffer limit)/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describe("sweep's options", () => {
  // Valid, then invalid (VA=4 needs NHWC input), then valid again.
  const CONFIGS = [
    "BM=32,BN=16,BK=8,TM=4,TN=4,VA=1,VB=4,PAD=4,DB=1",
    "BM=32,BN=16,BK=8,TM=4,TN=4,VA=4,VB=4,PAD=4,DB=1",
    "BM=16,BN=32,BK=4,TM=4,TN=4,VA=1,VB=1,PAD=0,DB=0",
  ];
  const store = () => join(dir, "options-store.jsonl");

  it("--configs measures exactly the given configs of one family, in order, and needs one family", () => {
    const out = join(dir, "configs.jsonl");
    const args = ["sweep", "--problem", PROBLEM, "--configs", CONFIGS.join(";"), "--baseline", "none"];
    const run = cli(...args, "--family", "igemm", "--out", out, "--store", store(), "--json");
    expect(run.status).toBe(0);
    expect(run.json).toMatchObject({ problems: 1, candidates: 3, timed: 2, failed: { invalid: 1 } });
    const written = records(out);
    expect(written.map((r) => [r.family, r.status])).toEqual([
      ["igemm", "ok"],
      ["igemm", "invalid"],
      ["igemm", "ok"],
    ]);
    const asText = (config: Record<string, number>) =>
      Object.entries(config)
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
    expect(written.map((r) => asText(r.config))).toEqual(CONFIGS);
    expect(written[1].message).toMatch(/^vector-input: VA=4 needs NHWC/);

    for (const family of ["all", "direct,igemm"]) {
      const refused = cli(
        ...args,
        "--family",
        family,
        "--out",
        join(dir, "refused.jsonl"),
        "--store",
        store(),
      );
      expect(refused.status).toBe(2);
      expect(refused.stderr.trim()).toBe("tunelab: --configs needs one --family");
    }
    expect(existsSync(join(dir, "refused.jsonl"))).toBe(false);
  });

  it("--workers measures in several processes: every candidate once, verified, each one's sentinel checked", () => {
    const args = ["sweep", "--problem", PROBLEM, "--family", "direct", "--strategy", "exhaustive"];
    const common = ["--budget", "9", "--sentinel", "2", "--baseline", "none", "--store", store(), "--json"];
    const pooled = join(dir, "workers.jsonl");
    const run = cli(...args, ...common, "--workers", "3", "--out", pooled);
    expect(run.status).toBe(0);
    expect(run.json).toMatchObject({ candidates: 9, timed: 9, failed: {} });
    expect(run.json.throughput).toMatchObject({ candidates: 9, workers: 3 });
    // Three workers, three candidates each, a check every two of a worker's own: at least one each.
    expect(run.json.drift.checks).toBeGreaterThanOrEqual(3);
    const written = records(pooled);
    expect(written.every((r) => r.status === "ok" && r.verification.checked === 1 * 8 * 8 * 8)).toBe(true);
    expect(written.every((r) => r.clock.sentinelRatio !== null)).toBe(true);

    const serial = join(dir, "one-worker.jsonl");
    expect(cli(...args, ...common, "--out", serial).json.throughput.workers).toBe(1);
    const keys = (path: string) =>
      records(path)
        .map((r) => JSON.stringify(r.config))
        .sort();
    expect(new Set(keys(pooled)).size).toBe(9);
    expect(keys(pooled)).toEqual(keys(serial));

    for (const bad of ["0", "33"]) {
      const refused = cli(...args, ...common, "--workers", bad, "--out", join(dir, "refused.jsonl"));
      expect(refused.status).toBe(2);
      expect(refused.stderr).toMatch(/--workers/);
    }
  });

  it("--problem takes several problems separated by ;", () => {
    const out = join(dir, "two-problems.jsonl");
    const second = "1x8x6x6,4x3x3,layout=NHWC";
    const run = cli(
      ...["sweep", "--problem", `${PROBLEM}; ${second}`, "--family", "direct", "--strategy", "random"],
      ...["--budget", "1", "--baseline", "none", "--out", out, "--store", store(), "--json"],
    );
    expect(run.status).toBe(0);
    expect(run.json).toMatchObject({ problems: 2, candidates: 2, timed: 2 });
    expect(records(out).map((r) => r.problem.text)).toEqual([PROBLEM, second]);
    expect(run.json.best.map((b: { problem: string }) => b.problem).sort()).toEqual([PROBLEM, second].sort());
  });

  it("--suite with --layout NHWC sweeps the suite's layers in NHWC", () => {
    const out = join(dir, "suite-nhwc.jsonl");
    // Too many invocations on every layer, so nothing runs; VA=4 is refused only where input
    // channels are not a multiple of 4 in NHWC (the first layer), and everywhere in NCHW.
    const config = "BM=256,BN=256,BK=4,TM=4,TN=4,VA=4,VB=1,PAD=0,DB=0";
    const run = cli(
      ...["sweep", "--suite", "resnet18", "--layout", "NHWC", "--family", "igemm", "--configs", config],
      ...["--baseline", "none", "--out", out, "--store", store(), "--json"],
    );
    expect(run.status).toBe(0);
    expect(run.json).toMatchObject({ problems: 11, candidates: 11, timed: 0, failed: { invalid: 11 } });
    const written = records(out);
    expect(written).toHaveLength(11);
    expect(new Set(written.map((r) => r.problem.text)).size).toBe(11);
    for (const r of written) {
      expect(r.problem.fields.layout).toBe("NHWC");
      expect(r.problem.text).toMatch(/,layout=NHWC$/);
      expect(r.message).toMatch(/invocations/);
      expect(/vector-input/.test(r.message)).toBe(r.problem.fields.c % 4 !== 0);
    }
    expect(written[0].problem.text).toBe("1x3x224x224,64x7x7,pad=3,stride=2,layout=NHWC");

    const nchw = join(dir, "suite-nchw.jsonl");
    const plain = cli(
      ...["sweep", "--suite", "resnet18", "--family", "igemm", "--configs", config],
      ...["--baseline", "none", "--out", nchw, "--store", store()],
    );
    expect(plain.status).toBe(0);
    for (const r of records(nchw)) {
      expect(r.problem.fields.layout).toBe("NCHW");
      expect(r.message).toMatch(/^vector-input: /);
    }
  });

  it("--strategy local and annealing are listed in the help and run; an unknown strategy is refused", () => {
    const help = cli("sweep", "--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(
      /--strategy NAME\s+exhaustive or random or local or annealing or model-guided/,
    );
    expect(help.stdout).toMatch(/--strategy exhaustive\|random\|local\|annealing\|model-guided/);

    for (const strategy of ["local", "annealing"]) {
      const out = join(dir, `${strategy}.jsonl`);
      const run = cli(
        ...["sweep", "--problem", PROBLEM, "--family", "direct", "--strategy", strategy, "--seed", "3"],
        ...["--budget", "3", "--baseline", "none", "--out", out, "--store", store(), "--json"],
      );
      expect(run.status).toBe(0);
      expect(run.json).toMatchObject({ problems: 1, candidates: 3, stopped: "budget" });
      expect(new Set(records(out).map((r) => JSON.stringify(r.config))).size).toBe(3);
    }

    const unknown = cli("sweep", "--problem", PROBLEM, "--strategy", "nearby", "--store", store());
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain(
      "--strategy must be exhaustive or random or local or annealing or model-guided",
    );
  });
});

describe("verify", () => {
  it("exits 2 naming why when no kernel is left to check on the device", () => {
    const run = cli("verify", "--problem", "1x1x100000x100000,1x3x3", "--family", "direct");
    expect(run.stderr.trim()).toBe(
      "tunelab: no kernel to check (direct 1x1x100000x100000,1x3x3: no valid config on this device)",
    );
    expect(run.status).toBe(2);
  });
});

describe("sweep with nothing to measure", () => {
  it("exits 2 saying which tensor is too large when a problem cannot fit the device", () => {
    const out = join(dir, "nothing.jsonl");
    const run = cli(
      ...["sweep", "--problem", "1x1x100000x100000,1x3x3", "--family", "direct", "--baseline", "none"],
      ...["--out", out, "--store", join(dir, "nothing-store.jsonl")],
    );
    expect(run.stderr.trim()).toMatch(
      /^tunelab: too large for this device: 1x1x100000x100000,1x3x3: a 40000000000-byte tensor exceeds this device's \d+-byte buffer limit$/,
    );
    expect(run.status).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});
