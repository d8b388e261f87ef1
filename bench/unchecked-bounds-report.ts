/**
 * What WebGPU's bounds checks cost, from `bench/retime.ts --best` runs of the same configs with the
 * checks (the default) and without (`--unchecked-bounds`), as bench/h200/unchecked-bounds.sh makes
 * them: per layer the fresh time each way (the mean where a mode ran more than once), the ratio, and
 * the median and geometric mean of the ratios. Runs of the same mode give the noise floor.
 *
 *   node bench/run.mjs bench/unchecked-bounds-report.ts --checked A.json[,A2.json] --unchecked B.json[,B2.json]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { geometricMean } from "../src/core/dataset/summary";
import { median } from "../src/core/search/curve";

interface Row {
  problem: string;
  config: Record<string, number>;
  freshNs: number | null;
}

const { values } = parseArgs({ options: { checked: { type: "string" }, unchecked: { type: "string" } } });
if (!values.checked || !values.unchecked)
  throw new Error("--checked FILES and --unchecked FILES are required");

/** Each config's fresh times over the runs of one mode, keyed by problem and config. */
function timesOf(files: string): Map<string, number[]> {
  const times = new Map<string, number[]>();
  for (const file of files.split(",")) {
    const { rows } = JSON.parse(readFileSync(file, "utf8")) as { rows: Row[] };
    for (const r of rows) {
      if (r.freshNs === null) continue;
      const key = `${r.problem}|${JSON.stringify(r.config)}`;
      times.set(key, [...(times.get(key) ?? []), r.freshNs]);
    }
  }
  return times;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const checked = timesOf(values.checked);
const unchecked = timesOf(values.unchecked);
const ratios: number[] = [];
const repeats: number[] = [];
console.log("| layer | checked us | unchecked us | checked / unchecked |\n| --- | ---: | ---: | ---: |");
for (const [key, c] of checked) {
  const u = unchecked.get(key);
  if (!u) continue;
  const ratio = mean(c) / mean(u);
  ratios.push(ratio);
  for (const [first, second] of [c, u])
    if (first !== undefined && second !== undefined) repeats.push(Math.abs(second / first - 1));
  console.log(
    `| ${key.split("|")[0]} | ${(mean(c) / 1e3).toFixed(1)} | ${(mean(u) / 1e3).toFixed(1)} | ${ratio.toFixed(3)} |`,
  );
}
console.log(
  `${ratios.length} configs: checked / unchecked median ${(median(ratios) ?? Number.NaN).toFixed(3)}, geometric mean ${(geometricMean(ratios) ?? Number.NaN).toFixed(3)}, range ${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)}`,
);
if (repeats.length)
  console.log(
    `the same mode run twice: median |second / first - 1| ${(100 * (median(repeats) ?? Number.NaN)).toFixed(2)}%, largest ${(100 * Math.max(...repeats)).toFixed(2)}%`,
  );
