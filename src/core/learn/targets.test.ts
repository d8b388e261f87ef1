/** What a model learns from runtimes: near-best configs as examples, or each problem's consensus config. */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { recordCorpus } from "../corpora/records";
import { readJsonl } from "../dataset/io";
import type { CorpusExample } from "./corpus";
import { withConsensusTargets, withNearBest } from "./pipeline";

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

describe("withConsensusTargets", () => {
  /** A problem whose measured configs (named by their BM value) took these times. */
  const problem = (group: string, times: Record<number, number>): CorpusExample<string> => {
    const ranked = Object.entries(times)
      .map(([bm, ns]) => ({ family: "igemm", config: { BM: Number(bm) }, ns }))
      .sort((a, b) => a.ns - b.ns);
    const best = ranked[0] as (typeof ranked)[number];
    return {
      query: group,
      group,
      family: best.family,
      config: best.config,
      timing: {
        bestNs: best.ns,
        measured: new Map(ranked.map((c) => [`igemm:${c.config.BM}`, c.ns])),
        ranked,
      },
    };
  };
  // 64 is never the fastest but within 2% everywhere; 16 and 32 win one problem each, by a hair.
  const examples = [
    problem("a", { 16: 100, 64: 101, 32: 130 }),
    problem("b", { 32: 100, 64: 102, 16: 140 }),
    problem("c", { 64: 100, 16: 120, 32: 125 }),
  ];

  it("moves each target to the config near-best on the most problems", () => {
    const targets = withConsensusTargets(examples, 0.03).map((e) => e.config.BM);
    expect(targets).toEqual([64, 64, 64]);
  });

  it("keeps each problem's best when nothing else is within the tolerance", () => {
    expect(withConsensusTargets(examples, 0.005).map((e) => e.config.BM)).toEqual([16, 32, 64]);
  });

  it("counts votes on the reference problems only, and breaks ties by speed", () => {
    const [a, b] = examples as [CorpusExample<string>, CorpusExample<string>];
    // Voted on by problem a alone (16 and 64 within 3%): b's near-best 32 has no vote, its 64 one.
    expect(withConsensusTargets([b], 0.03, [a])[0]?.config.BM).toBe(64);
    // No votes at all: the fastest.
    expect(withConsensusTargets([a], 0.03, [])[0]?.config.BM).toBe(16);
  });

  it("on the exhaustive records: every target within the tolerance of its problem's best", () => {
    const corpus = recordCorpus(records, FILE);
    const targets = withConsensusTargets(corpus.examples, 0.03);
    targets.forEach((target, i) => {
      const timing = corpus.examples[i]?.timing;
      if (!timing) throw new Error("records have times");
      const ns = timing.ranked.find((c) => JSON.stringify(c.config) === JSON.stringify(target.config))?.ns;
      expect(ns, target.group).toBeLessThanOrEqual(timing.bestNs * 1.03);
    });
  });
});
