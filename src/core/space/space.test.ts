import { describe, expect, it } from "vitest";
import { rng } from "../random";
import {
  allowedNext,
  canComplete,
  checkConfig,
  checkPrefix,
  enumerate,
  rule,
  sampleConfig,
  spaceSize,
  type TuningSpace,
} from "./space";

const space: TuningSpace = {
  params: [
    { name: "a", values: [1, 2, 4, 8], doc: "" },
    { name: "b", values: [1, 2, 4, 8], doc: "" },
    { name: "c", values: [0, 1], doc: "" },
  ],
  rules: [
    rule("product", ["a", "b"], (c) =>
      (c.a ?? 0) * (c.b ?? 0) <= 8 ? null : `a*b=${(c.a ?? 0) * (c.b ?? 0)} > 8`,
    ),
    rule("c-needs-big-a", ["a", "c"], (c) => (c.c === 1 && (c.a ?? 0) < 4 ? "c=1 needs a>=4" : null)),
    rule("dead-end", ["a", "c"], (c) => (c.a === 8 && c.c === 0 ? "a=8 needs c=1" : null)),
  ],
};

describe("tuning spaces", () => {
  it("enumerates exactly the valid configs", () => {
    const brute: string[] = [];
    for (const a of [1, 2, 4, 8])
      for (const b of [1, 2, 4, 8])
        for (const c of [0, 1])
          if (checkConfig(space, { a, b, c }).length === 0) brute.push(`${a},${b},${c}`);
    const listed = [...enumerate(space)].map((c) => `${c.a},${c.b},${c.c}`);
    expect(listed.sort()).toEqual(brute.sort());
    expect(spaceSize(space)).toBe(brute.length);
  });

  it("names the rule a config breaks", () => {
    expect(checkConfig(space, { a: 8, b: 2, c: 1 })).toEqual([{ rule: "product", message: "a*b=16 > 8" }]);
    expect(checkPrefix(space, [3])?.rule).toBe("domain");
    expect(checkPrefix(space, [1, 2])).toBeNull();
  });

  it("masks next values to those with a valid completion", () => {
    expect(allowedNext(space, [])).toEqual([1, 2, 4, 8]);
    expect(allowedNext(space, [8])).toEqual([1]);
    expect(allowedNext(space, [2, 4])).toEqual([0]);
    expect(canComplete(space, [8, 2])).toBe(false);
  });

  it("samples only valid configs, reproducibly", () => {
    const a = sampleConfig(space, rng(7));
    expect(a).toEqual(sampleConfig(space, rng(7)));
    const random = rng(1);
    for (let i = 0; i < 50; i++) {
      const c = sampleConfig(space, random);
      expect(c && checkConfig(space, c)).toEqual([]);
    }
  });
});
