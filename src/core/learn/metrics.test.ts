import { describe, expect, it } from "vitest";
import type { BaselineEntry } from "./baselines";
import {
  blendWithNeighbours,
  buildBaselines,
  mostFrequentGuess,
  nearestNeighbourGuess,
  nearestNeighbours,
} from "./baselines";
import type { Feature } from "./features";
import { score, scoreGuesses } from "./metrics";
import { splitByGroup } from "./split";

const features = (c: number, n: number, backward = false): Feature[] => [
  { name: "backward-data", value: backward ? 1 : 0, kind: "flag" },
  { name: "C", value: c, kind: "count" },
  { name: "N", value: n, kind: "count" },
  { name: "pixels", value: 999 * c, kind: "count", derived: true },
];
const example = (c: number, n: number, values: number[], backward = false): BaselineEntry => ({
  features: features(c, n, backward),
  family: "toy",
  values,
});

describe("metrics", () => {
  it("scores exact, per-value, top-K and validity", () => {
    const isValid = (v: readonly number[]) => v[0] !== 9;
    const scores = score([
      { truth: [1, 2, 3, 4], candidates: [[1, 2, 3, 4]], isValid },
      {
        truth: [1, 2, 3, 4],
        candidates: [
          [1, 2, 0, 0],
          [9, 9, 9, 9],
          [1, 2, 3, 4],
        ],
        isValid,
      },
      { truth: [5, 5, 5, 5], candidates: [], isValid },
    ]);
    expect(scores).toEqual({
      n: 3,
      exact: 1 / 3,
      perValue: (1 + 0.5 + 0) / 3,
      topK: 2 / 3,
      valid: 3 / 4,
      unanswered: 1,
    });
    expect(
      scoreGuesses(
        [
          [1, 2],
          [3, 4],
        ],
        [[1, 0], undefined],
      ),
    ).toEqual({ exact: 0, perValue: 0.25 });
  });
});

describe("baselines on a hand-made split", () => {
  const train = [
    example(64, 1, [1, 1]),
    example(64, 8, [2, 2]),
    example(512, 1, [3, 3]),
    example(512, 8, [3, 3]),
    example(512, 8, [4, 4], true),
  ];
  const table = buildBaselines(train);

  it("guesses the most frequent config, ties broken by value", () => {
    expect(mostFrequentGuess(table, "toy")).toEqual([3, 3]);
    expect(mostFrequentGuess(buildBaselines(train.slice(0, 2)), "toy")).toEqual([1, 1]);
    expect(mostFrequentGuess(table, "other")).toBeUndefined();
  });

  it("guesses the nearest problem's config on log2 features, ignoring derived ones", () => {
    expect(nearestNeighbourGuess(table, "toy", features(60, 2))).toEqual([1, 1]);
    expect(nearestNeighbourGuess(table, "toy", features(64, 6))).toEqual([2, 2]);
    expect(nearestNeighbourGuess(table, "toy", features(500, 8, true))).toEqual([4, 4]);
    const held = [example(60, 2, [1, 1]), example(600, 6, [3, 9])];
    const truths = held.map((e) => e.values);
    expect(
      scoreGuesses(
        truths,
        held.map((e) => nearestNeighbourGuess(table, "toy", e.features)),
      ),
    ).toEqual({
      exact: 0.5,
      perValue: 0.75,
    });
  });

  it("lists the nearest problems' configs, nearest first", () => {
    expect(nearestNeighbours(table, "toy", features(64, 6), 3)).toEqual([
      [2, 2],
      [1, 1],
      [3, 3],
    ]);
    expect(nearestNeighbours(table, "toy", features(64, 6), 99)).toHaveLength(train.length);
    expect(nearestNeighbours(table, "other", features(64, 6), 3)).toEqual([]);
  });

  it("re-ranks beam candidates by agreement with the neighbours, never adding or dropping one", () => {
    const beam = [
      { values: [1, 1], config: {}, logProb: -0.5 },
      { values: [2, 2], config: {}, logProb: -1 },
      { values: [2, 9], config: {}, logProb: -1.2 },
    ];
    const neighbours = [
      [2, 2],
      [2, 3],
    ];
    const order = (weight: number, count: number) =>
      blendWithNeighbours(beam, neighbours, { count, weight }).map((c) => c.values);
    expect(order(0, 2)).toEqual([
      [1, 1],
      [2, 2],
      [2, 9],
    ]);
    // Weight 1: [2, 2] gains 0.75 (-0.25), [2, 9] gains 0.5 (-0.7), [1, 1] nothing (-0.5).
    expect(order(1, 2)).toEqual([
      [2, 2],
      [1, 1],
      [2, 9],
    ]);
    expect(order(4, 2)).toEqual([
      [2, 2],
      [2, 9],
      [1, 1],
    ]);
    expect(order(0.6, 1)[0]).toEqual([2, 2]);
  });

  it("splits by group, seeded, never across a group", () => {
    const items = Array.from({ length: 200 }, (_, i) => ({ group: `g${i % 50}`, i }));
    const a = splitByGroup(items, (x) => x.group, 0.2, 3);
    const b = splitByGroup(items, (x) => x.group, 0.2, 3);
    expect(a).toEqual(b);
    expect(new Set(a.held.map((x) => x.group)).size).toBe(10);
    const kept = new Set(a.kept.map((x) => x.group));
    for (const x of a.held) expect(kept.has(x.group)).toBe(false);
    expect(splitByGroup(items, (x) => x.group, 0.2, 4).held).not.toEqual(a.held);
  });
});
