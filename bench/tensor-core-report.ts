/**
 * The tensor-core table of PERFORMANCE.md, from `bench/retime.ts --best --tfjs` output: per layer the
 * best tensor-core kernel's time in the sweep and in a fresh process, its TFLOP/s and share of the
 * matrix roof, tfjs's f32 conv2d in that same fresh process, the speedup and the measured error; then
 * the geometric mean and the five largest layers. Given a sweep's records (.jsonl or .jsonl.gz), the
 * sweep's own account: candidates per second, the clock evidence of its records, and how often each
 * layer's fastest config staged its operands or double-buffered.
 *
 * `--tfjs FILE` (records with baselines, e.g. docs/h100/h200-resnet50-best-vs-tfjs-nhwc.jsonl) also
 * divides by tfjs's f32 time from those fresh processes, where tfjs ran with the GPU to itself: the
 * retime runs before the fix of 'retime --tfjs times tfjs with the GPU alone' timed tfjs beside the
 * engine's heater, up to 2.9x too long.
 *
 *   node bench/run.mjs bench/tensor-core-report.ts [--tfjs FILE] docs/h200/tensor-cores/best-b32.json \
 *     docs/h200/tensor-cores/mma-b32.jsonl.gz [...]
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { recordLimits } from "../src/core/dataset/device";
import { readJsonl } from "../src/core/dataset/io";
import type { TuningRecord } from "../src/core/dataset/record";
import { mmaFamily } from "../src/core/families/mma";
import { parseProblem, problemFlops } from "../src/core/problem";
import { spaceSize } from "../src/core/space/space";

interface Row {
  problem: string;
  config: Record<string, number>;
  sweepNs: number;
  freshNs: number | null;
  peakFraction: number | null;
  relativeError: number | null;
  maxElementError: number | null;
  tfjsNs: number | null;
  speedup: number | null;
}

const geomean = (xs: number[]) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
const us = (ns: number | null | undefined) => (ns == null ? "-" : (ns / 1e3).toFixed(1));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN;

function sweepReport(file: string): void {
  const bytes = readFileSync(file);
  const records: TuningRecord[] = readJsonl(
    (file.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8"),
  );
  const times = records.map((r) => Date.parse(r.createdAt)).sort((a, b) => a - b);
  const seconds = ((times.at(-1) ?? 0) - (times[0] ?? 0)) / 1e3;
  const heater = records.flatMap((r) => (r.clock?.heaterRatio ? [r.clock.heaterRatio] : []));
  const sentinel = records.flatMap((r) =>
    r.clock?.sentinelRatio ? [Math.abs(r.clock.sentinelRatio - 1)] : [],
  );
  const fastest = new Map<string, TuningRecord>();
  for (const r of records) {
    const held = fastest.get(r.problem.text);
    if (r.medianNs !== null && (!held || r.medianNs < (held.medianNs as number)))
      fastest.set(r.problem.text, r);
  }
  // The spaces the search drew from, judged under the recording's own device.
  const sizes = [...fastest.values()].map((r) =>
    spaceSize(mmaFamily.space(r.problem.fields, recordLimits(r.device))),
  );
  const share = (name: string) => [...fastest.values()].filter((r) => r.config[name] === 1).length;
  const device = records[0]?.device;
  console.log(
    `\n${file}: measured on ${device?.description}, peaks ${((device?.peakGflops ?? 0) / 1e3).toFixed(1)} TFLOP/s FMA, ${((device?.peakMatrixGflops ?? 0) / 1e3).toFixed(1)} TFLOP/s matrix, ${((device?.peakGBps ?? 0) / 1e3).toFixed(2)} TB/s copy`,
  );
  console.log(
    `${records.length} records over ${seconds.toFixed(0)} s (${(records.length / seconds).toFixed(2)} candidates/s); heater ratio min ${Math.min(...heater).toFixed(3)}, median ${median(heater).toFixed(3)} (${heater.length} records); sentinel readings in ${sentinel.length} records, largest deviation ${(Math.max(...sentinel) * 100).toFixed(1)}%; spaces of ${Math.min(...sizes)}-${Math.max(...sizes)} valid configs; of the ${fastest.size} layers' fastest configs GA=1 ${share("GA")}, GB=1 ${share("GB")}, DB=1 ${share("DB")}`,
  );
}

const args = process.argv.slice(2);
const tfjsAt = args.indexOf("--tfjs");
const [tfjsFile] = tfjsAt >= 0 ? args.splice(tfjsAt, 2).slice(1) : [];
/** tfjs's f32 time per problem (without its precision) from fresh processes, where given. */
const tfjsAlone = new Map(
  tfjsFile
    ? readJsonl(readFileSync(tfjsFile, "utf8")).flatMap((r) =>
        r.baseline ? [[r.problem.text, r.baseline.medianNs] as const] : [],
      )
    : [],
);
for (const file of args) {
  if (!file.endsWith(".json")) {
    sweepReport(file);
    continue;
  }
  const { rows, medianAbsDeviation, maxAbsDeviation } = JSON.parse(readFileSync(file, "utf8")) as {
    rows: Row[];
    medianAbsDeviation: number;
    maxAbsDeviation: number;
  };
  const flops = (r: Row) => problemFlops(parseProblem(r.problem));
  const tflops = (r: Row) => (r.freshNs ? flops(r) / r.freshNs / 1e3 : 0);
  console.log(
    `\n${file}: ${rows.length} layers; fresh vs sweep: median |diff| ${(medianAbsDeviation * 100).toFixed(2)}%, max ${(maxAbsDeviation * 100).toFixed(2)}%`,
  );
  console.log(
    "| layer | sweep us | fresh us | TFLOP/s | of roof | tfjs f32 us | speedup | rel. error | worst element |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of [...rows].sort((a, b) => flops(b) - flops(a))) {
    console.log(
      `| ${r.problem.replace(",layout=NHWC,precision=f16", "")} | ${us(r.sweepNs)} | ${us(r.freshNs)} | ${tflops(r).toFixed(1)} | ${((r.peakFraction ?? 0) * 100).toFixed(0)}% | ${us(r.tfjsNs)} | ${r.speedup ? `${r.speedup.toFixed(2)}x` : "-"} | ${r.relativeError?.toExponential(1) ?? "-"} | ${r.maxElementError?.toExponential(1) ?? "-"} |`,
    );
  }
  const speedups = rows.flatMap((r) => (r.speedup ? [r.speedup] : []));
  const largest = [...rows].sort((a, b) => flops(b) - flops(a)).slice(0, 5);
  // A re-time without --tfjs has no speedups: only the layers' TFLOP/s.
  const overTfjs = speedups.length
    ? `geometric mean speedup over tfjs ${geomean(speedups).toFixed(2)}x (${speedups.length} layers, slowest ${Math.min(...speedups).toFixed(2)}x); `
    : "";
  console.log(
    `${overTfjs}five largest layers ${largest.map((r) => tflops(r).toFixed(0)).join(", ")} TFLOP/s`,
  );
  const alone = rows.flatMap((r) => {
    const tfjs = tfjsAlone.get(r.problem.replace(",precision=f16", ""));
    return tfjs && r.freshNs ? [tfjs / r.freshNs] : [];
  });
  if (alone.length)
    console.log(
      `against tfjs alone in fresh processes (${tfjsFile}): geometric mean ${geomean(alone).toFixed(2)}x (${alone.length} layers, slowest ${Math.min(...alone).toFixed(2)}x)`,
    );
}
