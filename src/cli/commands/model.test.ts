import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const bundle = "dist-cli/tunelab.mjs";
const data = "data/miopen/gfx900_56.db.gz";
const cli = (...args: string[]) => spawnSync(process.execPath, [bundle, ...args], { encoding: "utf8" });
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split("\n").at(-1) ?? "null");

describe("train, predict and eval from the one-file CLI", () => {
  const dir = join(mkdtempSync(join(tmpdir(), "tunelab-model-")), "model");

  beforeAll(() => {
    execFileSync(process.execPath, ["scripts/build-cli.mjs"], { stdio: "inherit" });
  });

  it("trains on a MIOpen file and writes the model (baselines inside), held-out rows and the data's licence", () => {
    const run = cli(
      "train",
      "--data",
      data,
      "--solver",
      "ConvAsm1x1U",
      "--direction",
      "F",
      "--out",
      dir,
      "--epochs",
      "1",
      "--units",
      "8",
      "--json",
    );
    expect(run.status, run.stderr).toBe(0);
    const result = lastJson(run.stdout);
    expect(result).toMatchObject({ solver: "ConvAsm1x1U", directions: ["F"], epochs: 1, backend: "wasm" });
    expect(result.rows.holdout).toBeGreaterThan(1000);
    for (const file of ["model.json", "weights.bin", "holdout.db", "LICENSE-MIOpen.txt"]) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    // The baselines' table travels inside model.json: one point and config per training row.
    const { baselines } = JSON.parse(readFileSync(join(dir, "model.json"), "utf8")).userDefinedMetadata;
    expect(baselines.families.ConvAsm1x1U.values).toHaveLength(result.rows.train);
  });

  it("predicts valid candidates, best first", () => {
    const run = cli("predict", "--model", dir, "--problem", "16x256x14x14,512x1x1", "--beam", "4", "--json");
    expect(run.status, run.stderr).toBe(0);
    const result = lastJson(run.stdout);
    expect(result.ok).toBe(true);
    expect(result.candidates).toHaveLength(4);
    const logProbs = result.candidates.map((c: { logProb: number }) => c.logProb);
    if (result.rerankedBy === null) {
      expect(logProbs).toEqual([...logProbs].sort((a: number, b: number) => b - a));
    } else {
      // Re-ranked by the neighbour blend chosen at training time, the same order eval scores.
      expect(result.rerankedBy.weight).toBeGreaterThan(0);
      expect(result.rerankedBy.count).toBeGreaterThan(0);
    }
  });

  it("scores the held-out rows beside both baselines, every emitted config valid", () => {
    const run = cli("eval", "--model", dir, "--data", join(dir, "holdout.db"), "--beam", "2", "--json");
    expect(run.status, run.stderr).toBe(0);
    const result = lastJson(run.stdout);
    expect(Object.keys(result)).toEqual(
      expect.arrayContaining(["n", "exact", "perValue", "topK", "valid", "baselines"]),
    );
    expect(result.valid).toBe(1);
    expect(result.baselines.nearestNeighbour.exact).toBeGreaterThan(result.baselines.mostFrequent.exact);
  });

  it("names what is wrong with bad input", () => {
    const missing = cli("train", "--out", dir);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/missing --data/);
    const notDb = cli("eval", "--model", dir, "--data", "package.json");
    expect(notDb.stderr).toMatch(/expected a \.db or \.db\.gz/);
    const badSolver = cli("train", "--data", data, "--solver", "NoSuchSolver", "--out", dir);
    expect(badSolver.stderr).toMatch(/no perf_db rows for solver 'NoSuchSolver'/);
    const badProblem = cli("predict", "--model", dir, "--problem", "1x2x3");
    expect(badProblem.stderr).toMatch(/--problem: input/);
  });
});
