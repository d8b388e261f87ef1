import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { sampleRecord } from "../../../core/dataset/fixtures";
import { problemEntry } from "../../../core/dataset/record";
import { parseProblem } from "../../../core/problem";
import type { NamedFile } from "../../../worker/model";
import { createLabStore, type LabStore, setLabStore } from "../../store";
import TrainPage from "./TrainPage";

const TRAINED = { name: "indexeddb://tunelab-latest", families: ["ConvAsm1x1U"], kind: "miopen" as const };
const FILES: NamedFile[] = [
  { name: "model.json", data: '{"format":"layers-model"}' },
  { name: "weights.bin", data: new Uint8Array(12) },
];

describe("TrainPage's Download model", () => {
  let store: LabStore;
  let saved: { name: string; blob: Blob }[];

  beforeEach(() => {
    store = createLabStore();
    setLabStore(store);
    saved = [];
    // jsdom has no object URLs and does not navigate: record what each link would have saved.
    const blobs = new Map<string, Blob>();
    URL.createObjectURL = (blob: Blob) => {
      const url = `blob:test/${blobs.size}`;
      blobs.set(url, blob);
      return url;
    };
    URL.revokeObjectURL = (url: string) => void blobs.delete(url);
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      const blob = blobs.get(this.href);
      if (blob) saved.push({ name: this.download, blob });
    });
  });
  afterEach(() => {
    cleanup();
    vi.restoreAllMocks();
  });

  it("is disabled until a model is held", () => {
    render(<TrainPage />);
    expect(screen.getByRole("button", { name: "Download model" }).hasAttribute("disabled")).toBe(true);
  });

  it("saves the held model's files under their names, byte for byte", async () => {
    const modelFiles = vi.fn(async () => FILES);
    store.setState((s) => ({ model: { ...s.model, current: TRAINED }, modelFiles }));
    render(<TrainPage />);
    const button = screen.getByRole("button", { name: "Download model" });
    await act(async () => fireEvent.click(button));
    await waitFor(() => expect(saved).toHaveLength(2));
    expect(modelFiles).toHaveBeenCalledOnce();
    expect(saved.map((s) => s.name)).toEqual(["model.json", "weights.bin"]);
    expect(await saved[0]?.blob.text()).toBe(FILES[0]?.data);
    expect(saved[0]?.blob.type).toBe("application/json");
    expect(saved[1]?.blob.size).toBe(12);
    expect(button.hasAttribute("disabled")).toBe(false);
  });

  it("says why when the engine cannot give the files, and saves nothing", async () => {
    // No Worker in jsdom: the store's own action meets the failure a dead engine would give.
    store.setState((s) => ({ model: { ...s.model, current: TRAINED } }));
    render(<TrainPage />);
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Download model" })));
    await screen.findByText(/Worker is not defined/);
    expect(saved).toEqual([]);
  });
});

describe("TrainPage's training data", () => {
  afterEach(cleanup);

  it("learns from the records on show or a perf database, and says what Start training waits for", () => {
    const store = createLabStore();
    setLabStore(store);
    render(<TrainPage />);
    const start = () => screen.getByRole("button", { name: "Start training" });
    screen.getByRole("button", { name: "Start training", description: /Choose the training data/ });
    expect(start().hasAttribute("disabled")).toBe(true);
    expect(screen.getByText("Choose a perf database…")).toBeTruthy();
    fireEvent.click(screen.getByRole("radio", { name: /This lab's records \(0 problems/ }));
    expect(store.getState().trainOn).toBe("records");
    expect(screen.queryByText("Choose a perf database…")).toBeNull();
    screen.getByRole("button", { name: "Start training", description: /No verified records/ });
    expect(start().hasAttribute("disabled")).toBe(true);
    const problem = problemEntry(parseProblem("1x8x8x8,8x3x3,pad=1"));
    act(() => store.setState({ records: [sampleRecord({ problem }), sampleRecord()] }));
    expect(screen.getByRole("radio", { name: /This lab's records \(2 problems/ })).toBeTruthy();
    expect(start().hasAttribute("disabled")).toBe(false);
  });
});
