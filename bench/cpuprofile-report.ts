/**
 * Where a process's JS thread spent its time: self time by function from a V8 CPU profile
 * (`node --cpu-prof`), as shares of the whole.
 *
 *   node bench/run.mjs bench/cpuprofile-report.ts docs/h200/engine-sweep.cpuprofile.gz [--top 12]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  options: { top: { type: "string", default: "12" } },
  allowPositionals: true,
});
const [file] = positionals;
if (!file) throw new Error("usage: cpuprofile-report.ts FILE.cpuprofile[.gz] [--top N]");
const bytes = readFileSync(file);
const profile = JSON.parse((file.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8")) as Profile;
const names = new Map(
  profile.nodes.map((n) => [
    n.id,
    `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.split("/").at(-1) ?? ""}`,
  ]),
);
const selfUs = new Map<string, number>();
profile.samples.forEach((id, i) => {
  const name = names.get(id) ?? "?";
  selfUs.set(name, (selfUs.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
process.stdout.write(`${(total / 1e6).toFixed(1)} s sampled\n`);
for (const [name, us] of [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
  process.stdout.write(
    `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1e3).toFixed(0).padStart(6)} ms  ${name.trim()}\n`,
  );
}
