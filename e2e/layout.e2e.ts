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
});
