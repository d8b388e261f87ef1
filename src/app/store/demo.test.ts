import { describe, expect, it } from "vitest";
import { sampleRecord } from "../../core/dataset/fixtures";
import { problemEntry } from "../../core/dataset/record";
import { parseProblem } from "../../core/problem";
import { DEFAULT_VIEW } from "../url";
import { recordedView } from "./demo";

const recorded = (problem: string, family: string, times: number) =>
  Array.from({ length: times }, () => sampleRecord({ problem: problemEntry(parseProblem(problem)), family }));

// Like the shipped recording: NHWC problems only, igemm measured most.
const records = [
  ...recorded("1x64x56x56,64x3x3,pad=1,layout=NHWC", "direct", 2),
  ...recorded("1x64x56x56,64x3x3,pad=1,layout=NHWC", "igemm", 14),
  ...recorded("32x64x56x56,64x3x3,pad=1,layout=NHWC", "splitk", 40),
];

describe("where the demo opens", () => {
  it("moves the default NCHW problem to its recorded NHWC twin, with the family measured most", () => {
    expect(recordedView(DEFAULT_VIEW, records)).toEqual({
      problem: "1x64x56x56,64x3x3,pad=1,layout=NHWC",
      family: "igemm",
      config: "",
    });
  });

  it("keeps a recorded problem and family as they are", () => {
    const view = { ...DEFAULT_VIEW, problem: "1x64x56x56,64x3x3,pad=1,layout=NHWC", family: "direct" };
    expect(recordedView(view, records)).toBeNull();
  });

  it("opens the most measured problem when the shown one was never recorded, in any layout", () => {
    expect(recordedView({ ...DEFAULT_VIEW, problem: "1x8x8x8,8x1x1" }, records)).toEqual({
      problem: "32x64x56x56,64x3x3,pad=1,layout=NHWC",
      family: "splitk",
      config: "",
    });
    expect(recordedView({ ...DEFAULT_VIEW, problem: "not a problem" }, records)?.problem).toBe(
      "32x64x56x56,64x3x3,pad=1,layout=NHWC",
    );
  });

  it("changes nothing without records", () => {
    expect(recordedView(DEFAULT_VIEW, [])).toBeNull();
  });
});
