import { describe, expect, it } from "vitest";
import { sampleRecord } from "../../core/dataset/fixtures";
import { DEFAULT_QUERY, onePeakPerDevice, queryRecords, toggleSort } from "./table";

const fast = sampleRecord({ config: { WGX: 8, WGY: 2 }, medianNs: 500, gflops: 2 });
const slow = sampleRecord({ config: { WGX: 2, WGY: 2 }, medianNs: 4000, gflops: 0.1 });
const broken = sampleRecord({
  config: { WGX: 16, WGY: 16 },
  status: "compile-failed",
  message: "workgroup storage exceeds the limit",
  medianNs: null,
  gflops: null,
  family: "direct",
});
const records = [slow, broken, fast];

describe("queryRecords", () => {
  it("sorts by median ascending with failures (no time) last, and descending still puts them last", () => {
    expect(queryRecords(records, DEFAULT_QUERY)).toEqual([fast, slow, broken]);
    expect(queryRecords(records, toggleSort(DEFAULT_QUERY, "medianNs"))).toEqual([slow, fast, broken]);
  });

  it("sorts text columns naturally (WGX=8 before WGX=16)", () => {
    const byConfig = queryRecords(records, { ...DEFAULT_QUERY, sortBy: "config" });
    expect(byConfig.map((r) => r.config.WGX)).toEqual([2, 8, 16]);
  });

  it("filters by every word, across problem, config, status and message", () => {
    expect(queryRecords(records, { ...DEFAULT_QUERY, text: "storage" })).toEqual([broken]);
    expect(queryRecords(records, { ...DEFAULT_QUERY, text: "WGX=2 direct" })).toEqual([slow]);
    expect(queryRecords(records, { ...DEFAULT_QUERY, text: "nothing-matches" })).toEqual([]);
  });

  it("filters by status", () => {
    expect(queryRecords(records, { ...DEFAULT_QUERY, statuses: ["compile-failed"] })).toEqual([broken]);
    expect(queryRecords(records, { ...DEFAULT_QUERY, statuses: ["ok"] })).toHaveLength(2);
  });

  it("toggleSort flips the same column and starts a new one ascending", () => {
    const byGflops = toggleSort(DEFAULT_QUERY, "gflops");
    expect(byGflops).toMatchObject({ sortBy: "gflops", descending: false });
    expect(toggleSort(byGflops, "gflops").descending).toBe(true);
  });
});

describe("% of peak", () => {
  it("is taken against one peak per device, the highest its sweeps measured", () => {
    const device = (peakGflops: number | null) => ({ ...fast.device, peakGflops });
    const sweeps = [
      sampleRecord({ device: device(8), gflops: 2, peakFraction: 0.25 }),
      sampleRecord({ device: device(10), gflops: 2, peakFraction: 0.2 }),
      sampleRecord({ device: device(null), gflops: 4, peakFraction: null }),
      sampleRecord({ device: { ...device(4), description: "another GPU" }, gflops: 1, peakFraction: 0.25 }),
      broken,
    ];
    expect(onePeakPerDevice(sweeps).map((r) => r.peakFraction)).toEqual([0.2, 0.2, 0.4, 0.25, null]);
  });
});
