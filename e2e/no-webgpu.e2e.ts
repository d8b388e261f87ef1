import { mkdirSync, readFileSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readJsonl } from "../src/core/dataset/io";
import { BASE_URL, launchChromium, NO_WEBGPU_ARGS, watchConsole } from "./browser";

describe("the lab on a machine without WebGPU", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium(NO_WEBGPU_ARGS);
    mkdirSync("test-results", { recursive: true });
  });
  afterAll(() => browser?.close());

  it("says plainly that there is no WebGPU, what to do, and offers the recorded demo", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const problems = watchConsole(page);
    await page.goto(BASE_URL);
    const alert = page.getByRole("alert").filter({ hasText: "No WebGPU device here" });
    await alert.waitFor({ timeout: 30_000 });
    expect(await page.getByRole("heading", { name: "What to do" }).isVisible()).toBe(true);
    expect(await page.getByText("--enable-unsafe-webgpu").first().isVisible()).toBe(true);
    expect(await page.getByRole("heading", { name: "Recorded demo" }).isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "No WebGPU" }).isVisible()).toBe(true);
    // Exploring needs no GPU: the space and the shader come from the kernel families in the page.
    await page.getByRole("tab", { name: "Explore" }).click();
    await page.getByTestId("space-size").waitFor({ timeout: 30_000 });
    // A sweep cannot start, and the page says why.
    await page.getByRole("tab", { name: "Sweep" }).click();
    expect(await page.getByRole("button", { name: "Start sweep" }).isDisabled()).toBe(true);
    expect(await page.getByText("Sweeps need a GPU").isVisible()).toBe(true);
    await page.getByRole("tab", { name: "Device" }).click();
    await page.screenshot({ path: "test-results/no-webgpu.png", fullPage: true });

    // The recorded demo: labelled as recorded on every page, and every page fills from it.
    await page.getByRole("button", { name: "Show the recorded demo" }).click();
    const banner = page.getByTestId("demo-banner");
    await expect
      .poll(() => banner.textContent(), { timeout: 30_000 })
      .toMatch(/recorded on nvidia \(NVIDIA H200.*not this device/i);
    expect(new URL(page.url()).searchParams.get("demo")).toBe("1");
    await expect
      .poll(() => page.getByTestId("roofline").locator(".recharts-scatter-symbol").count(), {
        timeout: 30_000,
      })
      .toBeGreaterThan(10);
    // A point's tooltip names its problem and kernel, in FLOP/byte and FLOP/s.
    const roofline = page.getByTestId("roofline");
    await roofline.locator(".recharts-scatter-symbol").first().hover();
    await expect
      .poll(() => roofline.locator(".chart-tooltip").textContent(), { timeout: 10_000 })
      .toMatch(/layout=NHWC.*FLOP\/s at [\d.]+ FLOP\/byte/);
    await page.screenshot({ path: "test-results/demo-device.png", fullPage: true });
    await page.getByRole("tab", { name: "Dataset" }).click();
    // The H200 recording and its tensor-core records (recording.json's extraDatasets).
    const stored = ["dataset.jsonl", "tensor-cores.jsonl"]
      .map((file) => readJsonl(readFileSync(`public/demo/${file}`, "utf8")).length)
      .reduce((a, b) => a + b);
    await expect
      .poll(() => page.getByTestId("record-count").textContent(), { timeout: 30_000 })
      .toBe(stored.toLocaleString("en-US"));
    // All of them, a page of 200 rows at a time.
    expect(await page.getByTestId("page-number").textContent()).toBe(`Page 1 of ${Math.ceil(stored / 200)}`);
    await page.getByRole("button", { name: "Next page" }).click();
    expect(await page.getByTestId("row-count").textContent()).toMatch(/; rows 201–400$/);
    expect(await page.locator("table.table tbody tr").count()).toBe(200);
    // The demo opens on a recorded problem (the recording is NHWC), its Sweep charts full.
    expect(new URL(page.url()).searchParams.get("problem")).toMatch(/layout=NHWC$/);
    await page.getByRole("tab", { name: "Explore" }).click();
    expect(await page.getByRole("combobox", { name: "Layout" }).inputValue()).toBe("NHWC");
    await page.getByRole("tab", { name: "Sweep" }).click();
    await expect
      .poll(() => page.getByTestId("chart-runtime").locator(".recharts-scatter-symbol").count(), {
        timeout: 30_000,
      })
      .toBeGreaterThan(10);
    expect(await banner.isVisible()).toBe(true);
    // A disabled Start says why.
    const start = page.getByRole("button", { name: "Start sweep" });
    expect(await start.isDisabled()).toBe(true);
    const why = await start.getAttribute("aria-describedby");
    expect(await page.locator(`[id="${why}"]`).textContent()).toMatch(/demo shows a recording/);
    await page.screenshot({ path: "test-results/demo-sweep.png", fullPage: true });
    // The recorded model is chosen: it predicts across the lab's kernel families for the recorded GPU.
    await page.getByRole("tab", { name: "Predict" }).click();
    await expect
      .poll(() => page.getByTestId("predict-model").textContent(), { timeout: 60_000 })
      .toContain("recorded demo model");
    await page.getByRole("button", { name: "Predict", exact: true }).click();
    const rows = page.getByTestId("candidates").getByRole("row");
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(9);
    const families = await page.getByTestId("candidates").locator("tbody td:nth-child(2)").allTextContents();
    expect(families.every((f) => ["igemm", "splitk"].includes(f))).toBe(true);
    await page.screenshot({ path: "test-results/demo-predict.png", fullPage: true });
    // How the beam searched: from the keyboard, to its last step; and which features drive each token.
    await page.getByRole("button", { name: "Show the search" }).click();
    const slider = page.getByTestId("beam-steps").getByRole("slider");
    await slider.waitFor({ timeout: 60_000 });
    await slider.focus();
    await page.keyboard.press("End");
    expect(await slider.getAttribute("aria-valuetext")).toMatch(/^step (\d+) of \1, \w+$/);
    expect(await page.getByTestId("step-mass").textContent()).toMatch(/^Constraints removed [\d.]+% /);
    expect(await page.getByTestId("kept-beams").getByRole("row").count()).toBeGreaterThan(1);
    const saliency = page.getByRole("grid", { name: "Feature saliency per predicted token" });
    expect(await saliency.isVisible()).toBe(true);
    await page.screenshot({ path: "test-results/demo-predict-search.png", fullPage: true });
    expect(problems).toEqual([]);
  });

  it("draws how many measurements each strategy needs on a network the recorded model never saw", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchConsole(page);
    await page.goto(`${BASE_URL}/?demo=1&page=dataset`);
    // resnet18's layers that resnet50 (the model's training network) lacks, at batch 1 and 32: the fewest problems, so it is quick.
    const choice = page.getByRole("combobox", { name: "Problems" });
    await choice.waitFor({ timeout: 60_000 });
    await choice.selectOption("resnet18");
    expect(await choice.locator("option:checked").textContent()).toBe(
      "ResNet-18 (224x224): 12 problems, the model never saw it",
    );
    await page.getByRole("button", { name: "Replay the strategies" }).click();
    const chart = page.getByTestId("tuning-cost-chart");
    // One line a strategy: model-guided (the recorded model), model+frequent, cost-model and model+cost
    // (the cost models the recorded model carries), transfer, most-frequent, annealing, local, random.
    await expect.poll(() => chart.locator(".recharts-line").count(), { timeout: 180_000 }).toBe(9);
    expect(await page.getByTestId("tuning-cost-reading").textContent()).toMatch(
      /^model-guided needed [\d.]+ measurements? to come within 95% of the best kernel, random needed (more than 300|[\d.]+) measurements \(medians over the 12 problems\)\.$/,
    );
    await page.screenshot({ path: "test-results/demo-tuning-cost.png", fullPage: true });
    expect(problems).toEqual([]);
  });

  it("shows the recorded H200's tensor cores: their roof, and the tensor-core space of an f16 problem", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchConsole(page);
    await page.goto(`${BASE_URL}/?demo=1&page=device`);
    // One roofline per recorded GPU; the H200's has the tensor cores' roof.
    await expect
      .poll(() => page.getByTestId("peak-matrix").textContent(), { timeout: 30_000 })
      .toMatch(/626 TFLOP\/s/);
    const f16 = "32x256x14x14,256x3x3,pad=1,layout=NHWC,precision=f16";
    await page.goto(`${BASE_URL}/?demo=1&page=explore&family=mma&problem=${encodeURIComponent(f16)}`);
    // The space is the recorded H200's (its matrix shapes and subgroups), though this browser has none.
    await expect.poll(() => page.getByTestId("space-size").textContent(), { timeout: 30_000 }).toBe("26,837");
    await expect
      .poll(() => page.getByTestId("shader-card").textContent(), { timeout: 30_000 })
      .toContain("subgroupMatrixMultiplyAccumulate");
    // Outside the demo, this machine's (missing) features say why the family cannot run, and how to get them.
    await page.goto(`${BASE_URL}/?page=explore&family=mma&problem=${encodeURIComponent(f16)}`);
    await expect
      .poll(() => page.locator(".family-option.unsupported").allTextContents(), { timeout: 30_000 })
      .toContainEqual(expect.stringMatching(/shader-f16/));
    await page.screenshot({ path: "test-results/demo-tensor-cores.png", fullPage: true });
    expect(problems).toEqual([]);
  });
});
