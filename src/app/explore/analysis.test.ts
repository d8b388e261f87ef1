import { describe, expect, it } from "vitest";
import { checkConfig, enumerate, rawSize, rule, spaceSize, type TuningSpace } from "../../core/space/space";
import { analyseSpaceNow } from "./analysis";

const tiles: TuningSpace = {
  params: [
    { name: "tm", values: [1, 2, 4, 8], doc: "rows per thread" },
    { name: "tn", values: [1, 2, 4, 8], doc: "columns per thread" },
    { name: "wg", values: [32, 64, 128, 256], doc: "threads per workgroup" },
  ],
  rules: [
    rule("square-ish", ["tm", "tn"], (c) =>
      Math.max(c.tm ?? 0, c.tn ?? 0) / Math.min(c.tm ?? 1, c.tn ?? 1) > 4
        ? `tm=${c.tm} tn=${c.tn} is too thin`
        : null,
    ),
    rule("registers", ["tm", "tn", "wg"], (c) =>
      (c.tm ?? 0) * (c.tn ?? 0) * (c.wg ?? 0) > 4096 ? `${c.tm}x${c.tn} x ${c.wg} threads spill` : null,
    ),
  ],
};

describe("analyseSpaceNow", () => {
  const a = analyseSpaceNow(tiles);

  it("counts the same valid configs as enumerate, and the funnel adds up to the raw size", () => {
    expect(a.raw).toBe(rawSize(tiles));
    expect(a.valid).toBe(spaceSize(tiles));
    expect(a.raw - a.cuts.reduce((n, c) => n + c.removed, 0)).toBe(a.valid);
  });

  it("charges each cut config to the first rule that fails, with an example message", () => {
    // tm/tn pairs with a ratio above 4: (1,8) and (8,1), each with 4 workgroup sizes.
    expect(a.cuts[0]).toEqual({ rule: "square-ish", removed: 8, example: "tm=1 tn=8 is too thin" });
    const spilling = [...enumerateRaw(tiles)].filter(
      (c) => checkConfig(tiles, c)[0]?.rule === "registers",
    ).length;
    expect(a.cuts[1]?.removed).toBe(spilling);
    expect(a.cuts[1]?.example).toMatch(/spill/);
  });

  it("counts marginals and pairs from the valid configs", () => {
    const valid = [...enumerate(tiles)];
    expect(a.marginals[2]).toEqual([32, 64, 128, 256].map((wg) => valid.filter((c) => c.wg === wg).length));
    const pairs = a.pairCounts(0, 2);
    expect(pairs[3]?.[3]).toBe(valid.filter((c) => c.tm === 8 && c.wg === 256).length);
    expect(a.pairCounts(2, 0)[3]?.[3]).toBe(pairs[3]?.[3]);
    expect(a.firstValid).toEqual(valid[0]);
  });
});

function* enumerateRaw(space: TuningSpace) {
  for (const tm of space.params[0]?.values ?? [])
    for (const tn of space.params[1]?.values ?? [])
      for (const wg of space.params[2]?.values ?? []) yield { tm, tn, wg };
}

describe("a rule that reads a parameter the space lacks", () => {
  it("is refused as the beam search's validator refuses it, instead of being judged first", () => {
    const misspelt: TuningSpace = { ...tiles, rules: [rule("typo", ["tk"], () => "never")] };
    expect(() => analyseSpaceNow(misspelt)).toThrow("rule typo reads unknown parameter tk");
  });
});
