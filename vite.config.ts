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

export default defineConfig({
  plugins: [react(), wgslText()],
  worker: { format: "es", plugins: () => [wgslText()] },
  build: { target: "es2022", chunkSizeWarningLimit: 4096 },
  preview: { port: 4173, strictPort: true },
  server: { port: 5173 },
});
