import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_URL, launchChromium, watchConsole } from "./browser";

/**
 * A new user's journey through the lab, one step after another in one page (the steps share state
 * the way a person's session does). SwiftShader is a CPU, so the problem and budgets are tiny.
 */
const PROBLEM = "1x8x8x8,8x3x3,pad=1";

describe("a new user's journey through the lab", () => {
  let browser: Browser;
  let page: Page;
  let problems: string[];
  const shot = (name: string) =>
    page.screenshot({ path: `test-results/journey-${name}.png`, fullPage: true });
  const tab = (name: string) => page.getByRole("tab", { name, exact: true });

  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync("test-results", { recursive: true });
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    problems = watchConsole(page);
  });
  afterAll(() => browser?.close());

  it("opens on the Device page and sees the GPU with its limits", async () => {
    await page.goto(BASE_URL);
    await expect
      .poll(() => page.getByTestId("adapter").textContent(), { timeout: 30_000 })
      .toMatch(/swiftshader/i);
    expect(await tab("Device").getAttribute("aria-selected")).toBe("true");
    await page.getByRole("table", { name: /Compute limits/ }).waitFor();
    await shot("device");
  });

  it("explores a small problem: the text form is checked as it is typed, and the URL keeps it", async () => {
    await tab("Explore").click();
    const input = page.getByRole("textbox", { name: "Problem" });
    await input.fill("1x8x8x8,8x3");
    expect(await input.getAttribute("aria-invalid")).toBe("true");
    await expect.poll(() => page.locator(".field-error").textContent()).toMatch(/filter: expected KxRxS/);
    await input.fill(PROBLEM);
    expect(await input.getAttribute("aria-invalid")).toBe("false");
    await expect.poll(() => new URL(page.url()).searchParams.get("problem")).toBe(PROBLEM);
    await page.reload();
    expect(await page.getByRole("textbox", { name: "Problem" }).inputValue()).toBe(PROBLEM);
    await shot("explore");
  });

  it("keyboard: arrow keys move between the tabs", async () => {
    await tab("Explore").focus();
    await page.keyboard.press("ArrowRight");
    expect(await tab("Sweep").getAttribute("aria-selected")).toBe("true");
    expect(new URL(page.url()).searchParams.get("page")).toBe("sweep");
    await page.goBack();
    expect(await tab("Explore").getAttribute("aria-selected")).toBe("true");
  });

  it("left no console errors or warnings", () => {
    expect(problems).toEqual([]);
  });
});
