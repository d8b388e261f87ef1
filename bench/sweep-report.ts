/**
 * What a device call's sweeps say about their own timings: each `sweep --json` summary's pace and drift
 * checks (one a line, as bench/h200/ground-truth.sh appends them), and the SM clock nvidia-smi logged
 * beside them (PERFORMANCE.md, "A second GPU"). Either file alone reports its half (a re-timing call
 * logs the clock but no sweeps).
 *
 *   node bench/run.mjs bench/sweep-report.ts docs/h100/exhaustive-igemm-resnet18-sweeps.jsonl.gz \
 *     docs/h100/exhaustive-igemm-resnet18-clocks.csv.gz
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

const files = process.argv.slice(2);
const sweepsFile = files.find((f) => /\.jsonl(\.gz)?$/.test(f));
const clocksFile = files.find((f) => /\.csv(\.gz)?$/.test(f));
if (!sweepsFile && !clocksFile)
  throw new Error("usage: sweep-report.ts [SWEEPS.jsonl[.gz]] [CLOCKS.csv[.gz]]");
const text = (file: string) => {
  const bytes = readFileSync(file);
  return (file.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
};

interface SweepSummary {
  /** The problem's records after the sweep, those a resumed sweep found already there included. */
  candidates: number;
  /** What this sweep measured itself, and how fast. */
  throughput: { candidates: number; perSecond: number | null };
  drift: {
    checks: number;
    drifted: number;
    unresolved: number;
    maxDeviation: number | null;
    log: { problem: string; drifted: boolean }[];
  } | null;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? Number.NaN) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};
const say = (line: string) => process.stdout.write(`${line}\n`);

function reportSweeps(file: string) {
  const sweeps: SweepSummary[] = text(file)
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  // A resumed sweep with little left measures start-up more than pace.
  const paced = sweeps.filter((s) => s.throughput.candidates > 100 && s.throughput.perSecond !== null);
  const pace = paced.map((s) => s.throughput.perSecond as number);
  say(
    `${sweeps.length} sweeps, ${sweeps.reduce((n, s) => n + s.throughput.candidates, 0)} candidates measured; candidates/s over the ${paced.length} that measured more than 100: median ${median(pace).toFixed(1)} (${Math.min(...pace).toFixed(1)}-${Math.max(...pace).toFixed(1)})`,
  );
  const drifts = sweeps.flatMap((s) => (s.drift ? [s.drift] : []));
  const sum = (pick: (d: NonNullable<SweepSummary["drift"]>) => number) =>
    drifts.reduce((n, d) => n + pick(d), 0);
  say(
    `drift checks ${sum((d) => d.checks)}, drifted ${sum((d) => d.drifted)}, unresolved ${sum((d) => d.unresolved)}, largest standing deviation ${(100 * Math.max(...drifts.map((d) => d.maxDeviation ?? 0))).toFixed(1)}%`,
  );
  const byProblem = new Map<string, number>();
  for (const entry of drifts.flatMap((d) => d.log))
    if (entry.drifted) byProblem.set(entry.problem, (byProblem.get(entry.problem) ?? 0) + 1);
  for (const [problem, count] of [...byProblem].sort((a, b) => b[1] - a[1]))
    say(`  drifted on ${problem}: ${count}`);
}

if (sweepsFile) reportSweeps(sweepsFile);
if (clocksFile) {
  // nvidia-smi's CSV: a header line (repeated where logs were joined), then timestamp, clocks.sm, ...
  const readings = text(clocksFile)
    .trim()
    .split("\n")
    .filter((line) => !line.startsWith("timestamp"))
    .map((line) => line.split(",")[1]?.trim() ?? "");
  const counts = new Map<string, number>();
  for (const r of readings) counts.set(r, (counts.get(r) ?? 0) + 1);
  const [top, n] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ["-", 0];
  say(`SM clock: ${top} in ${n} of ${readings.length} readings`);
}
