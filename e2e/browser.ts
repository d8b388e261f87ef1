import { type Browser, chromium, type Page } from "playwright-core";

/** Debian's Chromium with WebGPU on SwiftShader (flags checked on these machines, see README). */
export const CHROMIUM_ARGS = [
  "--enable-unsafe-webgpu",
  "--enable-unsafe-swiftshader",
  "--use-webgpu-adapter=swiftshader",
  "--enable-features=Vulkan",
  "--use-angle=swiftshader",
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** The port `vite preview` serves on; set TUNELAB_E2E_PORT to run two checkouts' suites side by side. */
export const PREVIEW_PORT = process.env.TUNELAB_E2E_PORT ?? "4173";

export const BASE_URL = process.env.TUNELAB_URL ?? `http://127.0.0.1:${PREVIEW_PORT}`;

/** Chromium as a laptop without a usable GPU sees it: WebGPU gives no adapter. */
export const NO_WEBGPU_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-features=WebGPU",
  "--no-first-run",
];

export function launchChromium(args: readonly string[] = CHROMIUM_ARGS): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [...args],
  });
}

/** Collects console errors and warnings and uncaught page errors, so a test can assert there are none. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning")
      problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  return problems;
}
