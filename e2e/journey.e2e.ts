import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Download, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_URL, launchChromium, watchConsole } from "./browser";

/**
 * A new user's journey through the lab, one step after another in one page (the steps share state
 * the way a person's session does). SwiftShader is a CPU, so the problem and budgets are tiny.
 */
const PROBLEM = "1x8x8x8,8x3x3,pad=1";
/** More small problems to sweep, for a model of this GPU's own records. */
const MORE_PROBLEMS = [
  "1x8x8x8,8x1x1",
  "1x8x16x16,8x3x3,pad=1",
  "1x4x8x8,8x3x3,pad=1",
  "1x8x8x8,8x3x3,pad=1,stride=2",
  "2x8x8x8,8x3x3,pad=1",
  "1x16x8x8,8x3x3,pad=1",
];
/** A real MIOpen performance database (AMD's shipped tuning results), the model's kind of data. */
const MIOPEN_DB = fileURLToPath(new URL("../data/miopen/gfx900_56.db.gz", import.meta.url));

describe("a new user's journey through the lab", () => {
  let browser: Browser;
  let page: Page;
  let problems: string[];
  /** The Node CLI's candidates for the model the page trained: the page must rank them alike. */
  let cliCandidates: { values: number[]; logProb: number }[] = [];
  const shot = async (name: string) => {
    // From the top: a full-page shot of a scrolled page paints the sticky header mid-page.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `test-results/journey-${name}.png`, fullPage: true });
  };
  const tab = (name: string) => page.getByRole("tab", { name, exact: true });
  /** Below the nearest neighbour, the page says why and what to do; level or above, it says nothing. */
  const expectBaselineNote = async () => {
    const [exact, nearest] = [
      await page.getByTestId("holdout-exact").textContent(),
      (
        await page
          .getByText(/^model alone .* · nearest neighbour/)
          .first()
          .textContent()
      )?.match(/nearest neighbour ([\d.]+%)/)?.[1],
    ].map((v) => Number.parseFloat(v ?? "NaN"));
    expect(await page.getByText("Below the nearest-neighbour baseline").count()).toBe(
      (exact as number) < (nearest as number) ? 1 : 0,
    );
  };
  /** Measures the first valid config of a problem (typed on Explore) with the family Sweep picks for it. */
  const sweepOne = async (problem: string) => {
    await tab("Explore").click();
    await page.getByRole("textbox", { name: "Problem" }).fill(problem);
    await tab("Sweep").click();
    const history = page.getByRole("list", { name: "Sweep history" }).getByRole("listitem");
    const before = await history.count();
    await page.getByRole("spinbutton", { name: "Budget (candidates)" }).fill("1");
    const start = page.getByRole("button", { name: "Start sweep" });
    await expect.poll(() => start.isEnabled(), { timeout: 30_000 }).toBe(true);
    await start.click();
    await expect.poll(() => history.count(), { timeout: 60_000 }).toBe(before + 1);
    expect(await page.getByTestId("sweep-status").textContent()).toMatch(/1 of 1 candidates/);
  };

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
    // The space: its size after the rules, below the raw cross product, and what each rule cut.
    const valid = Number(
      (await page.getByTestId("space-size").textContent({ timeout: 30_000 }))?.replaceAll(",", ""),
    );
    const raw = Number((await page.getByTestId("raw-size").textContent())?.replaceAll(",", ""));
    expect(valid).toBeGreaterThan(0);
    expect(raw).toBeGreaterThan(valid);
    expect(
      await page.getByRole("list", { name: "Configs removed by each rule" }).getByRole("listitem").count(),
    ).toBeGreaterThan(1);
    // Choosing a value puts it in the config (and the URL); the shader follows, and copies.
    const firstParam = page.getByRole("group", { name: / values$/ }).first();
    await firstParam.getByRole("radio").nth(1).click();
    await expect.poll(() => new URL(page.url()).searchParams.get("config")).toMatch(/=2/);
    const code = page.locator("pre.code").first();
    expect(await code.textContent()).toContain("@compute");
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: BASE_URL });
    await page
      .getByRole("button", { name: /^Copy WGSL of/ })
      .first()
      .click();
    await expect
      .poll(() => page.evaluate(() => navigator.clipboard.readText()))
      .toBe(await code.textContent());
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

  it("keyboard: each widget is one tab stop, with arrows inside the space map and the value groups", async () => {
    await tab("Explore").click();
    await page.getByRole("textbox", { name: "Problem" }).focus();
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement;
        return el?.getAttribute("aria-label") ?? el?.textContent ?? "";
      });
    let presses = 0;
    while (!(await focused()).startsWith("Copy WGSL of") && presses < 100) {
      await page.keyboard.press("Tab");
      presses++;
    }
    // The family, the map's two axis menus, its cells, one stop per parameter (four here), Copy.
    expect(presses).toBe(9);
    const config = () => new URL(page.url()).searchParams.get("config");
    const map = page.getByRole("grid");
    await map.locator('[tabindex="0"]').focus();
    const before = config();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowDown");
    const target = await focused();
    await page.keyboard.press("Enter");
    await expect.poll(config).not.toBe(before);
    expect(await map.getByRole("gridcell", { selected: true }).getAttribute("aria-label")).toBe(target);
    // A value group: the arrows choose the next value there.
    const group = page.getByRole("group", { name: / values$/ }).first();
    await group.locator("input:checked").focus();
    const chosen = config();
    await page.keyboard.press("ArrowRight");
    await expect.poll(config).not.toBe(chosen);
  });

  it("runs a small sweep and sees the charts fill", async () => {
    await tab("Sweep").click();
    await page.getByRole("button", { name: "Start sweep" }).waitFor();
    await expect
      .poll(() => page.getByRole("button", { name: "Start sweep" }).isEnabled(), { timeout: 30_000 })
      .toBe(true);
    await page.getByRole("spinbutton", { name: "Budget (candidates)" }).fill("6");
    await page.getByRole("button", { name: "Start sweep" }).click();
    await page.getByRole("progressbar", { name: "Sweep progress" }).waitFor({ timeout: 30_000 });
    await page.getByTestId("sweep-status").waitFor({ timeout: 120_000 });
    expect(await page.getByTestId("sweep-status").textContent()).toMatch(/6 of 6 candidates/);
    expect(await page.getByTestId("measured-count").textContent()).toBe("6");
    // How fast it measured, and that the drift check at the problem's end ran.
    expect(await page.getByTestId("sweep-engine").textContent()).toMatch(
      /Measured at \d+\.\d candidates\/s; (timings held: 1 drift check,|the reference config drifted)/,
    );
    // Every chart drew: one dot per measured candidate, a best-so-far line, histogram bars.
    await expect
      .poll(() => page.getByTestId("chart-runtime").locator(".recharts-scatter-symbol").count(), {
        timeout: 30_000,
      })
      .toBe(6);
    expect(await page.getByTestId("chart-best").locator(".recharts-line-curve").count()).toBe(1);
    expect(
      await page.getByTestId("chart-histogram").locator(".recharts-bar-rectangle").count(),
    ).toBeGreaterThan(0);
    // The history keeps the sweep with its settings.
    const history = page.getByRole("list", { name: "Sweep history" }).getByRole("listitem");
    expect(await history.count()).toBe(1);
    expect(await history.first().textContent()).toMatch(
      /exhaustive, budget 6, seed 1.*6 of 6 candidates, budget reached; fastest then/,
    );
    // ...with the page's final fastest time, after any re-timing by the drift check.
    const fastest = await page.getByText("Fastest so far:").locator("strong").textContent();
    expect(await history.first().textContent()).toContain(`fastest then ${fastest}`);
    await shot("sweep");
  });

  it("exports the runtime chart as PNG, SVG and CSV", async () => {
    const chart = page.getByTestId("chart-runtime");
    const save = async (format: string) => {
      await chart.getByText("Export").click();
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        chart.getByRole("button", { name: format, exact: true }).click(),
      ]);
      await chart.getByText("Export").click();
      return { name: download.suggestedFilename(), bytes: readFileSync((await download.path()) as string) };
    };
    const csv = await save("CSV");
    expect(csv.name).toMatch(/^tunelab-runtime-of-each-candidate-by-\w+\.csv$/);
    const [header, ...rows] = csv.bytes.toString("utf8").trim().split("\n");
    expect(header).toMatch(/^\w+,runtime_ns,config$/);
    expect(rows).toHaveLength(6);
    expect(rows.every((row) => Number(row.split(",")[1]) > 0)).toBe(true);
    const svg = await save("SVG");
    expect(svg.name).toMatch(/\.svg$/);
    const svgText = svg.bytes.toString("utf8");
    expect(svgText).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svgText.match(/class="[^"]*recharts-scatter-symbol\b/g)).toHaveLength(6);
    const drawnWidth = Number(svgText.match(/ width="(\d+)"/)?.[1]);
    expect(drawnWidth).toBeGreaterThan(300);
    const png = await save("PNG");
    expect(png.name).toMatch(/\.png$/);
    expect(png.bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
    // Drawn at twice the chart's size: the IHDR chunk's width.
    expect(png.bytes.readUInt32BE(16)).toBe(drawnWidth * 2);
  });

  it("measures the device's peaks and sees the sweep's best kernel on the roofline", async () => {
    await tab("Device").click();
    await page.getByRole("button", { name: "Measure peak FLOPS and bandwidth" }).click();
    await page.getByTestId("peak-flops").waitFor({ timeout: 120_000 });
    expect(await page.getByTestId("peak-flops").textContent()).toMatch(/FLOP\/s/);
    await expect
      .poll(() => page.getByTestId("roofline").locator(".recharts-scatter-symbol").count(), {
        timeout: 30_000,
      })
      .toBe(1);
    await shot("device-roofline");
  });

  it("exports the dataset as JSONL with every measured record", async () => {
    await tab("Dataset").click();
    await expect.poll(() => page.getByTestId("record-count").textContent(), { timeout: 30_000 }).toBe("6");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("tunelab-dataset.jsonl");
    const text = readFileSync((await download.path()) as string, "utf8");
    const lines = text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(6);
    expect(lines.every((r) => r.problem.text === PROBLEM && r.status === "ok" && r.medianNs > 0)).toBe(true);
    // The tuning-cost card has read its recording, so the shot shows it ready to replay.
    await expect
      .poll(() => page.getByRole("button", { name: "Replay the strategies" }).isEnabled(), {
        timeout: 60_000,
      })
      .toBe(true);
    await shot("dataset");
  });

  it("reloads in the middle of a sweep and resumes it with nothing lost", async () => {
    await tab("Sweep").click();
    // Exhaustive with a budget visits the first 24 configs in order; the 6 stored ones are reused.
    await page.getByRole("spinbutton", { name: "Budget (candidates)" }).fill("24");
    await page.getByRole("button", { name: "Start sweep" }).click();
    // Wait for a few new candidates beyond the 6 already stored, then pull the plug.
    await expect
      .poll(async () => Number(await page.getByTestId("measured-count").textContent()), { timeout: 60_000 })
      .toBeGreaterThanOrEqual(9);
    await page.reload();
    await expect
      .poll(async () => Number(await page.getByTestId("measured-count").textContent()), { timeout: 30_000 })
      .toBeGreaterThanOrEqual(9);
    // The reload really cut the sweep short, and what it had measured is still stored.
    const stored = Number(await page.getByTestId("measured-count").textContent());
    expect(stored).toBeLessThan(24);
    await page.getByRole("button", { name: "Resume sweep" }).click();
    await page.getByTestId("sweep-status").waitFor({ timeout: 120_000 });
    expect(await page.getByTestId("sweep-status").textContent()).toMatch(/24 of 24 candidates/);
    const after = Number(await page.getByTestId("measured-count").textContent());
    expect(after).toBe(24);
    // Every candidate is stored once: the dataset holds exactly the distinct configs measured.
    await tab("Dataset").click();
    await expect
      .poll(() => page.getByTestId("record-count").textContent(), { timeout: 30_000 })
      .toBe(String(after));
  });

  it("trains a tiny model on a MIOpen perf database, with live curves, and keeps it", async () => {
    await tab("Train").click();
    const chooser = page.getByLabel("MIOpen perf database to train on");
    await chooser.setInputFiles(MIOPEN_DB);
    // The file is read as it is chosen: its solvers, the paper's ConvAsm1x1U first, and its directions.
    const solver = page.getByRole("combobox", { name: "Solver" });
    await expect.poll(() => solver.inputValue(), { timeout: 30_000 }).toBe("ConvAsm1x1U");
    expect(await solver.locator("option").count()).toBeGreaterThan(5);
    await page.getByRole("checkbox", { name: "backward data (B)" }).uncheck();
    expect(await page.getByRole("checkbox", { name: "forward (F)" }).isChecked()).toBe(true);
    // A file that is not a perf database is refused with its reason, and the chosen one stays.
    await chooser.setInputFiles({
      name: "broken.db",
      mimeType: "application/octet-stream",
      buffer: Buffer.from("no"),
    });
    await page.getByText("broken.db is not an SQLite database").waitFor({ timeout: 30_000 });
    expect(await solver.inputValue()).toBe("ConvAsm1x1U");
    expect(await page.getByText("gfx900_56.db.gz").isVisible()).toBe(true);
    await page.getByRole("spinbutton", { name: "Epochs" }).fill("2");
    await page.getByRole("spinbutton", { name: "Hidden units" }).fill("16");
    await page.getByRole("spinbutton", { name: "Batch size" }).fill("512");
    await page.getByRole("spinbutton", { name: "Batch size" }).blur();
    await page.getByRole("button", { name: "Start training" }).click();
    await page.getByRole("progressbar", { name: "Training progress" }).waitFor({ timeout: 120_000 });
    await page.getByTestId("holdout-exact").waitFor({ timeout: 180_000 });
    expect(await page.getByTestId("val-accuracy").textContent()).toMatch(/^\d+\.\d%$/);
    await expect
      .poll(() => page.getByTestId("chart-training").locator(".recharts-line-curve").count())
      .toBeGreaterThan(1);
    expect(await page.getByTestId("current-model").textContent()).toContain("tunelab-latest");
    expect(await page.getByText(/^ConvAsm1x1U: \d+ training rows/).isVisible()).toBe(true);
    await expectBaselineNote();
    await shot("train");
  });

  it("downloads the trained model as the CLI's two files, and the CLI predicts with them", async () => {
    const downloads: Download[] = [];
    const onDownload = (download: Download) => downloads.push(download);
    page.on("download", onDownload);
    await page.getByRole("button", { name: "Download model" }).click();
    await expect.poll(() => downloads.length, { timeout: 60_000 }).toBe(2);
    page.off("download", onDownload);
    expect(downloads.map((d) => d.suggestedFilename()).sort()).toEqual(["model.json", "weights.bin"]);
    const dir = mkdtempSync(join(tmpdir(), "tunelab-model-"));
    for (const download of downloads) await download.saveAs(join(dir, download.suggestedFilename()));
    const modelJson = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
    expect(modelJson.userDefinedMetadata.format).toBe("tunelab-seq2seq");
    expect(modelJson.userDefinedMetadata.source.kind).toBe("miopen");
    expect(modelJson.userDefinedMetadata.tokenizer).toBeTruthy();
    expect(modelJson.weightsManifest[0].paths).toEqual(["./weights.bin"]);
    // float32 weights: 4 bytes per value of every tensor in the manifest.
    const manifestBytes = modelJson.weightsManifest[0].weights
      .map(
        (w: { shape: number[]; dtype: string }) =>
          (w.dtype === "float32" ? 4 : Number.NaN) * w.shape.reduce((a, b) => a * b, 1),
      )
      .reduce((a: number, b: number) => a + b, 0);
    expect(manifestBytes).toBeGreaterThan(0);
    expect(statSync(join(dir, "weights.bin")).size).toBe(manifestBytes);
    // The browser's model loads in the Node CLI, whose beam search yields valid candidates only.
    const out = execFileSync(
      "npm",
      [
        "run",
        "--silent",
        "cli",
        "--",
        "predict",
        "--model",
        dir,
        "--problem",
        "1x64x56x56,64x1x1",
        "--beam",
        "4",
        "--json",
      ],
      { encoding: "utf8", timeout: 120_000 },
    );
    const prediction = JSON.parse(out.trim().split("\n").at(-1) ?? "");
    expect(prediction.ok).toBe(true);
    expect(prediction.solver).toBe(modelJson.userDefinedMetadata.source.families[0]);
    expect(prediction.candidates.length).toBeGreaterThan(0);
    expect(prediction.candidates.length).toBeLessThanOrEqual(4);
    expect(prediction.candidates.every((c: { logProb: number }) => c.logProb <= 0)).toBe(true);
    cliCandidates = prediction.candidates;
    expect(
      await page.getByText("Downloaded indexeddb://tunelab-latest as model.json + weights.bin").isVisible(),
    ).toBe(true);
  });

  it("predicts with the model just trained: the beam's top K valid configs, ranked with their scores", async () => {
    await tab("Predict").click();
    expect(await page.getByTestId("predict-model").textContent()).toContain("tunelab-latest");
    await page.getByRole("textbox", { name: "Problem" }).fill("1x64x56x56,64x1x1");
    await page.getByRole("spinbutton", { name: "Candidates (K)" }).fill("4");
    await page.getByRole("button", { name: "Predict", exact: true }).click();
    const rows = page.getByTestId("candidates").getByRole("row");
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(5);
    const scores = await page.getByTestId("candidates").locator("tbody td:nth-child(3)").allTextContents();
    const values = scores.map(Number);
    expect(values.every((v) => v <= 0)).toBe(true);
    // The page ranks as the CLI does (the neighbour blend saved in the model included): the same
    // candidates in the same order, up to the float differences of tfjs's webgpu and wasm backends.
    expect(values).toHaveLength(cliCandidates.length);
    values.forEach((v, i) => {
      expect(Math.abs(v - (cliCandidates[i]?.logProb ?? Number.NaN))).toBeLessThan(0.002);
    });
    if (!(await page.getByTestId("reranked-note").isVisible())) {
      expect([...values].sort((a, b) => b - a)).toEqual(values);
    }
    // A MIOpen solver's configs run on AMD GPUs, not here: the page says so instead of measuring them.
    expect(await page.getByRole("button", { name: "Measure candidates" }).isDisabled()).toBe(true);
    expect(await page.getByText("which runs on AMD GPUs").isVisible()).toBe(true);
    // The README's Predict shot shows how the beam searched, too.
    await page.getByRole("button", { name: "Show the search" }).click();
    await page.getByTestId("step-mass").waitFor({ timeout: 60_000 });
    await shot("predict");
  });

  it("predicts with the recorded model of this lab's kernels, measures the candidates and compares with tfjs", async () => {
    await page.getByRole("button", { name: "Use the recorded model" }).click();
    await expect
      .poll(() => page.getByTestId("predict-model").textContent(), { timeout: 60_000 })
      .toContain("recorded demo model");
    await page.getByRole("textbox", { name: "Problem" }).fill(PROBLEM);
    await page.getByRole("spinbutton", { name: "Candidates (K)" }).fill("3");
    await page.getByRole("button", { name: "Predict", exact: true }).click();
    const rows = page.getByTestId("candidates").getByRole("row");
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(4);
    await page.getByRole("button", { name: "Measure candidates" }).click();
    const measuredCells = page.getByTestId("candidates").locator("tbody td:nth-child(6)");
    await expect
      .poll(async () => (await measuredCells.allTextContents()).every((t) => /(ns|µs|ms)$/.test(t)), {
        timeout: 120_000,
      })
      .toBe(true);
    await page.getByRole("button", { name: "Measure candidates" }).waitFor({ timeout: 120_000 });
    expect(await page.getByTestId("speedup").textContent()).toMatch(/^\d+\.\d\d×$/);
    expect(await page.getByTestId("chart-score").locator(".recharts-scatter-symbol").count()).toBe(3);
    await shot("predict-measured");
  });

  it("trains a new model on this lab's own sweep records, and fine-tunes it on new ones", async () => {
    const start = page.getByRole("button", { name: "Start training" });
    const why = async () =>
      page.locator(`[id="${await start.getAttribute("aria-describedby")}"]`).textContent();
    await tab("Train").click();
    await page.getByRole("radio", { name: /^This lab's records \(1 problems/ }).check();
    await page.getByRole("radio", { name: "A new model" }).check();
    expect(await start.isDisabled()).toBe(true);
    expect(await why()).toMatch(/at least 6 problems .*; these have 1: sweep or import more/);
    // More small problems, one candidate each (the first valid config of the family Sweep picks).
    for (const problem of MORE_PROBLEMS.slice(0, 5)) await sweepOne(problem);
    await tab("Train").click();
    await page.getByRole("radio", { name: /^This lab's records \(6 problems/ }).check();

    // The recorded model never learnt these kernels: fine-tuning it is refused, saying why.
    await page.getByRole("radio", { name: "Fine-tune recorded demo model on this data" }).check();
    await start.click();
    await page.getByText("Training failed").waitFor({ timeout: 60_000 });
    expect(await page.getByRole("alert").filter({ hasText: "Training failed" }).textContent()).toMatch(
      /none of the 6 tuned problems here fits the model's vocabulary: their fastest configs need direct, which it has no token for .*; train a new model on them/,
    );
    expect(await page.getByTestId("current-model").textContent()).toContain("recorded demo model");

    // A new model of this GPU's records: tiny and quick.
    await page.getByRole("radio", { name: "A new model" }).check();
    await page.getByRole("spinbutton", { name: "Hidden units" }).fill("16");
    await page.getByRole("spinbutton", { name: "Epochs" }).fill("3");
    await page.getByRole("spinbutton", { name: "Batch size" }).fill("8");
    await page.getByRole("spinbutton", { name: "Batch size" }).blur();
    await start.click();
    await page.getByTestId("holdout-exact").waitFor({ timeout: 120_000 });
    expect(await page.getByText(/^direct: 4 training problems, 1 for validation/).isVisible()).toBe(true);
    expect(await page.getByTestId("current-model").textContent()).toContain("tunelab-latest");
    await expectBaselineNote();
    await shot("train-records");

    // A new problem measured, and the model keeps learning on the records.
    await sweepOne(MORE_PROBLEMS[5] as string);
    await tab("Train").click();
    await page.getByRole("radio", { name: /^This lab's records \(7 problems/ }).check();
    await page.getByRole("radio", { name: "Fine-tune indexeddb://tunelab-latest on this data" }).check();
    await start.click();
    const table = page.getByTestId("before-after");
    await table.waitFor({ timeout: 120_000 });
    expect(await page.getByText("Fine-tuned indexeddb://tunelab-latest", { exact: true }).isVisible()).toBe(
      true,
    );
    const cells = await table.locator("tbody td").allTextContents();
    expect(cells.every((c) => /^\d+\.\d%$/.test(c))).toBe(true);
    expect(
      await page
        .getByText(/^Fine-tuned indexeddb:\/\/tunelab-latest on this device's records; kept/)
        .isVisible(),
    ).toBe(true);
    await shot("train-fine-tuned");
  });

  it("left no console errors or warnings", () => {
    expect(problems).toEqual([]);
  });
});
