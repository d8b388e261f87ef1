import { describe, expect, it } from "vitest";
import { keepShareOfGroups, splitForTraining } from "./split";

// 40 groups of 1 to 3 items each.
const items = Array.from({ length: 40 }, (_, g) =>
  Array.from({ length: 1 + (g % 3) }, (_, i) => ({ group: `g${g}`, i })),
).flat();
const groupOf = (item: { group: string }) => item.group;
const groups = (part: readonly { group: string }[]) => new Set(part.map(groupOf));

describe("a share of the groups", () => {
  it("keeps round(share x groups) groups, each with all its items", () => {
    for (const share of [0.05, 0.1, 0.25, 0.5, 1]) {
      const kept = keepShareOfGroups(items, groupOf, share, 3);
      expect(groups(kept).size).toBe(Math.max(1, Math.round(40 * share)));
      for (const g of groups(kept)) {
        expect(kept.filter((e) => e.group === g)).toEqual(items.filter((e) => e.group === g));
      }
    }
    expect(keepShareOfGroups(items, groupOf, 1, 3)).toEqual(items);
    expect(groups(keepShareOfGroups(items, groupOf, 0.001, 3)).size).toBe(1);
  });

  it("is seeded, and a smaller share's groups are all in a larger one's", () => {
    const tenth = groups(keepShareOfGroups(items, groupOf, 0.1, 3));
    const quarter = groups(keepShareOfGroups(items, groupOf, 0.25, 3));
    expect([...tenth].every((g) => quarter.has(g))).toBe(true);
    expect(groups(keepShareOfGroups(items, groupOf, 0.25, 3))).toEqual(quarter);
    expect(groups(keepShareOfGroups(items, groupOf, 0.25, 4))).not.toEqual(quarter);
  });

  it("draws only from the items given: a share of a split's training part leaves its other parts alone", () => {
    const split = splitForTraining(items, groupOf, 1);
    const kept = keepShareOfGroups(split.train, groupOf, 0.5, 3);
    expect([...groups(kept)].every((g) => groups(split.train).has(g))).toBe(true);
    expect(splitForTraining(items, groupOf, 1)).toEqual(split);
  });

  it.each([0, -0.5, 1.01, Number.NaN])("refuses share %s", (share) => {
    expect(() => keepShareOfGroups(items, groupOf, share, 1)).toThrow(
      `share must be in (0, 1], got ${share}`,
    );
  });
});
