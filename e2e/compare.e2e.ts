import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_URL, launchChromium, watchConsole } from "./browser";

/** The smallest problem of the recording (a resnet18 layer), small enough for SwiftShader. */
const RECORDED_PROBLEM = "1x256x14x14,512x1x1,stride=2,layout=NHWC";

describe("comparing this GPU with the recorded one", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync("test-results", { recursive: true });
  });
  afterAll(() => browser?.close());

  it("overlays both rooflines and lists the problem both measured with the ratio of their times", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchConsole(page);
    await page.goto(`${BASE_URL}/?page=sweep&family=igemm&problem=${RECORDED_PROBLEM}`);
    const start = page.getByRole("button", { name: "Start sweep" });
    await expect.poll(() => start.isEnabled(), { timeout: 30_000 }).toBe(true);
    await page.getByRole("spinbutton", { name: "Budget (candidates)" }).fill("2");
    await start.click();
    await page.getByTestId("sweep-status").waitFor({ timeout: 180_000 });
    expect(await page.getByTestId("measured-count").textContent()).toBe("2");

    await page.getByRole("tab", { name: "Device", exact: true }).click();
    await page.getByRole("button", { name: "Measure peak FLOPS and bandwidth" }).click();
    await page.getByTestId("peak-flops").waitFor({ timeout: 120_000 });
    await page.getByRole("button", { name: "Load the recording" }).click();
    const summary = page.getByTestId("compare-summary");
    await expect
      .poll(() => summary.textContent(), { timeout: 30_000 })
      .toMatch(/^1 problem measured on both;/);
    const row = page.getByTestId("compare-table").locator("tbody tr");
    expect(await row.count()).toBe(1);
    const cells = await row.locator("td").allTextContents();
    expect(cells[0]).toBe(RECORDED_PROBLEM);
    // SwiftShader is a CPU: far slower than the recorded H200.
    expect(cells[3]).toMatch(/^[\d,]+× slower$/);
    expect(cells[4]).toMatch(/^igemm BM=/);
    const chart = page.getByTestId("compare-roofline");
    await expect
      .poll(() => chart.locator(".recharts-scatter-symbol").count(), { timeout: 30_000 })
      .toBeGreaterThan(10);
    const legend = await chart.locator(".recharts-legend-wrapper").textContent();
    expect(legend).toContain("this GPU: measured kernels");
    expect(legend).toMatch(/NVIDIA H200[^:]*: measured kernels/);
    await page.screenshot({ path: "test-results/device-compare.png", fullPage: true });
    expect(problems).toEqual([]);
  });
});
