import { execFileSync, spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";

const bundle = "dist-cli/tunelab.mjs";
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [bundle, ...args], { encoding: "utf8", env: process.env });
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split("\n").at(-1) ?? "");

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
    expect(lastJson(run.stdout)).toMatchObject({ checked: 8, mismatches: 0, failures: [], skipped: [] });
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

  it("space lists each family's size and domains", () => {
    const run = cli("space", "--problem", "1x64x56x56,64x3x3,pad=1", "--family", "all", "--json");
    expect(run.status).toBe(0);
    const { spaces } = lastJson(run.stdout);
    expect(spaces.map((s: { family: string }) => s.family)).toEqual(["direct", "igemm", "splitk", "im2col"]);
    for (const s of spaces) expect(s.size).toBeGreaterThan(100);
    expect(spaces[1].params[0]).toMatchObject({ name: "BM", values: [16, 32, 64, 128, 256] });
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
