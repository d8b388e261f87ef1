import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RecordingSchema } from "../../demo";
import { createLabStore, setLabStore } from "../../store";
import { DEFAULT_VIEW } from "../../url";
import PredictPage from "./PredictPage";

const recording = RecordingSchema.parse({
  device: { vendor: "nvidia", architecture: "", description: "NVIDIA H100" },
  recordedAt: "2026-11-25",
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
});
