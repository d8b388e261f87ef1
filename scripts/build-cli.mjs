// One-file build of the CLI: imports nothing but Node built-ins and the `webgpu` package, so it runs
// where Node.js and Dawn exist but node_modules does not (see README, "A real GPU").
import { build } from "esbuild";

await build({
  entryPoints: ["src/cli/main.ts"],
  outfile: "dist-cli/tunelab.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["webgpu"],
  loader: { ".wgsl": "text", ".wasm": "binary" },
  // Some bundled CommonJS packages call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __tunelabRequire } from 'node:module'; const require = __tunelabRequire(import.meta.url);",
  },
  logLevel: "warning",
  legalComments: "none",
});
