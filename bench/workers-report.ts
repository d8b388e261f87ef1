/**
 * The figures of PERFORMANCE.md's "Measuring workers" section, from the files in docs/h200/workers:
 * pace by worker count, the long pooled sweep and its serial fresh-process re-timing, the SM clock
 * beside each run, every ground-truth sweep's pace and drift checks, and the configs measured both by
 * the serial engine (an earlier session) and by the pooled one.
 *
 *   node bench/run.mjs bench/workers-report.ts [docs/h200/workers]
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { readJsonl } from "../src/core/dataset/io";
import { configKey } from "../src/core/dataset/record";

const dir = process.argv[2] ?? "docs/h200/workers";
const text = (name: string) => {
  const bytes = readFileSync(join(dir, name));
  return (name.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
};
const say = (line: string) => process.stdout.write(`${line}\n`);
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))] ?? Number.NaN;

say("## pace by worker count (200 candidates a run, 4x96x33x33,160x3x3 NHWC)");
for (const name of readdirSync(dir)
  .filter((f) => /^check-run\d+\.txt$/.test(f))
  .sort()) {
  const lines = [
    ...new Set(
      text(name)
        .split("\n")
        .filter((l) => /^workers \d+:/.test(l)),
    ),
  ];
  say(`${name}: ${lines.join("; ")}`);
}

const long = JSON.parse(text("long-sweep-4-workers.json"));
const d = long.drift;
say("## the long sweep");
say(
  `${long.candidates} candidates, failed ${JSON.stringify(long.failed)}, ${long.throughput.perSecond.toFixed(1)}/s by ${long.throughput.workers} workers; ${d.checks} drift checks, ${d.drifted} drifted, largest standing deviation ${pct(d.maxDeviation)}`,
);
const retime = JSON.parse(text("long-sweep-retime-serial.json"));
say(
  `re-timed in a fresh process, serial engine: ${retime.compared} candidates, median |fresh/sweep - 1| ${pct(retime.medianAbsDeviation)}, 90th percentile ${pct(retime.p90AbsDeviation)}, largest ${pct(retime.maxAbsDeviation)}`,
);

say("## the SM clock beside each run (nvidia-smi every 100-200 ms)");
for (const name of readdirSync(dir)
  .filter((f) => f.endsWith("clocks.csv.gz"))
  .sort()) {
  const mhz = text(name)
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => Number.parseInt(line.split(", ")[1] ?? "", 10));
  const top = Math.max(...mhz);
  const below = mhz.filter((m) => m < 0.95 * top);
  say(
    `${name}: ${mhz.length} readings, ${mhz.filter((m) => m === top).length} at ${top} MHz, ${below.length} below 95% of it (lowest ${Math.min(...mhz)})`,
  );
}

say("## ground-truth sweeps");
for (const name of readdirSync(dir)
  .filter((f) => /^ground-truth-run\d+\.jsonl$/.test(f))
  .sort()) {
  const summaries = text(name)
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  for (const s of summaries as {
    best: { problem: string; family: string }[];
    candidates: number;
    stopped: string;
    throughput: { perSecond: number; workers: number };
    drift: { checks: number; drifted: number; retimed: number; unresolved: number; maxDeviation: number };
  }[]) {
    const b = s.best[0];
    say(
      `${name}: ${b?.problem} ${b?.family}: ${s.candidates} candidates (${s.stopped}), ${s.throughput.perSecond.toFixed(1)}/s by ${s.throughput.workers} workers; ${s.drift.checks} checks, ${s.drift.drifted} drifted (${s.drift.retimed} re-timed, ${s.drift.unresolved} not restored), largest standing deviation ${pct(s.drift.maxDeviation)}`,
    );
  }
  const sum = (of: (s: (typeof summaries)[number]) => number) => summaries.reduce((a, s) => a + of(s), 0);
  say(
    `${name}, all its sweeps: ${sum((s) => s.drift.checks)} checks, ${sum((s) => s.drift.drifted)} drifted, ${sum((s) => s.drift.unresolved)} not restored`,
  );
}

say("## configs measured by the serial engine and again by the pooled one");
const serial = readJsonl(text("serial-engine-igemm-1x512x7x7.jsonl.gz"));
const pooled = new Map(
  readJsonl(
    gunzipSync(readFileSync("docs/h200/exhaustive-igemm-resnet50-nhwc.jsonl.gz")).toString("utf8"),
  ).map((r) => [`${r.problem.text} ${configKey(r.config)}`, r] as const),
);
const ratios = serial.flatMap((r) => {
  const again = pooled.get(`${r.problem.text} ${configKey(r.config)}`);
  return r.medianNs && again?.medianNs ? [again.medianNs / r.medianNs] : [];
});
const off = ratios.map((x) => Math.abs(x - 1));
say(
  `${ratios.length} configs: pooled/serial median ${quantile(ratios, 0.5).toFixed(4)} (10th-90th percentile ${quantile(ratios, 0.1).toFixed(4)}-${quantile(ratios, 0.9).toFixed(4)}); median |ratio - 1| ${pct(quantile(off, 0.5))}, largest ${pct(Math.max(...off))}`,
);
