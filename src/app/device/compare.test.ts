import { describe, expect, it } from "vitest";
import { sampleRecord } from "../../core/dataset/fixtures";
import { problemEntry } from "../../core/dataset/record";
import { makeProblem } from "../../core/problem";
import { ratioText } from "./CompareCard";
import { compareDevices } from "./compare";

const small = problemEntry(makeProblem({ c: 4, h: 8, w: 8, k: 4, r: 3, s: 3, padH: 1, padW: 1 }));
const wide = problemEntry(makeProblem({ c: 64, h: 8, w: 8, k: 64, r: 1, s: 1 }));
const other = problemEntry(makeProblem({ c: 8, h: 4, w: 4, k: 8, r: 1, s: 1 }));

describe("comparing this GPU with a recording", () => {
  it("pairs each problem's fastest kernel of any family on both sides, and counts the rest", () => {
    const here = [
      sampleRecord({ problem: small, family: "direct", medianNs: 9000 }),
      sampleRecord({ problem: small, family: "igemm", config: { BM: 16 }, medianNs: 4000 }),
      sampleRecord({ problem: small, status: "compile-failed", medianNs: null }),
      sampleRecord({ problem: other, medianNs: 100 }),
    ];
    const recorded = [
      sampleRecord({ problem: small, family: "splitk", medianNs: 50 }),
      sampleRecord({ problem: small, family: "igemm", medianNs: 40 }),
      sampleRecord({ problem: wide, medianNs: 10 }),
    ];
    const { shared, onlyHere, onlyRecorded } = compareDevices(here, recorded);
    expect(shared).toHaveLength(1);
    expect(shared[0]?.problem).toBe(small.text);
    expect(shared[0]?.here.config).toEqual({ BM: 16 });
    expect(shared[0]?.recorded.medianNs).toBe(40);
    expect(shared[0]?.ratio).toBe(100);
    expect({ onlyHere, onlyRecorded }).toEqual({ onlyHere: 1, onlyRecorded: 1 });
  });

  it("says the ratio as a factor of at least one, and which way", () => {
    expect(ratioText(100)).toBe("100× slower");
    expect(ratioText(14_824.3)).toBe("14,824× slower");
    expect(ratioText(12.34)).toBe("12.3× slower");
    expect(ratioText(0.5)).toBe("2.00× faster");
  });
});
