import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

/** WGSL files are imported as plain text, the same way the Node build (esbuild's text loader) does. */
function wgslText(): Plugin {
  return {
    name: "tunelab-wgsl-text",
    transform(code, id) {
      if (!id.endsWith(".wgsl")) return null;
      return { code: `export default ${JSON.stringify(code)};`, map: null };
    },
  };
}

/**
 * The built lab's Content-Security-Policy: everything from the lab's own origin, nothing inline, no
 * eval. tfjs's wasm backend and sql.js compile WebAssembly ('wasm-unsafe-eval'); chart PNG export draws
 * an SVG image from a blob: URL; WebGPU and IndexedDB need no directive.
 */
const CSP_DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];
/** Directives a <meta> tag cannot carry (browsers ignore them there, with a console error). */
const CSP_HEADER_ONLY = ["frame-ancestors 'none'"];
const CSP_HEADER = [...CSP_DIRECTIVES, ...CSP_HEADER_ONLY].join("; ");

/**
 * Puts the policy in the built page as a <meta> tag (any static host then applies it to the page), and
 * writes it as a `_headers` file for hosts that read one, so it covers the Workers' scripts too (a
 * Worker follows its own script's headers, not the page's). Not in `vite` dev: its HMR runs inline.
 */
function contentSecurityPolicy(): Plugin {
  return {
    name: "tunelab-content-security-policy",
    apply: "build",
    transformIndexHtml: () => [
      {
        tag: "meta",
        attrs: { "http-equiv": "Content-Security-Policy", content: CSP_DIRECTIVES.join("; ") },
        injectTo: "head-prepend",
      },
    ],
    generateBundle() {
      this.emitFile({
        type: "asset",
        fileName: "_headers",
        source: `/*\n  Content-Security-Policy: ${CSP_HEADER}\n`,
      });
    },
  };
}

export default defineConfig({
  plugins: [react(), wgslText(), contentSecurityPolicy()],
  worker: { format: "es", plugins: () => [wgslText()] },
  build: {
    target: "es2022",
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      // zod in a chunk of its own with no-eval.ts, so zod is configured before any schema is built.
      output: {
        codeSplitting: { groups: [{ name: "zod", test: /node_modules[\\/]zod[\\/]|no-eval\.ts$/ }] },
      },
    },
  },
  // `vite preview` serves what a static host with the `_headers` file would.
  preview: { port: 4173, strictPort: true, headers: { "Content-Security-Policy": CSP_HEADER } },
  server: { port: 5173 },
});
