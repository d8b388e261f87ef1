import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_URL, launchChromium, watchConsole } from "./browser";

describe("a measured kernel opens in Explore", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  it("from a sweep chart's point (its tooltip naming the config) and from a space-map cell", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const problems = watchConsole(page);
    await page.goto(`${BASE_URL}/?demo=1&page=sweep`);
    const chart = page.getByTestId("chart-runtime");
    const point = chart.locator(".recharts-scatter-symbol").first();
    await point.waitFor({ timeout: 30_000 });
    // Points overlap: point at one, and whichever is on top there is the one named and clicked.
    await chart.scrollIntoViewIfNeeded();
    const box = await point.boundingBox();
    if (!box) throw new Error("the point is not drawn");
    const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    await page.mouse.move(at.x, at.y);
    const tooltip = chart.locator(".chart-tooltip");
    await expect.poll(() => tooltip.textContent(), { timeout: 10_000 }).toMatch(/Click to open its WGSL/);
    const config = (await tooltip.locator(".mono").textContent()) ?? "";
    // The whole config: every parameter of the family, not only the plotted one.
    expect(config.split(" ").length).toBeGreaterThan(5);
    await page.mouse.click(at.x, at.y);
    await expect.poll(() => new URL(page.url()).searchParams.get("page")).toBe("explore");
    expect(new URL(page.url()).searchParams.get("config")).toBe(config.replaceAll(" ", ";"));
    const shader = page.getByTestId("shader-card");
    await expect.poll(() => shader.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await shader.locator(".subtitle").textContent()).toBe(config.replaceAll(" ", "  "));
    expect(await shader.locator("pre.code").first().textContent()).toContain("@compute");
    const top = (await shader.boundingBox())?.y ?? -1;
    expect(top).toBeGreaterThanOrEqual(0);
    expect(top).toBeLessThan(720);

    // The Sweep page's map of fastest configs: Enter on a measured cell opens that cell's fastest config.
    await page.getByRole("tab", { name: "Sweep", exact: true }).click();
    const map = page.getByRole("grid", { name: /^Fastest runtime by/ });
    const cell = map.getByRole("gridcell", { name: /fastest / }).first();
    await cell.waitFor({ timeout: 30_000 });
    const fastest = ((await cell.getAttribute("aria-label")) ?? "").split("fastest ")[1] ?? "";
    await cell.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => new URL(page.url()).searchParams.get("page")).toBe("explore");
    expect(new URL(page.url()).searchParams.get("config")).toBe(fastest.replaceAll(" ", ";"));
    expect(problems).toEqual([]);
  });
});
