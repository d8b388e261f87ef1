import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const bundle = "dist-cli/tunelab.mjs";
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [bundle, ...args], { encoding: "utf8", env: process.env });
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split("\n").at(-1) ?? "");

/** The H200 as `devices --unsafe-features --json` described it. */
const H200_DEVICE = "docs/h200/tensor-cores/devices-unsafe.json";

describe("kernel commands of the one-file CLI", () => {
  beforeAll(() => {
    execFileSync(process.execPath, ["scripts/build-cli.mjs"], { stdio: "inherit" });
  });

  it("verify runs sampled configs of every family on Dawn and reports them", () => {
    const run = cli(
      "verify",
      "--problem",
      "2x6x7x9,10x3x3,pad=1,stride=2,layout=NHWC",
      "--family",
      "all",
      "--sample",
      "2",
      "--json",
    );
    expect(run.status).toBe(0);
    expect(lastJson(run.stdout)).toMatchObject({
      checked: 8,
      mismatches: 0,
      failures: [],
      skipped: [{ family: "mma", reason: expect.stringContaining("f16 problems only") }],
    });
    expect(run.stderr).toMatch(/igemm\s+2\/2 ok/);
    expect(run.stderr).toMatch(/splitk\s+2\/2 ok/);
  });

  it("verify takes a suite in NHWC: split-K on every resnet18 layer", () => {
    const run = cli(
      "verify",
      "--suite",
      "resnet18",
      "--layout",
      "NHWC",
      "--family",
      "splitk",
      "--sample",
      "1",
      "--json",
    );
    expect(run.status).toBe(0);
    expect(lastJson(run.stdout)).toMatchObject({ checked: 11, mismatches: 0, failures: [] });
    const misplaced = cli("verify", "--problem", "1x8x8x8,8x3x3", "--layout", "NHWC", "--family", "igemm");
    expect(misplaced.status).toBe(2);
    expect(misplaced.stderr).toContain("--layout is for --suite");
  });

  it("sweep --unchecked-bounds verifies and times without bounds checks, and its records say so", () => {
    const out = join(mkdtempSync(join(tmpdir(), "unchecked-")), "records.jsonl");
    const sweep = (...extra: string[]) =>
      cli(
        "sweep",
        "--problem",
        "1x8x9x9,8x3x3,pad=1,layout=NHWC",
        "--family",
        "igemm",
        "--strategy",
        "random",
        "--baseline",
        "none",
        "--json",
        "--out",
        out,
        "--budget",
        "2",
        ...extra,
      );
    const read = () =>
      readFileSync(out, "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line));
    const unchecked = sweep("--unchecked-bounds");
    expect(unchecked.status).toBe(0);
    expect(unchecked.stderr).toContain("without bounds checks (disable_robustness)");
    const first = read();
    expect(first.map((r) => [r.status, r.device.uncheckedBounds])).toEqual([
      ["ok", true],
      ["ok", true],
    ]);
    // The same configs with the checks on are another measurement, not a resume of these.
    expect(sweep().status).toBe(0);
    const all = read();
    expect(all).toHaveLength(4);
    expect(all.slice(2).map((r) => [r.status, r.device.uncheckedBounds])).toEqual([
      ["ok", undefined],
      ["ok", undefined],
    ]);
    expect(all.slice(2).map((r) => r.config)).toEqual(first.map((r) => r.config));
  });

  it("space lists each family's size and domains", () => {
    const run = cli("space", "--problem", "1x64x56x56,64x3x3,pad=1", "--family", "all", "--json");
    expect(run.status).toBe(0);
    const { spaces } = lastJson(run.stdout);
    expect(spaces.map((s: { family: string }) => s.family)).toEqual([
      "direct",
      "igemm",
      "splitk",
      "im2col",
      "mma",
    ]);
    for (const s of spaces.slice(0, 4)) expect(s.size).toBeGreaterThan(100);
    expect(spaces[4].unsupported).toContain("f16 problems only");
    expect(spaces[1].params[0]).toMatchObject({ name: "BM", values: [16, 32, 64, 128, 256] });
  });

  it("space reads a recorded device: the H200's tensor-core space on a machine without one", () => {
    const f16 = "32x256x14x14,256x3x3,pad=1,layout=NHWC,precision=f16";
    const here = lastJson(cli("space", "--problem", f16, "--family", "mma", "--json").stdout);
    expect(here.spaces[0].unsupported).toContain("shader-f16");
    const run = cli("space", "--problem", f16, "--family", "mma", "--limits", H200_DEVICE, "--json");
    expect(run.status).toBe(0);
    const { spaces } = lastJson(run.stdout);
    expect(spaces[0]).toMatchObject({ family: "mma", size: 26837 });
    const shader = cli(
      "shader",
      "--problem",
      f16,
      "--family",
      "mma",
      "--config",
      "MM=16,MN=16,MK=16,WM=2,WN=2,TM=2,TN=2,GA=0,GB=1,BK=32,DB=0,PAD=8,SK=1",
      "--limits",
      H200_DEVICE,
    );
    expect(shader.status).toBe(0);
    expect(shader.stdout).toContain("subgroupMatrixMultiplyAccumulate(a0, b0, acc_0_0)");
    const wrong = cli("space", "--problem", f16, "--family", "mma", "--limits", "README.md");
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain("--limits: expected spec, device, or a device file");
  });

  it("shader prints one config's WGSL and refuses an invalid one, naming the rule", () => {
    const ok = cli(
      "shader",
      "--problem",
      "1x8x8x8,8x3x3,pad=1",
      "--family",
      "direct",
      "--config",
      "TK=2,TQ=2,WGX=16,WGY=2",
    );
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain("@compute @workgroup_size(WGX, WGY, 1)");
    const bad = cli(
      "shader",
      "--problem",
      "1x8x8x8,8x3x3,pad=1",
      "--family",
      "direct",
      "--config",
      "TK=2,TQ=2,WGX=256,WGY=4",
    );
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/^tunelab: invalid direct config: .*invocations: WGX\*WGY=1024 exceeds/);
  });
});
