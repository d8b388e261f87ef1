/**
 * The tensor-core table of PERFORMANCE.md, from `bench/retime.ts --best --tfjs` output: per layer the
 * best tensor-core kernel's time in the sweep and in a fresh process, its TFLOP/s and share of the
 * matrix roof, tfjs's f32 conv2d in that same fresh process, the speedup and the measured error; then
 * the geometric mean and the five largest layers.
 *
 *   node bench/run.mjs bench/tensor-core-report.ts docs/h200/tensor-cores/best-b32.json [...]
 */
import { readFileSync } from "node:fs";
import { parseProblem, problemFlops } from "../src/core/problem";

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
const us = (ns: number | null) => (ns === null ? "-" : (ns / 1e3).toFixed(1));

for (const file of process.argv.slice(2)) {
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
      `| ${r.problem.replace(",layout=NHWC,precision=f16", "")} | ${us(r.sweepNs)} | ${us(r.freshNs)} | ${tflops(r).toFixed(1)} | ${((r.peakFraction ?? 0) * 100).toFixed(0)}% | ${us(r.tfjsNs)} | ${r.speedup?.toFixed(2) ?? "-"}x | ${r.relativeError?.toExponential(1) ?? "-"} | ${r.maxElementError?.toExponential(1) ?? "-"} |`,
    );
  }
  const speedups = rows.flatMap((r) => (r.speedup ? [r.speedup] : []));
  const largest = [...rows].sort((a, b) => flops(b) - flops(a)).slice(0, 5);
  console.log(
    `geometric mean speedup over tfjs ${geomean(speedups).toFixed(2)}x (${speedups.length} layers, slowest ${Math.min(...speedups).toFixed(2)}x); five largest layers ${largest.map((r) => tflops(r).toFixed(0)).join(", ")} TFLOP/s`,
  );
}
