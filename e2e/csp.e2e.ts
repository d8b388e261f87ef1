import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_URL, launchChromium, watchConsole } from "./browser";

/** Every `securitypolicyviolation` the page saw, as "directive: blocked URI". */
async function violations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
}

describe("the built lab's Content-Security-Policy", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  it("is served in the page and its header, and blocks what it should", async () => {
    const page = await browser.newPage();
    const response = await page.goto(BASE_URL);
    const header = response?.headers()["content-security-policy"] ?? "";
    expect(header).toMatch(/script-src 'self' 'wasm-unsafe-eval'/);
    expect(header).toContain("frame-ancestors 'none'");
    const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
    expect(meta).toMatch(/^default-src 'self';/);
    // Code from strings, inline script and a foreign origin are refused; WebAssembly compiles.
    // (A string timer stands for eval: what the test itself evaluates is exempt from the policy.)
    const outcome = await page.evaluate(async () => {
      setTimeout("window.stringRan = true", 0);
      const inline = document.createElement("script");
      inline.textContent = "window.inlineRan = true";
      document.head.append(inline);
      const foreign = await fetch("https://example.com/").then(
        () => true,
        () => false,
      );
      // The smallest module: the magic number and version 1.
      const wasm = await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])).then(
        () => true,
        () => false,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { stringRan: "stringRan" in window, inlineRan: "inlineRan" in window, foreign, wasm };
    });
    expect(outcome).toEqual({ stringRan: false, inlineRan: false, foreign: false, wasm: true });
    await page.close();
  });

  it("lets every page of the recorded demo work with no violation, the Workers' tfjs and wasm included", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener("securitypolicyviolation", (e) =>
        seen.push(
          `${e.effectiveDirective}: ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`,
        ),
      );
    });
    const problems = watchConsole(page);
    await page.goto(`${BASE_URL}/?demo=1&page=device`);
    const tab = (name: string) => page.getByRole("tab", { name, exact: true });
    await expect
      .poll(() => page.getByTestId("roofline").locator(".recharts-scatter-symbol").count(), {
        timeout: 30_000,
      })
      .toBeGreaterThan(10);
    await tab("Explore").click();
    await page.getByTestId("space-size").waitFor({ timeout: 30_000 });
    await tab("Sweep").click();
    await expect
      .poll(() => page.getByTestId("chart-runtime").locator(".recharts-scatter-symbol").count(), {
        timeout: 30_000,
      })
      .toBeGreaterThan(10);
    await tab("Dataset").click();
    await page.getByTestId("record-count").waitFor({ timeout: 30_000 });
    await tab("Train").click();
    await page.getByRole("button", { name: "Start training" }).waitFor({ timeout: 30_000 });
    // The model Worker loads tfjs and the recorded model, and runs the beam search.
    await tab("Predict").click();
    await expect
      .poll(() => page.getByTestId("predict-model").textContent(), { timeout: 60_000 })
      .toContain("recorded demo model");
    await page.getByRole("button", { name: "Predict", exact: true }).click();
    await expect
      .poll(() => page.getByTestId("candidates").getByRole("row").count(), { timeout: 60_000 })
      .toBeGreaterThan(1);
    expect({ violations: await violations(page), problems }).toEqual({ violations: [], problems: [] });
  });
});
