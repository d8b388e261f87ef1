// Runs a benchmark script (bench/*.ts) with the CLI's build settings: WGSL as text, .wasm embedded,
// Node built-ins and `webgpu` external.
//   node bench/run.mjs bench/engine.ts [args...]
// Or writes that one-file bundle to OUT without running it, to copy to a machine that has Node.js and
// node_modules/webgpu but no other packages (run it there as `node OUT [args...]`, beside that
// node_modules, since the bundle's `import "webgpu"` resolves from the bundle's own folder):
//   node bench/run.mjs --bundle OUT.mjs bench/model.ts
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { bundleForNode } from "../scripts/node-bundle.mjs";

const argv = process.argv.slice(2);
const bundleOnly = argv[0] === "--bundle";
if (bundleOnly) argv.shift();
const target = bundleOnly ? argv.shift() : undefined;
const [script, ...args] = argv;
if (!script || (bundleOnly && !target)) {
  process.stderr.write(
    "usage: node bench/run.mjs bench/SCRIPT.ts [args...]\n       node bench/run.mjs --bundle OUT.mjs bench/SCRIPT.ts\n",
  );
  process.exit(2);
}
if (bundleOnly) {
  await bundleForNode(script, target);
  process.stderr.write(`wrote ${target}\n`);
  process.exit(0);
}
// Inside node_modules so the bundle's `import "webgpu"` resolves (ESM ignores NODE_PATH).
const outfile = join("node_modules", ".cache", "tunelab-bench", "bench.mjs");
await bundleForNode(script, outfile);
const run = spawnSync(process.execPath, [outfile, ...args], { stdio: "inherit" });
process.exit(run.status ?? 1);
