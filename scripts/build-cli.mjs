// One-file build of the CLI: imports nothing but Node built-ins and the `webgpu` package, so it runs
// where Node.js and Dawn exist but node_modules does not (see README, "A real GPU").
import { bundleForNode } from "./node-bundle.mjs";

await bundleForNode("src/cli/main.ts", "dist-cli/tunelab.mjs");
