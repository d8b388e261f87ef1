// esbuild settings for code that runs in Node: WGSL as text, .wasm embedded, `webgpu` left external
// (Dawn is a native addon), so one file runs anywhere Node.js and the `webgpu` package are.
import { build } from "esbuild";

export function bundleForNode(entry, outfile) {
  return build({
    entryPoints: [entry],
    outfile,
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
}
