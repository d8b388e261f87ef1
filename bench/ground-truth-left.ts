/**
 * How much exhaustive ground truth is left: for a suite in NHWC at batch 1 and 32, every family's valid
 * configs on a recorded device, against what the exhaustive files already hold, and the hours it takes
 * at a given pace. Its last line is the next ground-truth runs' JOBS (bench/h200/ground-truth.sh): every
 * family:layer pair not yet complete, the smallest first, each layer as the script takes it (NHWC added).
 *
 *   node bench/run.mjs bench/ground-truth-left.ts [--suite resnet50] [--limits docs/h200/workers/devices.json]
 *     [--families igemm,splitk,im2col,direct] [--batches 1,32] [--pace 37] [--dense] [EXHAUSTIVE.jsonl.gz ...]
 * --dense leaves grouped (depthwise) layers out: mobilenetv2's ground truth is its dense layers.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { limitsOf } from "../src/core/families/family";
import { familyById } from "../src/core/families/index";
import { formatProblem } from "../src/core/problem";
import { spaceSize } from "../src/core/space/space";
import { suiteLayers } from "../src/core/suites";
import { readRecordsFile } from "./records-file";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    suite: { type: "string", default: "resnet50" },
    limits: { type: "string", default: "docs/h200/workers/devices.json" },
    families: { type: "string", default: "igemm,splitk,im2col,direct" },
    batches: { type: "string", default: "1,32" },
    pace: { type: "string", default: "37" },
    dense: { type: "boolean" },
  },
});
const limits = limitsOf(JSON.parse(readFileSync(values.limits, "utf8")).adapter, values.limits);
const done = new Map<string, number>();
for (const file of positionals)
  for (const r of readRecordsFile(file))
    done.set(`${r.problem.text} ${r.family}`, (done.get(`${r.problem.text} ${r.family}`) ?? 0) + 1);

let left = 0;
const jobs: { job: string; todo: number }[] = [];
const byFamily = new Map<string, { valid: number; left: number }>();
for (const batch of values.batches.split(",").map(Number))
  for (const { problem: fields } of suiteLayers(values.suite, batch)) {
    if (values.dense && fields.groups > 1) continue;
    const problem = { ...fields, layout: "NHWC" as const };
    for (const id of values.families.split(",")) {
      const family = familyById(id);
      if (family.unsupported(problem) !== null) continue;
      const valid = spaceSize(family.space(problem, limits));
      const todo = Math.max(0, valid - (done.get(`${formatProblem(problem)} ${id}`) ?? 0));
      const sum = byFamily.get(id) ?? { valid: 0, left: 0 };
      byFamily.set(id, { valid: sum.valid + valid, left: sum.left + todo });
      if (todo) jobs.push({ job: `${id}:${formatProblem(fields)}`, todo });
      left += todo;
    }
  }
for (const [id, { valid, left: todo }] of byFamily)
  process.stdout.write(`${id}: ${valid} valid configs over the suite's layers, ${todo} not yet swept\n`);
const hours = left / Number(values.pace) / 3600;
process.stdout.write(`left: ${left} candidates, ${hours.toFixed(1)} h at ${values.pace}/s\n`);
jobs.sort((a, b) => a.todo - b.todo);
process.stdout.write(`JOBS="${jobs.map((j) => j.job).join(" ")}"\n`);
