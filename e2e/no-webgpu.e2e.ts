import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_URL, launchChromium, NO_WEBGPU_ARGS, watchConsole } from "./browser";

describe("the lab on a machine without WebGPU", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium(NO_WEBGPU_ARGS);
    mkdirSync("test-results", { recursive: true });
  });
  afterAll(() => browser?.close());

  it("says plainly that there is no WebGPU, what to do, and offers the recorded demo", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const problems = watchConsole(page);
    await page.goto(BASE_URL);
    const alert = page.getByRole("alert").filter({ hasText: "No WebGPU device here" });
    await alert.waitFor({ timeout: 30_000 });
    expect(await page.getByRole("heading", { name: "What to do" }).isVisible()).toBe(true);
    expect(await page.getByText("--enable-unsafe-webgpu").first().isVisible()).toBe(true);
    expect(await page.getByRole("heading", { name: "Recorded demo" }).isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "No WebGPU" }).isVisible()).toBe(true);
    // Exploring needs no GPU: the space and the shader come from the kernel families in the page.
    await page.getByRole("tab", { name: "Explore" }).click();
    await page.getByTestId("space-size").waitFor({ timeout: 30_000 });
    // A sweep cannot start, and the page says why.
    await page.getByRole("tab", { name: "Sweep" }).click();
    expect(await page.getByRole("button", { name: "Start sweep" }).isDisabled()).toBe(true);
    expect(await page.getByText("Sweeps need a GPU").isVisible()).toBe(true);
    await page.getByRole("tab", { name: "Device" }).click();
    await page.screenshot({ path: "test-results/no-webgpu.png", fullPage: true });
    expect(problems).toEqual([]);
  });
});
