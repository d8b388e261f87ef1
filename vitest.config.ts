import { defineConfig, mergeConfig } from "vitest/config";
import viteConfig from "./vite.config.ts";

const swiftshaderIcd = "/usr/lib/chromium/vk_swiftshader_icd.json";

export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      projects: [
        {
          extends: true,
          test: { name: "core", include: ["src/core/**/*.test.ts"], environment: "node" },
        },
        {
          extends: true,
          test: { name: "app", include: ["src/app/**/*.test.{ts,tsx}"], environment: "jsdom" },
        },
        {
          // Real WGSL on Dawn (the `webgpu` package) over SwiftShader's Vulkan driver.
          extends: true,
          test: {
            name: "gpu",
            include: ["src/gpu/**/*.test.ts", "src/cli/**/*.test.ts"],
            environment: "node",
            env: { VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? swiftshaderIcd },
            fileParallelism: false,
            testTimeout: 120_000,
            hookTimeout: 120_000,
          },
        },
        {
          // Debian's Chromium driven by playwright-core against the built app (vite build + preview).
          extends: true,
          test: {
            name: "e2e",
            include: ["e2e/**/*.e2e.ts"],
            environment: "node",
            globalSetup: ["e2e/global-setup.ts"],
            fileParallelism: false,
            testTimeout: 300_000,
            hookTimeout: 300_000,
          },
        },
      ],
    },
  }),
);
