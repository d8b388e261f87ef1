import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const bundle = "dist-cli/tunelab.mjs";
const data = "public/demo/dataset.jsonl";
const cli = (...args: string[]) => spawnSync(process.execPath, [bundle, ...args], { encoding: "utf8" });
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split("\n").at(-1) ?? "null");

describe("train, predict, eval and a model-guided sweep on tunelab's own records", () => {
  const root = mkdtempSync(join(tmpdir(), "tunelab-records-"));
  const dir = join(root, "model");

  beforeAll(() => {
    execFileSync(process.execPath, ["scripts/build-cli.mjs"], { stdio: "inherit" });
  });

  it("trains on JSONL records and writes the model (baselines inside) and the held-out problems' records", () => {
    const run = cli(
      "train",
      "--data",
      data,
      "--out",
      dir,
      "--epochs",
      "3",
      "--units",
      "8",
      "--cost-seeds",
      "2",
      "--json",
    );
    expect(run.status, run.stderr).toBe(0);
    const result = lastJson(run.stdout);
    // Two cost models a family (seeds 1 and 2), learnt from every recorded time; ranking averages them.
    expect(result.costModels.map((c: { family: string }) => c.family)).toEqual([
      "igemm",
      "igemm",
      "splitk",
      "splitk",
    ]);
    const metadata = JSON.parse(readFileSync(join(dir, "model.json"), "utf8")).userDefinedMetadata;
    expect(metadata.costModels[0].weights).not.toBe(metadata.costModels[1].weights);
    // A family is learnt where it is some problem's fastest: the H200 recording holds igemm and splitk
    // records, and each is the fastest on some of its 52 problems.
    expect(result.families).toEqual(["igemm", "splitk"]);
    expect(result.problems).toEqual({ train: 38, validation: 4, holdout: 10 });
    for (const file of ["model.json", "weights.bin", "holdout.jsonl"]) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    // The baselines' table travels inside model.json: the training problems, one config each.
    const { baselines } = metadata;
    expect(Object.values(baselines.families).map((f) => (f as { values: unknown[] }).values.length)).toEqual([
      38,
    ]);
    const held = new Set(
      readFileSync(join(dir, "holdout.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line).problem.text),
    );
    expect(held.size).toBe(10);
  });

  it("trains on every problem but the validation share with --holdout 0, and writes no held-out file", () => {
    const all = join(root, "all");
    const run = cli(
      "train",
      "--data",
      data,
      "--out",
      all,
      "--holdout",
      "0",
      "--epochs",
      "1",
      "--units",
      "8",
      "--json",
    );
    expect(run.status, run.stderr).toBe(0);
    const result = lastJson(run.stdout);
    // The 52 recorded problems: a tenth validates, the rest train (38 + 4 with the default fifth held out).
    expect(result.problems).toEqual({ train: 47, validation: 5, holdout: 0 });
    expect(result.holdout).toBeNull();
    expect(existsSync(join(all, "holdout.jsonl"))).toBe(false);
    const bad = cli("train", "--data", data, "--out", all, "--holdout", "1");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--holdout must be a number in [0, 1), got '1'");
  });

  it("predicts valid candidates across families for the recorded device, best first", () => {
    const run = cli(
      "predict",
      "--model",
      dir,
      "--problem",
      "1x64x56x56,64x3x3,pad=1",
      "--beam",
      "5",
      "--json",
    );
    expect(run.status, run.stderr).toBe(0);
    const result = lastJson(run.stdout);
    expect(result.ok).toBe(true);
    expect(result.device).toMatch(/NVIDIA/);
    expect(result.candidates).toHaveLength(5);
    for (const c of result.candidates) expect(["igemm", "splitk"]).toContain(c.family);
    const logProbs = result.candidates.map((c: { logProb: number }) => c.logProb);
    if (result.rerankedBy === null) {
      expect(logProbs).toEqual([...logProbs].sort((a: number, b: number) => b - a));
    } else {
      // Re-ranked by the neighbour blend chosen on the validation problems, as for MIOpen data.
      expect(result.rerankedBy.weight).toBeGreaterThan(0);
    }
  });

  it("scores held-out records with measured-time ratios beside both baselines", () => {
    const run = cli("eval", "--model", dir, "--data", join(dir, "holdout.jsonl"), "--beam", "4", "--json");
    expect(run.status, run.stderr).toBe(0);
    const result = lastJson(run.stdout);
    expect(result).toMatchObject({ n: 10, valid: 1, beam: 4 });
    expect(result.times.topK.measured).toBeLessThanOrEqual(10);
    if (result.times.topK.geomeanRatio !== null)
      expect(result.times.topK.geomeanRatio).toBeGreaterThanOrEqual(1);
    expect(Object.keys(result.baselines)).toEqual(["mostFrequent", "nearestNeighbour"]);
  });

  it("sweeps with --strategy model-guided, measuring at most the beam's width", () => {
    /** A model-guided sweep of one small problem with a beam of 3, into its own file. */
    const guided = (out: string, ...more: string[]) =>
      cli(
        "sweep",
        "--problem",
        "1x8x8x8,8x3x3,pad=1",
        "--strategy",
        "model-guided",
        "--model",
        dir,
        "--beam",
        "3",
        ...more,
        "--baseline",
        "none",
        "--out",
        join(root, out),
        "--store",
        join(root, "store", "records.jsonl"),
        "--json",
      );
    const run = guided("guided.jsonl");
    expect(run.status, run.stderr).toBe(0);
    const result = lastJson(run.stdout);
    expect(result.candidates).toBeGreaterThan(0);
    expect(result.candidates).toBeLessThanOrEqual(3);
    expect(result.timed).toBeGreaterThan(0);
    // train gave the model a cost model of each family, and the sweep says it fuses them in.
    expect(run.stderr).toContain(
      "model-guided: each family's share of the beam's top 3 fused with the model's cost model of it (igemm, splitk)",
    );
    const alone = guided("alone.jsonl", "--no-cost-model");
    expect(alone.status, alone.stderr).toBe(0);
    expect(alone.stderr).not.toContain("fused with the model's cost model");
    expect(lastJson(alone.stdout).candidates).toBeLessThanOrEqual(3);
  });

  it("names what is wrong with bad input", () => {
    const noModel = cli("sweep", "--problem", "1x8x8x8,8x3x3", "--strategy", "model-guided");
    expect(noModel.stderr).toMatch(/--model goes with --strategy model-guided/);
    const costless = cli("sweep", "--problem", "1x8x8x8,8x3x3", "--no-cost-model");
    expect(costless.stderr).toMatch(/--no-cost-model goes with --strategy model-guided/);
    const device = cli("predict", "--model", dir, "--problem", "1x8x8x8,8x3x3", "--device", "Radeon");
    expect(device.stderr).toMatch(/knows no device like 'Radeon'/);
    const db = cli("eval", "--model", dir, "--data", "data/miopen/gfx900_56.db.gz");
    expect(db.stderr).toMatch(/trained on tunelab records: score it on a \.jsonl records file/);
  });
});
