import { describe, expect, it } from "vitest";
import { checkConfig, rule, type TuningSpace } from "../../core/space/space";
import { nearestValid } from "./nearest";

const space: TuningSpace = {
  params: [
    { name: "a", values: [1, 2, 4], doc: "" },
    { name: "b", values: [1, 2, 4], doc: "" },
    { name: "c", values: [1, 2], doc: "" },
  ],
  rules: [rule("product", ["a", "b"], (c) => ((c.a ?? 0) * (c.b ?? 0) > 4 ? "a*b > 4" : null))],
};

describe("nearestValid", () => {
  it("keeps the picked value and as many of the other values as the rules allow", () => {
    const next = nearestValid(space, { a: 1, b: 4, c: 2 }, { a: 2 });
    expect(next).toEqual({ a: 2, b: 1, c: 2 });
    expect(checkConfig(space, next ?? {})).toEqual([]);
  });

  it("pins several values at once (a cell of the space map)", () => {
    expect(nearestValid(space, { a: 1, b: 1, c: 1 }, { a: 4, b: 1 })).toEqual({ a: 4, b: 1, c: 1 });
  });

  it("keeps everything when the change is valid as it is", () => {
    expect(nearestValid(space, { a: 1, b: 1, c: 1 }, { c: 2 })).toEqual({ a: 1, b: 1, c: 2 });
  });

  it("says null when no valid config has the value", () => {
    const tight: TuningSpace = {
      ...space,
      rules: [rule("no-four", ["a"], (c) => (c.a === 4 ? "a=4 never fits" : null))],
    };
    expect(nearestValid(tight, { a: 1, b: 1, c: 1 }, { a: 4 })).toBeNull();
  });
});
