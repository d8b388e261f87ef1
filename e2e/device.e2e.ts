import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_URL, launchChromium, watchConsole } from "./browser";

describe("the lab in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync("test-results", { recursive: true });
  });
  afterAll(() => browser?.close());

  it("opens with no console errors, and its Worker times a real dispatch with a timestamp query", async () => {
    const page = await browser.newPage();
    const problems = watchConsole(page);
    await page.goto(BASE_URL);
    await expect
      .poll(() => page.getByTestId("adapter").textContent(), { timeout: 30_000 })
      .toMatch(/swiftshader/i);
    expect(await page.getByTestId("adapter").textContent()).toContain("timestamp-query");
    await page.getByRole("button", { name: "Time a test dispatch" }).click();
    const smoke = page.getByTestId("smoke");
    await smoke.waitFor({ timeout: 30_000 });
    const ns = Number((await smoke.textContent())?.match(/^(\d+) ns/)?.[1]);
    expect(ns).toBeGreaterThan(0);
    await page.screenshot({ path: "test-results/device.png" });
    expect(problems).toEqual([]);
  });
});
