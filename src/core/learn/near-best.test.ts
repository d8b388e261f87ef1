/** Training on near-best configs: which records of the exhaustive ground truth become examples. */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { recordCorpus } from "../corpora/records";
import { readJsonl } from "../dataset/io";
import { withNearBest } from "./pipeline";

const FILE = "docs/h200/exhaustive-splitk-resnet50-3x3-nhwc.jsonl.gz";
const records = readJsonl(gunzipSync(readFileSync(FILE)).toString("utf8"));

describe("withNearBest", () => {
  const corpus = recordCorpus(records, FILE);

  it("adds every measured config within the tolerance of its problem's best, and no other", () => {
    const near = withNearBest(corpus.examples, 0.03);
    for (const example of corpus.examples) {
      const timing = example.timing;
      if (!timing) throw new Error("records have times");
      const within = [...timing.measured.values()].filter((ns) => ns <= timing.bestNs * 1.03).length;
      const mine = near.filter((e) => e.group === example.group);
      expect(mine.length, example.group).toBe(within);
      expect(within, example.group).toBeGreaterThan(1);
      // The best config is among them, with the problem's own query and group.
      expect(mine.some((e) => JSON.stringify(e.config) === JSON.stringify(example.config))).toBe(true);
      for (const e of mine) expect(e.query).toBe(example.query);
    }
  });

  it("leaves the examples as they are without a tolerance", () => {
    expect(withNearBest(corpus.examples, undefined)).toEqual(corpus.examples);
  });
});
