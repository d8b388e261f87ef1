import { describe, expect, it } from "vitest";
import { checkProblemText, locatePart } from "./problemText";

describe("checkProblemText", () => {
  it("accepts the text form and keeps its fields", () => {
    const check = checkProblemText("1x8x8x8,8x3x3,pad=1");
    expect(check.ok && check.problem).toMatchObject({ n: 1, c: 8, k: 8, r: 3, padH: 1, padW: 1 });
  });

  it.each([
    ["1x8x8,8x3x3", "input", 0],
    ["1x8x8x8,8x3", "filter", 1],
    ["1x8x8x8,8x3x3,pad=x", "pad", 2],
    ["1x8x8x8,8x3x3,pad=1,strid=2", "strid", 3],
    ["1x8x8x8,8x3x3,layout=NCWH", "layout", 2],
    ["1x6x8x8,8x3x3,groups=4", "groups", 2],
    ["1x0x8x8,8x3x3", "C", 0],
    ["1x8x2x2,8x5x5", "filter", 1],
  ])("%s is rejected naming %s (segment %i)", (text, part, segment) => {
    const check = checkProblemText(text);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.part).toBe(part);
    expect(check.segment).toBe(segment);
    expect(check.message).toContain(part === "C" ? "C must be" : part);
  });

  it("points at nothing when the part is not in the text", () => {
    expect(locatePart("1x8x8x8,8x3x3", "size")).toBe(-1);
  });
});
