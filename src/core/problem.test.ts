import { describe, expect, it } from "vitest";
import {
  formatProblem,
  outputSize,
  type ProblemError,
  parseProblem,
  problemErrors,
  problemFlops,
} from "./problem";

describe("convolution problems", () => {
  it("parses and formats the text form", () => {
    const p = parseProblem("1x64x56x56,64x3x3,pad=1");
    expect(p).toMatchObject({
      n: 1,
      c: 64,
      h: 56,
      w: 56,
      k: 64,
      r: 3,
      s: 3,
      padH: 1,
      padW: 1,
      layout: "NCHW",
    });
    expect(outputSize(p)).toEqual({ p: 56, q: 56 });
    expect(problemFlops(p)).toBe(2 * 64 * 56 * 56 * 64 * 9);
    for (const text of [
      "1x64x56x56,64x3x3,pad=1",
      "2x32x15x17,16x5x3,pad=2x1,stride=2,dil=1x2,groups=4,layout=NHWC",
    ]) {
      expect(formatProblem(parseProblem(text))).toBe(text);
    }
  });

  it("says which part is wrong", () => {
    const part = (text: string) => {
      try {
        parseProblem(text);
      } catch (error) {
        return (error as ProblemError).part;
      }
      return "accepted";
    };
    expect(part("1x64x56,64x3x3")).toBe("input");
    expect(part("1x64x56x56,64x3")).toBe("filter");
    expect(part("1x64x56x56,64x3x3,pad=a")).toBe("pad");
    expect(part("1x64x56x56,64x3x3,layout=CHWN")).toBe("layout");
    expect(part("1x64x56x56,64x3x3,foo=1")).toBe("foo");
    expect(part("1x64x5x5,64x7x7")).toBe("filter");
    expect(part("1x6x5x5,64x3x3,groups=4")).toBe("groups");
  });

  it("rejects problems larger than the device's buffers", () => {
    const p = parseProblem("64x512x224x224,512x3x3,pad=1");
    expect(problemErrors(p, { maxBufferSize: 1 << 28, maxStorageBufferBindingSize: 1 << 27 })[0]?.part).toBe(
      "size",
    );
  });
});
