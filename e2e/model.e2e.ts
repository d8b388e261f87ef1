import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_URL, launchChromium, NO_WEBGPU_ARGS, watchConsole } from "./browser";

/**
 * The Train page's models in the recorded demo (no GPU needed): damaged models are refused over HTTP
 * as the model Worker reads them, and the recorded model keeps learning on the recording's records,
 * kept in this browser's IndexedDB.
 */
const MODEL_JSON = readFileSync("public/demo/model/model.json");
const WEIGHTS = readFileSync("public/demo/model/weights.bin");

/** The demo model's weights.bin, damaged as a download cut short, one with bytes after it, or NaN in it. */
const DAMAGED: Record<string, Buffer> = {
  shorter: WEIGHTS.subarray(0, WEIGHTS.length - 4),
  longer: Buffer.concat([WEIGHTS, Buffer.alloc(4)]),
  nan: (() => {
    const copy = Buffer.from(WEIGHTS);
    // The tenth float of the second weight, feature_projection/bias.
    copy.writeFloatLE(Number.NaN, (46 * 64 + 10) * 4);
    return copy;
  })(),
};

describe("models on the Train page", () => {
  let browser: Browser;
  let page: Page;
  let problems: string[];
  const current = () => page.getByTestId("current-model").textContent();

  beforeAll(async () => {
    browser = await launchChromium(NO_WEBGPU_ARGS);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    problems = watchConsole(page);
    // Served from the lab's own origin, as a folder the CLI wrote would be.
    await page.context().route("**/damaged/*/*", (route) => {
      const [, how, file] = new URL(route.request().url()).pathname.split("/").slice(1);
      const body = file === "model.json" ? MODEL_JSON : DAMAGED[how ?? ""];
      return body ? route.fulfill({ body }) : route.fulfill({ status: 404 });
    });
  });
  afterAll(() => browser?.close());

  it("refuses a model whose weights hold NaN or do not match model.json, naming why, and keeps the model held", async () => {
    await page.goto(`${BASE_URL}/?demo=1&page=train`);
    await expect.poll(current, { timeout: 60_000 }).toContain("recorded demo model");
    const cases: [string, string][] = [
      ["nan", "weights.bin: weight feature_projection/bias holds NaN: the model is damaged"],
      [
        "longer",
        `weights.bin holds ${WEIGHTS.length + 4} bytes where model.json describes ${WEIGHTS.length}`,
      ],
      [
        "shorter",
        `weights.bin holds ${WEIGHTS.length - 4} bytes where model.json describes ${WEIGHTS.length}`,
      ],
    ];
    for (const [how, why] of cases) {
      const url = `${BASE_URL}/damaged/${how}/model.json`;
      await page.getByRole("combobox", { name: "Load from" }).fill(url);
      await page.getByRole("button", { name: "Load model", exact: true }).click();
      await page.getByText(`${url}: ${why}`).waitFor({ timeout: 30_000 });
      expect(await current()).toContain("recorded demo model");
    }
    // The held model still predicts.
    await page.getByRole("tab", { name: "Predict" }).click();
    await page.getByRole("button", { name: "Predict", exact: true }).click();
    await expect
      .poll(() => page.getByTestId("candidates").getByRole("row").count(), { timeout: 60_000 })
      .toBeGreaterThan(1);
  });

  it("fine-tunes the recorded model on the recording: before and after, what was left out, kept in IndexedDB", async () => {
    await page.getByRole("tab", { name: "Train" }).click();
    // The H200 recording's 52 problems and its 46 tensor-core (f16) ones.
    const records = page.getByRole("radio", { name: /^This lab's records \(\d+ problems/ });
    const shown = Number((await records.locator("..").textContent())?.match(/\((\d+) problems/)?.[1]);
    expect(shown).toBe(52 + 46);
    await records.check();
    await page.getByRole("radio", { name: "Fine-tune recorded demo model on this data" }).check();
    expect(await page.getByRole("spinbutton", { name: "Hidden units" }).count()).toBe(0);
    await page.getByRole("spinbutton", { name: "Epochs" }).fill("2");
    await page.getByRole("spinbutton", { name: "Epochs" }).blur();
    await page.getByRole("button", { name: "Start training" }).click();
    const table = page.getByTestId("before-after");
    await table.waitFor({ timeout: 180_000 });
    expect(await table.locator("caption").textContent()).toMatch(
      /^recorded demo model before and after fine-tuning, on the same \d+ held-out problems$/,
    );
    // Each score is a percentage, before and after.
    const cells = await table.locator("tbody td").allTextContents();
    expect(cells).toHaveLength(8);
    expect(cells.every((c) => /^\d+\.\d%$/.test(c))).toBe(true);
    // The recorded model learnt the H200's igemm and splitk kernels, with a token for every value of
    // theirs: only the 46 tensor-core problems (their fastest kernel an mma one) are left out.
    expect(await page.getByText(`46 of ${shown} problems left out`).isVisible()).toBe(true);
    const leftOut = await page.getByTestId("left-out").textContent();
    expect(leftOut).toContain("mma (46)");
    expect(leftOut).not.toContain("igemm");
    expect(await current()).toContain("indexeddb://tunelab-latest");
    // Two epochs drawn: loss, validation loss and validation accuracy, each in its own colour.
    const curves = page.getByTestId("chart-training").locator(".recharts-line-curve");
    await expect.poll(() => curves.count()).toBe(3);
    const strokes = await curves.evaluateAll((paths) => paths.map((p) => p.getAttribute("stroke")));
    expect(new Set(strokes).size).toBe(3);
    const legend = page.getByTestId("chart-training").locator(".recharts-legend-item-text");
    expect((await legend.allTextContents()).sort()).toEqual([
      "loss",
      "validation accuracy",
      "validation loss",
    ]);

    await page.screenshot({ path: "test-results/model-fine-tuned.png", fullPage: true });

    // Kept in this browser: after a reload it loads from IndexedDB, saying what it learnt from.
    await page.reload();
    await expect.poll(current, { timeout: 60_000 }).toContain("recorded demo model");
    await page.getByRole("combobox", { name: "Load from" }).fill("indexeddb://tunelab-latest");
    await page.getByRole("button", { name: "Load model", exact: true }).click();
    await page
      .getByText(
        /^Loaded indexeddb:\/\/tunelab-latest \(learnt from .*, then the recorded demo's records\)\.$/,
      )
      .waitFor({ timeout: 30_000 });
    expect(await current()).toContain("indexeddb://tunelab-latest");
  });

  it("left no console errors or warnings", () => {
    expect(problems).toEqual([]);
  });
});
