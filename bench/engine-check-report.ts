/**
 * The figures of PERFORMANCE.md's "Timings that hold" table, from the files bench/h200/engine-check.sh
 * writes: the SM clock during each phase, and the median GFLOP/s of the first 15 candidates against the
 * rest, for the guarded and the unguarded sweep.
 *
 *   node bench/run.mjs bench/engine-check-report.ts [docs/h200]
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { readJsonl } from "../src/core/dataset/io";

const dir = process.argv[2] ?? "docs/h200";
const text = (name: string) => {
  const bytes = readFileSync(join(dir, name));
  return (name.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
};

// Phases: "HH:MM:SS.mmm name" lines, each running until the next.
const phases = text("engine-check-log.txt")
  .split("\n")
  .flatMap((line) => {
    const m = /^(\d\d:\d\d:\d\d\.\d+) (\S+)$/.exec(line);
    return m ? [{ at: m[1] as string, name: m[2] as string }] : [];
  });
const clocks = text("engine-clocks.csv.gz")
  .trim()
  .split("\n")
  .slice(1)
  .map((line) => {
    const [stamp = "", mhz = ""] = line.split(", ");
    return { at: stamp.split(" ")[1] ?? "", mhz: Number.parseInt(mhz, 10) };
  });
for (const [i, phase] of phases.entries()) {
  const end = phases[i + 1]?.at;
  if (!end) break;
  const seen = clocks.filter((c) => c.at >= phase.at && c.at < end);
  const counts = new Map<number, number>();
  for (const c of seen) counts.set(c.mhz, (counts.get(c.mhz) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1]).map(([mhz, n]) => `${mhz} MHz x${n}`);
  process.stdout.write(`${phase.name}: ${seen.length} readings: ${top.slice(0, 6).join(", ")}\n`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN;
for (const name of ["guarded", "unguarded"]) {
  const gflops = readJsonl(text(`engine-${name}-sweep.jsonl.gz`)).flatMap((r) =>
    r.gflops === null ? [] : [r.gflops],
  );
  process.stdout.write(
    `${name}: ${gflops.length} timed; median GFLOP/s of the first 15 ${median(gflops.slice(0, 15)).toFixed(0)}, of the rest ${median(gflops.slice(15)).toFixed(0)}\n`,
  );
}
