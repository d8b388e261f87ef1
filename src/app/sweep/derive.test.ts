import { describe, expect, it } from "vitest";
import { sampleRecord } from "../../core/dataset/fixtures";
import { bestSoFar, failureGroups, fastest, fastestByPair } from "./derive";

const ok = (WGX: number, WGY: number, medianNs: number) => sampleRecord({ config: { WGX, WGY }, medianNs });
const failed = (status: "compile-failed" | "wrong-result", message: string, WGX = 32) =>
  sampleRecord({ config: { WGX, WGY: 1 }, status, message, medianNs: null, gflops: null });

const run = [
  failed("compile-failed", "too much workgroup storage"),
  ok(1, 1, 900),
  ok(2, 1, 1200),
  failed("compile-failed", "too much workgroup storage", 64),
  ok(2, 2, 400),
  failed("wrong-result", "max relative error 0.5"),
];

describe("sweep derivations", () => {
  it("tracks the best runtime after each candidate, starting at the first success", () => {
    expect(bestSoFar(run)).toEqual([
      { i: 2, ns: 900 },
      { i: 3, ns: 900 },
      { i: 4, ns: 900 },
      { i: 5, ns: 400 },
      { i: 6, ns: 400 },
    ]);
    expect(fastest(run)?.config).toEqual({ WGX: 2, WGY: 2 });
  });

  it("groups failures by kind, then by message, largest first", () => {
    const groups = failureGroups(run);
    expect(groups.map((g) => [g.kind, g.count])).toEqual([
      ["compile-failed", 2],
      ["wrong-result", 1],
    ]);
    expect(groups[0]?.messages).toEqual([
      { message: "too much workgroup storage", count: 2, example: { WGX: 32, WGY: 1 } },
    ]);
  });

  it("keeps the fastest runtime per pair of values", () => {
    const map = fastestByPair([...run, ok(2, 1, 700)], "WGX", "WGY");
    expect(map.get("2,1")?.medianNs).toBe(700);
    expect(map.get("1,1")?.medianNs).toBe(900);
    expect(map.has("32,1")).toBe(false);
  });
});
