/**
 * Do a sweep's times hold? Re-times a spread of a records file's verified candidates in this (fresh)
 * process, with the engine's clock guards, and compares each with its time in the sweep:
 *
 *   node bench/run.mjs bench/retime.ts --data runs.jsonl [--sample 30 | --best] [--compile-ahead 0]
 *     [--tfjs] [--unsafe-features] [--unchecked-bounds] [--out FILE.json]
 *
 * The candidates are taken evenly over the file's order, so a sweep that slowed down as it went shows
 * as a drift late in the file. --compile-ahead 0 re-times with a serial engine (no compiling ahead):
 * against a pipelined sweep, that is the pipelined-vs-serial check. Prints the median and largest
 * |fresh / sweep - 1|, and writes every pair to --out. --best re-times each problem's fastest record
 * instead, and --tfjs times tfjs's (f32) conv2d on its problem in the same fresh process beside it.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { readRecordFile } from "../src/cli/commands/store";
import {
  enableDawnToggles,
  nodeGpu,
  nodeSession,
  UNCHECKED_BOUNDS_TOGGLES,
  UNSAFE_TOGGLES,
} from "../src/cli/node-gpu";
import { familyById } from "../src/core/families/index";
import { parseProblem } from "../src/core/problem";
import { MeasurementEngine } from "../src/gpu/runner";
import { measureTfjsBaseline } from "../src/gpu/tfjs-baseline";

const { values } = parseArgs({
  options: {
    data: { type: "string" },
    sample: { type: "string", default: "30" },
    "compile-ahead": { type: "string" },
    out: { type: "string" },
    best: { type: "boolean" },
    tfjs: { type: "boolean" },
    "unsafe-features": { type: "boolean" },
    "unchecked-bounds": { type: "boolean" },
  },
});
if (values["unsafe-features"]) enableDawnToggles(UNSAFE_TOGGLES);
if (values["unchecked-bounds"]) enableDawnToggles(UNCHECKED_BOUNDS_TOGGLES);
if (!values.data) throw new Error("--data FILE.jsonl is required");
const ok = (await readRecordFile(values.data)).filter((r) => r.status === "ok" && r.medianNs !== null);
const count = Math.min(Number(values.sample), ok.length);
const spread = () =>
  Array.from({ length: count }, (_, i) => ok[Math.floor((i * ok.length) / count)]).flatMap((r, i) =>
    r ? [{ record: r, index: Math.floor((i * ok.length) / count) }] : [],
  );
/** Each problem's fastest record, in the file's order of problems. */
const fastest = () => {
  const best = new Map<string, { record: (typeof ok)[number]; index: number }>();
  ok.forEach((record, index) => {
    const held = best.get(record.problem.text);
    if (!held || (record.medianNs as number) < (held.record.medianNs as number))
      best.set(record.problem.text, { record, index });
  });
  return [...best.values()];
};
const chosen = values.best ? fastest() : spread();

const session = await nodeSession();
const { adapter } = await session.device();
const device = await session.deviceInfo(await session.devicePeaks());
const engine = new MeasurementEngine(
  session,
  device,
  { add: async () => {} },
  {
    ...(values["compile-ahead"] === undefined ? {} : { compileAhead: Number(values["compile-ahead"]) }),
  },
);
const pairs = [];
const gpu = await nodeGpu();
for (const { record, index } of chosen) {
  const problem = parseProblem(record.problem.text);
  const fresh = await engine.runner(familyById(record.family), problem).run(record.config);
  // tfjs's device shares the GPU and its clock: timed with the clock up and the heater paused.
  const tfjs = values.tfjs && gpu ? await engine.withGpuAlone(() => measureTfjsBaseline(gpu, problem)) : null;
  pairs.push({ record, index, fresh, tfjsNs: tfjs?.ok ? tfjs.baseline.medianNs : null });
}
await engine.flush(); // re-timings after a drift land in `fresh` too
const rows = pairs.map(({ record, index, fresh, tfjsNs }) => ({
  index,
  problem: record.problem.text,
  family: record.family,
  config: record.config,
  sweepNs: record.medianNs,
  freshNs: fresh.medianNs,
  ratio: fresh.medianNs === null || record.medianNs === null ? null : fresh.medianNs / record.medianNs,
  freshStatus: fresh.status,
  relativeError: fresh.verification?.relativeError ?? null,
  maxElementError: fresh.verification?.maxElementError ?? null,
  gflops: fresh.gflops,
  peakFraction: fresh.peakFraction,
  ...(values.tfjs ? { tfjsNs, speedup: tfjsNs && fresh.medianNs ? tfjsNs / fresh.medianNs : null } : {}),
}));
const deviations = rows
  .flatMap((r) => (r.ratio === null ? [] : [Math.abs(r.ratio - 1)]))
  .sort((a, b) => a - b);
const at = (q: number) =>
  deviations[Math.min(deviations.length - 1, Math.floor(q * deviations.length))] ?? null;
const result = {
  device: `${adapter.vendor} ${adapter.architecture} ${adapter.description}`,
  uncheckedBounds: device.uncheckedBounds === true,
  data: values.data,
  compared: deviations.length,
  medianAbsDeviation: at(0.5),
  p90AbsDeviation: at(0.9),
  maxAbsDeviation: deviations.at(-1) ?? null,
  engine: engine.report(),
  rows,
};
if (values.out) writeFileSync(values.out, `${JSON.stringify(result, null, 1)}\n`);
const { rows: _, ...summary } = result;
process.stdout.write(
  `${JSON.stringify({ ...summary, engine: { ...summary.engine, drift: { ...summary.engine.drift, log: undefined } } }, null, 1)}\n`,
);
session.destroy();
