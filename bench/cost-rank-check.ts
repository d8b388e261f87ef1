/**
 * The cost model alone on a held-out network: trained (--cost-seeds models, averaged) on every recorded
 * time of --data, it ranks each problem's recorded configs of --holdout-data that the family's space accepts
 * today (as `curve` replays them); prints how often its first is within 90% of the best and its top 5
 * within 95%, and each problem's rank of the first config within 95%.
 *
 *   node bench/run.mjs bench/cost-rank-check.ts --data TRAIN.jsonl --holdout-data NET.jsonl [--family igemm] [--cost-seeds 3] [--compute-units 132]
 */
import { parseArgs } from "node:util";
import { startNodeBackend } from "../src/cli/commands/model-node";
import { streamRecordFile } from "../src/cli/commands/store";
import { recordLimits } from "../src/core/dataset/device";
import { configKey } from "../src/core/dataset/record";
import { familyById } from "../src/core/families/index";
import { costRanker, costTaskOf, DEFAULT_COST_OPTIONS, trainCostModel } from "../src/core/learn/cost-model";
import { parseProblem } from "../src/core/problem";
import { recordedTasks } from "../src/core/search/recording";
import { checkConfig } from "../src/core/space/space";

const { values } = parseArgs({
  options: {
    data: { type: "string" },
    "holdout-data": { type: "string" },
    family: { type: "string", default: "igemm" },
    "cost-seeds": { type: "string", default: "3" },
    "compute-units": { type: "string", default: "132" },
  },
});
await startNodeBackend();
const family = values.family as string;
async function load(file: string) {
  const records = [];
  for await (const r of streamRecordFile(file)) if (r.family === family) records.push(r);
  return recordedTasks(records);
}
const train = (await load(values.data as string)).map(costTaskOf);
const held = await load(values["holdout-data"] as string);
const ensemble = [];
for (let seed = 1; seed <= Number(values["cost-seeds"]); seed++)
  ensemble.push(
    await trainCostModel(family, train, {
      ...DEFAULT_COST_OPTIONS,
      seed,
      computeUnits: Number(values["compute-units"]),
    }),
  );
const rank = costRanker(ensemble);
let top1 = 0;
let top5 = 0;
for (const task of held) {
  const problem = parseProblem(task.problem);
  const limits = recordLimits(task.device);
  const space = familyById(family).space(problem, limits);
  const ok = task.recorded.filter(
    (o) => o.status === "ok" && o.medianNs !== null && checkConfig(space, o.config).length === 0,
  );
  const best = Math.min(...ok.map((o) => o.medianNs as number));
  const byKey = new Map(ok.map((o) => [configKey(o.config), o.medianNs as number]));
  const ranked = rank(
    problem,
    limits,
    ok.map((o) => o.config),
  );
  const ratios = ranked.map((c) => best / (byKey.get(configKey(c)) as number));
  if ((ratios[0] ?? 0) >= 0.9) top1++;
  if (ratios.slice(0, 5).some((r) => r >= 0.95)) top5++;
  console.log(
    `${task.problem}  first ${ratios[0]?.toFixed(3)}  to 95%: ${ratios.findIndex((r) => r >= 0.95) + 1} of ${ok.length}`,
  );
}
console.log(`${held.length} problems: top 1 within 90% on ${top1}, top 5 within 95% on ${top5}`);
