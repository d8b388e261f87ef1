import { describe, expect, it } from "vitest";
import { makeProblem, parseProblem, tensorElements } from "./problem";
import { rng } from "./random";
import {
  convIndexing,
  referenceConv,
  referenceSample,
  relativeError,
  sampledRelativeError,
  sampleOffsets,
} from "./reference";

describe("reference convolution", () => {
  it("matches a hand-computed 2x2 filter over a 3x3 image with padding and stride", () => {
    // input 1..9 row-major, filter [[1,0],[0,-1]]: out(p,q) = x(2p-1, 2q-1) - x(2p, 2q)
    const problem = parseProblem("1x1x3x3,1x2x2,pad=1,stride=2");
    const out = referenceConv(problem, [1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 0, 0, -1]);
    expect([...out]).toEqual([-1, -3, -7, 5 - 9]);
  });

  it("handles groups, dilation and both layouts identically", () => {
    const nchw = makeProblem({ n: 2, c: 4, h: 5, w: 6, k: 6, r: 3, s: 2, padH: 2, dilH: 2, groups: 2 });
    const nhwc = { ...nchw, layout: "NHWC" as const };
    const random = rng(3);
    const sizes = tensorElements(nchw);
    const input = Float64Array.from({ length: sizes.input }, () => random() - 0.5);
    const filter = Float64Array.from({ length: sizes.filter }, () => random() - 0.5);
    // Transpose NCHW data into NHWC and compare element by element.
    const a = convIndexing(nchw);
    const b = convIndexing(nhwc);
    const inputT = new Float64Array(sizes.input);
    const filterT = new Float64Array(sizes.filter);
    for (let n = 0; n < 2; n++)
      for (let c = 0; c < 4; c++)
        for (let h = 0; h < 5; h++)
          for (let w = 0; w < 6; w++) inputT[b.input(n, c, h, w)] = input[a.input(n, c, h, w)] as number;
    for (let k = 0; k < 6; k++)
      for (let c = 0; c < 2; c++)
        for (let r = 0; r < 3; r++)
          for (let s = 0; s < 2; s++) filterT[b.filter(k, c, r, s)] = filter[a.filter(k, c, r, s)] as number;
    const outA = referenceConv(nchw, input, filter);
    const outB = referenceConv(nhwc, inputT, filterT);
    for (let o = 0; o < outA.length; o++) {
      const [n, k, p, q] = a.outputCoords(o);
      expect(a.output(n, k, p, q)).toBe(o);
      expect(outB[b.output(n, k, p, q)]).toBeCloseTo(outA[o] as number, 12);
    }
    // group 1's outputs (k >= 3) read only channels 2..3
    const zeroSecondHalf = input.map((v, i) => (Math.floor(i / 30) % 4 < 2 ? v : 0));
    const partial = referenceConv(nchw, zeroSecondHalf, filter);
    expect(partial[a.output(0, 4, 1, 1)]).toBe(0);
    expect(partial[a.output(0, 1, 1, 1)]).toBe(outA[a.output(0, 1, 1, 1)]);
  });

  it("samples the same values as the whole convolution", () => {
    const problem = parseProblem("1x3x7x7,5x3x3,pad=1,layout=NHWC");
    const random = rng(9);
    const sizes = tensorElements(problem);
    const input = Array.from({ length: sizes.input }, () => random());
    const filter = Array.from({ length: sizes.filter }, () => random());
    const whole = referenceConv(problem, input, filter);
    const offsets = sampleOffsets(sizes.output, 40, random);
    expect(new Set(offsets).size).toBe(40);
    const sample = referenceSample(problem, input, filter, offsets);
    expect([...sample]).toEqual(offsets.map((o) => whole[o]));
    expect(sampledRelativeError(whole, sample, offsets)).toBe(0);
    expect(sampleOffsets(5, 10, random)).toEqual([0, 1, 2, 3, 4]);
  });

  it("measures relative error and fails NaN", () => {
    expect(relativeError([3, 4], [3, 4])).toBe(0);
    expect(relativeError([3, 5], [3, 4])).toBeCloseTo(1 / 5, 12);
    expect(relativeError([3, Number.NaN], [3, 4])).toBe(Number.POSITIVE_INFINITY);
    expect(() => referenceConv(parseProblem("1x1x3x3,1x1x1"), [1], [1])).toThrow(/expected 9 input/);
  });
});
