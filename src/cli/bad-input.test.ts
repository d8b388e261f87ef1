import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

// Each of these is refused before a GPU is asked for, so no GPU is needed here.
const bundle = "dist-cli/tunelab.mjs";
const F16 = "1x4x8x8,8x3x3,precision=f16";
// SwiftShader offers no shader-f16: the f16-capable families say so.
const NO_F16 =
  "f16 problems need the device's shader-f16 feature, which it does not offer (most browsers offer it where the GPU has f16; the CLI on NVIDIA's Vulkan driver needs --unsafe-features)";
const dir = mkdtempSync(join(tmpdir(), "tunelab-bad-input-"));
const store = join(dir, "records.jsonl");

const cli = (...args: string[]) => spawnSync(process.execPath, [bundle, ...args], { encoding: "utf8" });

beforeAll(() => {
  execFileSync(process.execPath, ["scripts/build-cli.mjs"], { stdio: "inherit" });
});

describe("bad input exits 2 with one line on stderr", () => {
  it.each([
    [
      "sweep, an unknown family",
      ["sweep", "--problem", "1x4x8x8,8x3x3", "--family", "direct,winograd", "--store", store],
      "tunelab: --family: unknown family 'winograd' (direct, igemm, splitk, im2col, mma)",
    ],
    [
      "sweep, no problem any family given runs",
      ["sweep", "--problem", F16, "--family", "direct,igemm", "--store", store],
      `tunelab: nothing to run: no family given runs these problems on this device (direct: f32 problems only; igemm: ${NO_F16})`,
    ],
    [
      "compare, no problem any family runs",
      ["compare", "--problem", F16, "--store", store],
      `tunelab: nothing to run: no family given runs these problems on this device (direct: f32 problems only; igemm: ${NO_F16}; splitk: ${NO_F16}; im2col: f32 problems only; mma: NHWC only: the staged slices read channels contiguously)`,
    ],
    [
      "verify, no kernel to check",
      ["verify", "--problem", F16, "--family", "all"],
      `tunelab: nothing to run: no family given runs these problems on this device (direct: f32 problems only; igemm: ${NO_F16}; splitk: ${NO_F16}; im2col: f32 problems only; mma: NHWC only: the staged slices read channels contiguously)`,
    ],
    [
      "verify, an unknown family",
      ["verify", "--problem", "1x4x8x8,8x3x3", "--family", "winograd"],
      "tunelab: --family: unknown family 'winograd' (direct, igemm, splitk, im2col, mma)",
    ],
    [
      "a config naming __proto__",
      ["shader", "--problem", "1x4x8x8,8x3x3", "--family", "direct", "--config", "TK=1,__proto__=1"],
      "tunelab: --config: '__proto__' is not a parameter name",
    ],
    [
      "a config naming constructor",
      [
        "sweep",
        "--problem",
        "1x4x8x8,8x3x3",
        "--family",
        "direct",
        "--configs",
        "constructor=1",
        "--store",
        store,
      ],
      "tunelab: --config: 'constructor' is not a parameter name",
    ],
    [
      "train, a position weight that is not a number",
      [
        "train",
        "--data",
        "data/miopen/gfx906_60.db.gz",
        "--out",
        join(dir, "m"),
        "--position-weights",
        "1,2,x",
      ],
      "tunelab: --position-weights: expected 'auto' or numbers of at least 0 (comma-separated, one per decoder position: the family token, each parameter, END), got 'x'",
    ],
    [
      "train, --holdout-data with no file",
      ["train", "--data", "data/miopen/gfx906_60.db.gz", "--out", join(dir, "m"), "--holdout-data="],
      "tunelab: --holdout-data needs a records file",
    ],
    [
      "train, a negative position weight",
      [
        "train",
        "--data",
        "data/miopen/gfx906_60.db.gz",
        "--out",
        join(dir, "m"),
        "--position-weights",
        "1,-1",
      ],
      "tunelab: --position-weights: expected 'auto' or numbers of at least 0 (comma-separated, one per decoder position: the family token, each parameter, END), got '-1'",
    ],
    [
      "train, position weights all 0",
      [
        "train",
        "--data",
        "data/miopen/gfx906_60.db.gz",
        "--out",
        join(dir, "m"),
        "--position-weights",
        "0,0",
      ],
      "tunelab: --position-weights: at least one weight must be above 0",
    ],
  ])("%s", (_, args, message) => {
    const run = cli(...args);
    expect(run.stderr.trim()).toBe(message);
    expect(run.status).toBe(2);
  });

  it("still names a parameter given twice", () => {
    const run = cli("shader", "--problem", "1x4x8x8,8x3x3", "--family", "direct", "--config", "TK=1,TK=2");
    expect(run.stderr.trim()).toBe("tunelab: --config: TK given twice");
    expect(existsSync(store)).toBe(false);
  });
});
