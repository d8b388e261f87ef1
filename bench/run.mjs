// Runs a benchmark script (bench/*.ts) with the CLI's build settings: WGSL as text, Node built-ins.
//   node bench/run.mjs bench/engine.ts [args...]
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { bundleForNode } from "../scripts/node-bundle.mjs";

const [script, ...args] = process.argv.slice(2);
if (!script) {
  process.stderr.write("usage: node bench/run.mjs bench/SCRIPT.ts [args...]\n");
  process.exit(2);
}
// Inside node_modules so the bundle's `import "webgpu"` resolves (ESM ignores NODE_PATH).
const outfile = join("node_modules", ".cache", "tunelab-bench", "bench.mjs");
await bundleForNode(script, outfile);
const run = spawnSync(process.execPath, [outfile, ...args], { stdio: "inherit" });
process.exit(run.status ?? 1);
