import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_URL, launchChromium } from "./browser";

describe("a full storage quota", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  it("ends a sweep saying what happened and what to do, and keeps what was stored", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(BASE_URL);
    const tab = (name: string) => page.getByRole("tab", { name, exact: true });
    await tab("Sweep").click();
    const start = page.getByRole("button", { name: "Start sweep" });
    await expect.poll(() => start.isEnabled(), { timeout: 30_000 }).toBe(true);
    // The origin's quota shrinks to nothing once the lab is open (its database already made).
    const cdp = await context.newCDPSession(page);
    await cdp.send("Storage.overrideQuotaForOrigin", { origin: new URL(BASE_URL).origin, quotaSize: 1 });
    await page.getByRole("spinbutton", { name: "Budget (candidates)" }).fill("2");
    await start.click();
    const failed = page.getByText("The sweep failed");
    await failed.waitFor({ timeout: 120_000 });
    const callout = await failed.locator("..").textContent();
    expect(callout).toMatch(/storage for this site is full: the candidates measured so far are kept/);
    expect(callout).not.toMatch(/QuotaExceededError/);
    await context.close();
  });
});
