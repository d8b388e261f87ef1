import { execFileSync, spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";

const bundle = "dist-cli/tunelab.mjs";

function cli(...args: string[]) {
  return spawnSync(process.execPath, [bundle, ...args], { encoding: "utf8", env: process.env });
}

describe("the one-file CLI", () => {
  beforeAll(() => {
    execFileSync(process.execPath, ["scripts/build-cli.mjs"], { stdio: "inherit" });
  });

  it("imports nothing but Node built-ins and webgpu", async () => {
    const { readFile } = await import("node:fs/promises");
    const source = await readFile(bundle, "utf8");
    const imports = [
      ...source.matchAll(/(?:^|\n)import\s[^'"]*?from\s*["']([^"']+)["']|import\(["']([^"']+)["']\)/g),
    ].map((m) => m[1] ?? m[2]);
    for (const name of imports) expect(name).toMatch(/^(node:|webgpu$)/);
  });

  it("devices --json prints the adapter and its limits as the last line", () => {
    const run = cli("devices", "--json");
    expect(run.status).toBe(0);
    const last = run.stdout.trim().split("\n").at(-1) ?? "";
    const parsed = JSON.parse(last);
    expect(parsed.adapter.features).toContain("timestamp-query");
    expect(parsed.adapter.limits.maxComputeWorkgroupStorageSize).toBeGreaterThan(0);
  });

  it("answers bad input with one line on stderr and a non-zero status", () => {
    for (const args of [["devices", "--bogus"], ["no-such-command"]]) {
      const run = cli(...args);
      expect(run.status).not.toBe(0);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr).toMatch(/^tunelab: /);
    }
  });

  it("has --help on every command", () => {
    const run = cli("devices", "--help");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Usage: tunelab devices");
  });

  it("says what is missing when there is no usable adapter", () => {
    const run = spawnSync(process.execPath, [bundle, "devices"], {
      encoding: "utf8",
      env: { ...process.env, VK_ICD_FILENAMES: "/nonexistent/icd.json" },
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/no GPU adapter/);
  });
});
