/**
 * The engine's own costs and the headline number, in one run on one device:
 *  - harness overhead per candidate: wall time per candidate minus the kernel time it timed,
 *  - sweep throughput: candidates per second,
 *  - geometric-mean speedup of the best tuned kernel over tfjs's conv2d on a suite.
 *
 *   node bench/run.mjs bench/engine.ts [--suite resnet18] [--batch 1] [--shrink 4] [--budget 6] [--seed 0]
 *
 * --shrink divides every layer's height and width (SwiftShader runs at about 0.01 TFLOP/s, so full
 * 224x224 layers take minutes each there); use --shrink 1 on a real GPU.
 */
import { parseArgs } from "node:util";
import { nodeSession } from "../src/cli/node-gpu";
import type { TuningRecord } from "../src/core/dataset/record";
import { formatProblem, makeProblem } from "../src/core/problem";
import { suiteLayers } from "../src/core/suites";
import { runSweep } from "../src/gpu/sweep";

const { values } = parseArgs({
  options: {
    suite: { type: "string", default: "resnet18" },
    batch: { type: "string", default: "1" },
    shrink: { type: "string", default: "4" },
    budget: { type: "string", default: "6" },
    seed: { type: "string", default: "0" },
  },
});
const shrink = Number(values.shrink);
const problems = suiteLayers(values.suite, Number(values.batch)).map(({ problem: p }) =>
  formatProblem(
    makeProblem({
      ...p,
      h: Math.max(p.r, Math.ceil(p.h / shrink)),
      w: Math.max(p.s, Math.ceil(p.w / shrink)),
    }),
  ),
);

const session = await nodeSession();
const { adapter } = await session.device();
const peaks = await session.devicePeaks();
process.stderr.write(
  `${adapter.vendor} ${adapter.architecture} ${adapter.description}: ${peaks.peakGflops.toFixed(2)} GFLOP/s, ${peaks.peakGBps.toFixed(2)} GB/s\n`,
);

const walls: { wallMs: number; record: TuningRecord }[] = [];
let last = performance.now();
const started = last;
const outcome = await runSweep(
  session,
  {
    problems,
    families: "all",
    strategy: "random",
    budget: { candidates: Number(values.budget) },
    seed: Number(values.seed),
  },
  { add: async () => {} },
  {
    peaks,
    // Progress comes as each candidate ends: the time since the previous one is its wall time.
    onProgress: (p) => {
      const now = performance.now();
      walls.push({ wallMs: now - last, record: p.record });
      last = now;
      process.stderr.write(`[${p.done}/${p.total}] ${p.problem} ${p.family} ${p.record.status}\n`);
    },
  },
);
const totalS = (performance.now() - started) / 1000;

// Kernel time a candidate spent being timed: its kept samples and the warm-up, each of
// dispatchesPerSample runs (the adaptive probe runs are counted as overhead).
const kernelMs = (r: TuningRecord) =>
  r.medianNs === null || !r.timing
    ? 0
    : (r.medianNs * r.timing.dispatchesPerSample * (r.samplesNs.length + 1)) / 1e6;
const timed = walls.filter((w) => w.record.status === "ok");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN;
const overheads = timed.map((w) => w.wallMs - kernelMs(w.record));
const result = {
  device: `${adapter.vendor} ${adapter.architecture} ${adapter.description}`,
  peaks,
  suite: values.suite,
  shrink,
  problems: outcome.problems,
  candidates: outcome.candidates,
  timed: outcome.timed,
  failed: outcome.failed,
  sweepSeconds: totalS,
  candidatesPerSecond: outcome.candidates / totalS,
  engine: { throughput: outcome.throughput, drift: { ...outcome.drift, log: undefined } },
  medianWallMsPerCandidate: median(timed.map((w) => w.wallMs)),
  medianOverheadMsPerCandidate: median(overheads),
  meanOverheadMsPerCandidate: overheads.reduce((a, b) => a + b, 0) / Math.max(overheads.length, 1),
  medianPhasesMsPerCandidate: {
    compile: median(timed.map((w) => w.record.phasesMs?.compile ?? 0)),
    verify: median(timed.map((w) => w.record.phasesMs?.verify ?? 0)),
    time: median(timed.map((w) => w.record.phasesMs?.time ?? 0)),
    kernel: median(timed.map((w) => kernelMs(w.record))),
  },
  geomeanSpeedupOverTfjs: outcome.geomeanSpeedup,
  perProblem: outcome.best.map((b) => ({
    problem: b.problem,
    family: b.family,
    tunedUs: b.medianNs / 1e3,
    tfjsUs: b.baselineNs === null ? null : b.baselineNs / 1e3,
    speedup: b.speedup,
    peakFraction: b.peakFraction,
  })),
};
process.stdout.write(`${JSON.stringify(result, null, 1)}\n`);
session.destroy();
