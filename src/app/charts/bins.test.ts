import { describe, expect, it } from "vitest";
import { logBins, logDomain, logTicks } from "./bins";

describe("chart scales", () => {
  it("puts 1-2-5 ticks inside a narrow range and only decades inside a wide one", () => {
    expect(logTicks(400, 3000)).toEqual([500, 1000, 2000]);
    expect(logTicks(330, 540)).toEqual([330, 390, 460, 540]);
    expect(logTicks(1, 1e6)).toEqual([1, 10, 100, 1000, 10000, 100000, 1000000]);
  });

  it("pads the domain on both sides", () => {
    expect(logDomain([100, 1000], 2)).toEqual([50, 2000]);
  });

  it("bins every value once on a log scale", () => {
    const bins = logBins([1, 2, 4, 8, 16, 1000], 4);
    expect(bins.reduce((n, b) => n + b.count, 0)).toBe(6);
    expect(bins.map((b) => b.count)).toEqual([3, 2, 0, 1]);
  });
});
