/**
 * How model+cost's first five should split between the cost model's picks and the beam's. With --model
 * (a held-out model of bench/held-out-curves.ts --out), each held-out task's two rankings, as `curve
 * --held-out --cost-model` makes them (the beam's 8, and 20, the cost model's whole ranking), are written
 * to --out with each config's fraction of the exhaustive best (one split a run; the splits' files of a
 * network may be concatenated, and gzipped). With --tally, such files (NAME:FILE,FILE a network) are
 * read and each ordering of the two rankings is scored: the tasks whose first 5 hold a config within 95%
 * of the best, whose first 3 do, and whose first is within 90%; "either list's first 5" is the ceiling
 * of any order that takes five configs from the two lists' first fives. Last, for each network, the
 * rank sum's weight chosen on the other networks alone, and what it scores on this one.
 *
 *   node bench/run.mjs bench/fusion-orders.ts --data TRAIN.jsonl,HELD.jsonl --model DIR [--compute-units 132] --out RANKINGS.jsonl
 *   node bench/run.mjs bench/fusion-orders.ts --tally NET:RANKINGS.jsonl,RANKINGS.jsonl [NET:...]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";
import { HOLDOUT_JSONL } from "../src/cli/commands/corpus-file";
import { loadModelDir, startNodeBackend } from "../src/cli/commands/model-node";
import { streamRecordFile } from "../src/cli/commands/store";
import { rankInFamily } from "../src/core/corpora/index";
import { modelDeviceOf } from "../src/core/dataset/device";
import { configKey, type TuningRecord } from "../src/core/dataset/record";
import { DEFAULT_COST_SEEDS, trainCostRankers } from "../src/core/learn/cost-model";
import { parseProblem } from "../src/core/problem";
import { costRanking, curveTask, heldOutSplit, recordedBest } from "../src/core/search/curve";
import { fuseLedBy } from "../src/core/search/model-guided";
import { recordedTasks } from "../src/core/search/recording";
import type { Config } from "../src/core/space/space";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    data: { type: "string" },
    model: { type: "string" },
    "compute-units": { type: "string", default: "132" },
    out: { type: "string" },
    tally: { type: "boolean" },
  },
});

/**
 * A ranked config: its key, its fraction of the task's best (0 when it failed or was not recorded), and
 * its rank in the cost model's whole list.
 */
type Ranked = [key: string, fraction: number, costRank: number];
interface TaskRankings {
  problem: string;
  family: string;
  beam: Ranked[];
  beam20: Ranked[];
  cost: Ranked[];
}
const WIDTH = 8;

async function writeRankings(data: string, modelDir: string, out: string) {
  const records: TuningRecord[] = [];
  for (const file of data.split(",")) for await (const r of streamRecordFile(file)) records.push(r);
  const held = new Set<string>();
  for await (const r of streamRecordFile(join(modelDir, HOLDOUT_JSONL))) held.add(r.problem.text);
  const { replayed, pool } = heldOutSplit(recordedTasks(records).map(curveTask), held);
  await startNodeBackend();
  const model = await loadModelDir(modelDir);
  const costRank = costRanking(
    await trainCostRankers(pool, {
      seeds: DEFAULT_COST_SEEDS,
      computeUnits: Number(values["compute-units"]),
    }),
  );
  const lines: string[] = [];
  for (const task of replayed) {
    const best = recordedBest(task);
    if (best === null) throw new Error(`${task.problem} (${task.family}): no recorded config has a time`);
    const cost = await costRank(task, task.space);
    const costRanks = new Map(cost.map((c, i) => [configKey(c), i]));
    const ranked = (configs: readonly Config[]): Ranked[] =>
      configs.map((c) => {
        const key = configKey(c);
        const o = task.byKey.get(key);
        return [
          key,
          o?.status === "ok" && o.medianNs ? best / o.medianNs : 0,
          costRanks.get(key) ?? cost.length,
        ];
      });
    const query = { problem: parseProblem(task.problem), device: modelDeviceOf(task.device) };
    const beam = (width: number) => rankInFamily(model, query, task.family, width).catch(() => []);
    const rankings: TaskRankings = {
      problem: task.problem,
      family: task.family,
      beam: ranked(await beam(WIDTH)),
      beam20: ranked(await beam(20)),
      cost: ranked(cost.slice(0, 30)),
    };
    lines.push(JSON.stringify(rankings));
  }
  model.model.dispose();
  writeFileSync(out, `${lines.join("\n")}\n`);
  process.stdout.write(`${out}: ${lines.length} held-out tasks\n`);
}

// Orderings of a task's two rankings, as config keys.
const keys = (list: readonly Ranked[]) => list.map(([key]) => key);
const configOf = (key: string): Config =>
  Object.fromEntries(key.split(",").map((pair) => [pair.split("=")[0], Number(pair.split("=")[1])]));
const fused = (lists: readonly (readonly string[])[]) =>
  fuseLedBy(
    lists.map((list) => list.map(configOf)),
    2 * WIDTH,
  ).map(configKey);
const costLed = (t: TaskRankings, rest: readonly string[]) => {
  const lead = t.cost[0]?.[0];
  return lead ? [lead, ...rest.filter((k) => k !== lead)] : [...rest];
};
const rankSum = (weight: number) => (t: TaskRankings) => {
  const beamRank = new Map(keys(t.beam20).map((k, i) => [k, i]));
  const costRank = new Map([...t.cost, ...t.beam20].map(([k, , rank]) => [k, rank]));
  const score = (k: string) => (costRank.get(k) ?? 1e9) + weight * (beamRank.get(k) ?? t.beam20.length);
  return costLed(
    t,
    [...new Set([...keys(t.cost), ...keys(t.beam20)])].sort((a, b) => score(a) - score(b)),
  );
};
/** The rank sum's weights tried when each network's is chosen on the others. */
const WEIGHTS = [0.5, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32];
const ORDERINGS: [string, (t: TaskRankings) => string[]][] = [
  [
    "model+cost: cost model's first, then both in turn (the default)",
    (t) => fused([keys(t.cost.slice(0, WIDTH)), keys(t.beam)]),
  ],
  [
    "model+cost, the beam's first leading (--beam-first)",
    (t) => fused([keys(t.beam), keys(t.cost.slice(0, WIDTH))]),
  ],
  ["cost model alone", (t) => keys(t.cost)],
  ["beam alone", (t) => keys(t.beam)],
  [
    "cost model's first, then the beam's 8 in the cost model's order",
    (t) =>
      costLed(
        t,
        [...t.beam].sort((a, b) => a[2] - b[2]).map(([k]) => k),
      ),
  ],
  ...[1, 4, 8].map((w): [string, (t: TaskRankings) => string[]] => [
    `cost model's first, then by cost rank + ${w} x beam rank (beam's 20)`,
    rankSum(w),
  ]),
];

function tally(networks: readonly string[]) {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const byNet = networks.map((arg) => {
    const [name, files] = arg.split(":");
    if (!name || !files) throw new Error(`--tally: expected NET:FILE[,FILE], got '${arg}'`);
    const tasks = files.split(",").flatMap((f) =>
      (f.endsWith(".gz") ? gunzipSync(readFileSync(f)) : readFileSync(f))
        .toString("utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as TaskRankings),
    );
    return { name, tasks };
  });
  say(
    `ordering | ${byNet.map((n) => `${n.name}: top 5, 3, 1 of ${n.tasks.length}`).join(" | ")} | all, top 5`,
  );
  // Each task's fractions of the best by config key, made once for every ordering scored on it.
  const fractionsOf = new Map(
    byNet.flatMap(({ tasks }) =>
      tasks.map((t) => [t, new Map([...t.cost, ...t.beam20, ...t.beam].map(([k, f]) => [k, f]))]),
    ),
  );
  // The curve's two levels: the first n within 95% of the best, the first alone within 90%.
  const within = (t: TaskRankings, order: readonly string[], n: number) =>
    order.slice(0, n).some((k) => (fractionsOf.get(t)?.get(k) ?? 0) >= (n === 1 ? 0.9 : 0.95));
  const row = (label: string, hit: (t: TaskRankings, n: number) => boolean) => {
    const cells = byNet.map(({ tasks }) => [5, 3, 1].map((n) => tasks.filter((t) => hit(t, n)).length));
    const all = cells.reduce((sum, [five]) => sum + (five ?? 0), 0);
    say(`${label} | ${cells.map((counts) => counts.join(", ")).join(" | ")} | ${all}`);
  };
  for (const [label, order] of ORDERINGS) row(label, (t, n) => within(t, order(t), n));
  row("ceiling: either list's first n", (t, n) => within(t, keys(t.cost), n) || within(t, keys(t.beam), n));

  // The rank sum's weight as it could be chosen without the network scored: the weights best on the
  // other networks' top 5 counts (ties all shown), then their count on this one.
  const topFive = (tasks: readonly TaskRankings[], weight: number) =>
    tasks.filter((t) => within(t, rankSum(weight)(t), 5)).length;
  for (const { name, tasks } of byNet) {
    const onOthers = WEIGHTS.map((w) =>
      byNet.filter((n) => n.name !== name).reduce((sum, n) => sum + topFive(n.tasks, w), 0),
    );
    const chosen = WEIGHTS.filter((_, i) => onOthers[i] === Math.max(...onOthers));
    say(
      `${name}: rank-sum weights best on the other networks ${chosen.join(", ")}; top 5 here ${chosen.map((w) => topFive(tasks, w)).join(", ")} of ${tasks.length}`,
    );
  }
}

if (values.tally) tally(positionals);
else if (values.data && values.model && values.out)
  await writeRankings(values.data, values.model, values.out);
else
  throw new Error(
    "usage: fusion-orders.ts --data TRAIN,HELD --model DIR --out FILE.jsonl | --tally NET:FILE[,FILE] ...",
  );
