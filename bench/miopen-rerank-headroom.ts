/**
 * How far re-ranking the beam could take a MIOpen model's exact score: how often the tuned config is
 * in the beam at all, how often among the nearest training problems' configs, and the best exact
 * score of a re-ranking that adds to each candidate's log-probability its per-value agreement with
 * the k nearest neighbours (the saved blend's kind) and the share of the k2 nearest that hold
 * exactly its config. The grid is scored on the rows it is tuned on, so its best is a bound for this
 * kind of re-ranking, not an estimate. Prints one JSON object.
 *   node bench/run.mjs bench/miopen-rerank-headroom.ts --model DIR [--data DIR/holdout.db] [--beam 8]
 */
import { parseArgs } from "node:util";
import { readCorpusFile } from "../src/cli/commands/corpus-file";
import { loadModelDir, startNodeBackend } from "../src/cli/commands/model-node";
import { type BaselineTable, nearestNeighbours } from "../src/core/learn/baselines";
import { sameValues, valueMatches } from "../src/core/learn/metrics";
import { predict } from "../src/core/learn/pipeline";

const { values } = parseArgs({
  options: { model: { type: "string" }, data: { type: "string" }, beam: { type: "string", default: "8" } },
});
if (!values.model) throw new Error("--model DIR is required");
await startNodeBackend();
const learned = await loadModelDir(values.model);
const { families, directions } = learned.metadata.source;
const solver = families[0] as string;
const data = await readCorpusFile(values.data ?? `${values.model}/holdout.db`, { solver, directions });
const { examples, language } = data.corpus;
const predictions = await predict(
  learned,
  language,
  examples.map((e) => e.query),
  Number(values.beam),
  null,
);
const table = learned.metadata.baselines as BaselineTable;
const sequence = (config: Record<string, number>) => learned.tokenizer.sequence(solver, config);
const MOST_NEAR = 30;
const rows = examples.map((e, i) => {
  const p = predictions[i];
  return {
    truth: sequence(e.config),
    beam: p?.ok ? p.candidates.map((c) => ({ logProb: c.logProb, values: sequence(c.config) })) : [],
    near: nearestNeighbours(table, solver, language.features(e.query), MOST_NEAR),
  };
});
const share = (test: (row: (typeof rows)[number]) => boolean) =>
  round(rows.filter(test).length / rows.length);
const round = (x: number) => Math.round(x * 1000) / 1000;

/** Exact score when each row's beam is re-ranked by `score` (the first of equal scores kept, as in the beam). */
function exactBy(score: (c: { logProb: number; values: number[] }, near: number[][]) => number): number {
  return share((r) => {
    const scores = r.beam.map((c) => score(c, r.near));
    const top = r.beam[scores.indexOf(Math.max(...scores))];
    return Boolean(top && sameValues(top.values, r.truth));
  });
}
const agreement = (v: number[], near: number[][], k: number) =>
  near.slice(0, k).reduce((sum, n) => sum + valueMatches(n, v), 0) / Math.max(1, Math.min(k, near.length));
const votes = (v: number[], near: number[][], k: number) =>
  near.slice(0, k).filter((n) => sameValues(n, v)).length / Math.max(1, Math.min(k, near.length));

let best = { exact: 0, k: 0, weight: 0, k2: 0, voteWeight: 0 };
let perValueOnly = { exact: 0, k: 0, weight: 0 };
for (const k of [1, 3, 5, 9, 15]) {
  for (const weight of [0, 1, 2, 4, 8, 16, 32]) {
    for (const k2 of [5, 9, 15, MOST_NEAR]) {
      // Without votes k2 changes nothing: that case is scored once, with the first k2.
      for (const voteWeight of k2 === 5 ? [0, 1, 2, 4, 8] : [1, 2, 4, 8]) {
        const exact = exactBy(
          (c, near) =>
            c.logProb + weight * agreement(c.values, near, k) + voteWeight * votes(c.values, near, k2),
        );
        if (exact > best.exact) best = { exact, k, weight, k2, voteWeight };
        if (voteWeight === 0 && exact > perValueOnly.exact) perValueOnly = { exact, k, weight };
      }
    }
  }
}
console.log(
  JSON.stringify({
    rows: rows.length,
    truthInBeam: share((r) => r.beam.some((c) => sameValues(c.values, r.truth))),
    truthInNearest: Object.fromEntries(
      [1, 5, 15, MOST_NEAR].map((k) => [
        k,
        share((r) => r.near.slice(0, k).some((n) => sameValues(n, r.truth))),
      ]),
    ),
    modelAlone: exactBy((c) => c.logProb),
    savedBlend: learned.metadata.neighbours ?? null,
    bestPerValueBlend: perValueOnly,
    bestWithVotes: best,
  }),
);
