import { describe, expect, it } from "vitest";
import { sampleRecord } from "../../core/dataset/fixtures";
import { problemEntry } from "../../core/dataset/record";
import { makeProblem } from "../../core/problem";
import { arithmeticIntensity, recordedPeaks, rooflinePoints } from "./roofline";

describe("roofline points", () => {
  it("computes FLOP per compulsory byte: a 1x1 conv of 64 channels on 8x8 does 2*64*64*64 FLOP over 3 tensors", () => {
    const r = sampleRecord({ problem: problemEntry(makeProblem({ c: 64, h: 8, w: 8, k: 64, r: 1, s: 1 })) });
    const flops = 2 * 64 * 64 * 64;
    const bytes = (64 * 64 + 64 * 64 + 64 * 64) * 4;
    expect(arithmeticIntensity(r)).toBeCloseTo(flops / bytes);
  });

  it("keeps the fastest kernel per problem and family, and its GFLOP/s from the problem's FLOPs", () => {
    const slow = sampleRecord({ medianNs: 2000 });
    const fast = sampleRecord({ medianNs: 1000, config: { WGX: 8, WGY: 8 } });
    const failed = sampleRecord({ status: "runtime-failed", medianNs: null, gflops: null });
    const points = rooflinePoints([slow, fast, failed]);
    expect(points).toHaveLength(1);
    // 4x8x8 input, 4x3x3 filter, pad 1: 2*4*8*8*4*9 FLOP in 1000 ns.
    expect(points[0]?.gflops).toBeCloseTo((2 * 4 * 64 * 4 * 9) / 1000);
    expect(points[0]?.problem).toBe("1x4x8x8,4x3x3,pad=1");
    expect(points[0]?.kernel).toBe("direct WGX=8 WGY=8");
  });

  it("reads the peaks the records carry", () => {
    expect(recordedPeaks([sampleRecord()])).toEqual({ peakGflops: 10, bandwidthGBps: 5 });
    expect(recordedPeaks([])).toBeNull();
  });
});
