import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { Remote } from "comlink";
import { afterEach, describe, expect, it, vi } from "vitest";
import { artifactsFromFiles } from "../../../core/learn/artifacts";
import { type ModelWorkerApi, modelApi } from "../../../worker/model-api";
import { RecordingSchema } from "../../demo";
import { createLabStore, setLabStore } from "../../store";
import { DEFAULT_VIEW } from "../../url";
import PredictPage from "./PredictPage";

const recording = RecordingSchema.parse({
  device: { vendor: "nvidia", architecture: "", description: "NVIDIA H200" },
  recordedAt: "2026-12-01",
  dataset: "dataset.jsonl",
  model: "model/model.json",
});

describe("PredictPage", () => {
  afterEach(cleanup);

  it("chooses the recorded model in demo mode", () => {
    const loadRecordedModel = vi.fn(async () => {});
    const store = createLabStore({ view: { ...DEFAULT_VIEW, page: "predict", demo: true } });
    store.setState({ demoData: { state: "available", recording, base: "/demo/" }, loadRecordedModel });
    setLabStore(store);
    render(<PredictPage />);
    expect(loadRecordedModel).toHaveBeenCalledOnce();
  });

  it("says why Predict is disabled without a model", () => {
    setLabStore(createLabStore({ view: { ...DEFAULT_VIEW, page: "predict" } }));
    render(<PredictPage />);
    const predict = screen.getByRole("button", { name: "Predict", description: /No model yet/ });
    expect(predict.hasAttribute("disabled")).toBe(true);
  });

  it("steps through the recorded model's constrained beam and shows which features drive each parameter", async () => {
    // The model Worker's own API in this process, holding the recorded demo model (tfjs's wasm backend).
    const model = modelApi({
      backend: async () => {
        await tf.setBackend("wasm");
        return "wasm";
      },
      openPerfDb: async () => {
        throw new Error("no perf databases here");
      },
      load: async () =>
        artifactsFromFiles({
          modelJson: readFileSync("public/demo/model/model.json", "utf8"),
          weights: new Uint8Array(readFileSync("public/demo/model/weights.bin")),
        }),
      save: async () => {},
      list: async () => [],
    });
    const problem = "1x256x14x14,256x3x3,pad=1,layout=NHWC";
    const store = createLabStore({
      view: { ...DEFAULT_VIEW, page: "predict", problem },
      engines: {
        engine: () => {
          throw new Error("no GPU engine here");
        },
        modelEngine: () => model as unknown as Remote<ModelWorkerApi>,
      },
    });
    store.setState({ topK: 4 });
    await store.getState().loadModel("/demo/model/model.json");
    setLabStore(store);
    render(<PredictPage />);
    expect(screen.queryByRole("button", { name: "Show the search" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Predict" }));
    await waitFor(() => expect(screen.getByTestId("candidates")).toBeTruthy(), { timeout: 20_000 });
    // K changed after predicting: the search shown is still the prediction's (4 beams).
    fireEvent.change(screen.getByRole("spinbutton", { name: "Candidates (K)" }), { target: { value: "1" } });
    fireEvent.click(screen.getByRole("button", { name: "Show the search" }));
    const steps = await screen.findByTestId("beam-steps", {}, { timeout: 20_000 });

    // The step slider walks the best candidate's family's parameters; the last step keeps the
    // candidates of that family that the candidates' table shows, with the same scores.
    const slider = within(steps).getByRole("slider");
    expect(slider.getAttribute("aria-valuetext")).toBe("step 1 of 9, BM");
    fireEvent.change(slider, { target: { value: "8" } });
    expect(slider.getAttribute("aria-valuetext")).toBe("step 9 of 9, DB");
    const kept = within(screen.getByTestId("kept-beams")).getAllByRole("row").slice(1);
    expect(kept).toHaveLength(4);
    const table = within(screen.getByTestId("candidates")).getAllByRole("row").slice(1);
    const igemm = table.filter((row) => row.textContent?.includes("igemm"));
    expect(igemm.length).toBeGreaterThan(0);
    expect(kept.map((row) => row.lastElementChild?.textContent)).toEqual(
      expect.arrayContaining(igemm.map((row) => row.children[3]?.textContent)),
    );

    // Another family's beam, from its first step, to its last: split-K's SK.
    fireEvent.change(within(steps).getByRole("combobox"), { target: { value: "splitk" } });
    expect(slider.getAttribute("aria-valuetext")).toBe("step 1 of 10, BM");
    fireEvent.change(slider, { target: { value: "9" } });
    expect(slider.getAttribute("aria-valuetext")).toBe("step 10 of 10, SK");
    // At SK the split-depth rule masks SK=32 (this layer's 144 k tiles of BK=16 cannot make 32 slices
    // of two tiles), struck through with its reason and the mass it took.
    const masked = within(screen.getByTestId("expansions")).getAllByText("SK=32");
    expect(masked[0]?.tagName).toBe("S");
    expect(screen.getAllByText(/^masked by split-depth: 144 k tiles of BK=16 /).length).toBeGreaterThan(0);
    // The model has a token for every SK (its tokenizer covers split-K's whole range, winners or not).
    expect(screen.queryByText(/^Never in training, so the model has no token for/)).toBeNull();
    expect(screen.getByTestId("step-mass").textContent).toMatch(
      /^Constraints removed \d+\.\d+% of the probability mass at SK/,
    );

    // Saliency: one column per decoded token, one row per feature the model reads, by readable name.
    const grid = screen.getByRole("grid", { name: "Feature saliency per predicted token" });
    expect(within(grid).getByRole("columnheader", { name: "token=family=igemm" })).toBeTruthy();
    expect(within(grid).getByRole("rowheader", { name: "feature=input channels C = 256" })).toBeTruthy();
    expect(within(grid).getAllByRole("gridcell")).toHaveLength(10 * 13);
    // One tab stop in the grid.
    expect(
      within(grid)
        .getAllByRole("gridcell")
        .filter((c) => c.tabIndex === 0),
    ).toHaveLength(1);
  }, 60_000);
});
