import { readFileSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_URL, launchChromium } from "./browser";

describe("importing records in the lab", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  it("refuses a file with a record of an unknown family, or imports the rest and lists it", async () => {
    // Two real recorded records, then the second again claiming a family tunelab does not have.
    const [first, second] = readFileSync("public/demo/dataset.jsonl", "utf8").trim().split("\n");
    const stray = JSON.stringify({ ...JSON.parse(second as string), family: "gemm" });
    const file = {
      name: "mixed.jsonl",
      mimeType: "application/json",
      buffer: Buffer.from(`${first}\n${second}\n${stray}\n`),
    };

    const page = await browser.newPage();
    await page.goto(BASE_URL);
    await page.getByRole("tab", { name: "Dataset", exact: true }).click();
    const input = page.getByLabel("Dataset file to import");
    await input.setInputFiles(file);
    const refused = page.getByText("Could not import mixed.jsonl");
    await refused.waitFor({ timeout: 30_000 });
    expect(await refused.locator("..").textContent()).toMatch(
      /line 3: family: unknown family "gemm".*nothing imported/,
    );
    expect(await page.getByTestId("record-count").textContent()).toBe("0");

    await page.getByLabel("Import the valid records of a file with bad ones").check();
    await input.setInputFiles(file);
    await page.getByText("Imported", { exact: true }).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("import-rejected").textContent()).toMatch(
      /line 3: family: unknown family "gemm"/,
    );
    await expect.poll(() => page.getByTestId("record-count").textContent(), { timeout: 30_000 }).toBe("2");
  });
});
