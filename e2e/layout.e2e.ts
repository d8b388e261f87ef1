import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_URL, launchChromium } from "./browser";

/** The recorded demo's Sweep page, whose charts are full without a GPU. */
const DEMO_SWEEP = `${BASE_URL}/?demo=1&page=sweep`;

describe("the lab's layout on small and large screens", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  it("at 800 px every page tab stays in sight", async () => {
    const page = await browser.newPage({ viewport: { width: 800, height: 700 } });
    await page.goto(DEMO_SWEEP);
    const tabs = page.getByRole("tab");
    expect(await tabs.count()).toBe(6);
    for (const tab of await tabs.all()) {
      const box = await tab.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 800).toBe(true);
    }
    // The strip clips nothing.
    const strip = await page
      .getByRole("tablist")
      .evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(strip.scroll).toBeLessThanOrEqual(strip.client);
    await page.close();
  });

  it("at 1920 px the charts and their type grow, and side-by-side charts share their row", async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(DEMO_SWEEP);
    const runtime = page.getByTestId("chart-runtime");
    await runtime.locator(".recharts-scatter-symbol").first().waitFor({ timeout: 30_000 });
    const surface = runtime.locator(".recharts-wrapper > svg.recharts-surface");
    expect((await surface.boundingBox())?.height).toBeGreaterThanOrEqual(380);
    const tickPx = await runtime
      .locator(".recharts-cartesian-axis-tick-value")
      .first()
      .evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize));
    expect(tickPx).toBeGreaterThanOrEqual(14);
    const best = await page.getByTestId("chart-best").boundingBox();
    const histogram = await page.getByTestId("chart-histogram").boundingBox();
    const row = await runtime.boundingBox();
    expect(best && histogram && row).toBeTruthy();
    if (best && histogram && row) {
      expect(Math.abs(best.width - histogram.width)).toBeLessThan(2);
      expect(best.width + histogram.width).toBeGreaterThan(row.width * 0.95);
    }
    await page.close();
  });

  it("presents the recorded demo for a talk: one press, large type and charts, and back", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(BASE_URL);
    await page.getByRole("button", { name: "Present the recorded demo" }).click();
    const params = new URL(page.url()).searchParams;
    expect([params.get("page"), params.get("demo"), params.get("present")]).toEqual(["sweep", "1", "1"]);
    const rootFontPx = () =>
      page.evaluate(() => Number.parseFloat(getComputedStyle(document.documentElement).fontSize));
    expect(await rootFontPx()).toBe(20);
    const surface = page.getByTestId("chart-runtime").locator(".recharts-wrapper > svg.recharts-surface");
    await surface.waitFor({ timeout: 30_000 });
    expect((await surface.boundingBox())?.height).toBeGreaterThanOrEqual(430);
    const toggle = page.getByRole("button", { name: "Presentation mode" });
    expect(await toggle.getAttribute("aria-pressed")).toBe("true");
    await toggle.click();
    expect(await rootFontPx()).toBe(15);
    expect(new URL(page.url()).searchParams.get("present")).toBeNull();
    await page.close();
  });
});
