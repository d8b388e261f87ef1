import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { sampleRecord } from "../../../core/dataset/fixtures";
import { problemEntry } from "../../../core/dataset/record";
import type { EvalReport } from "../../../core/learn/pipeline";
import { parseProblem } from "../../../core/problem";
import type { NamedFile, TrainSummary } from "../../../worker/model";
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
    // A perf database holds one tuned config per problem: no near-best share to learn from.
    expect(screen.queryByRole("spinbutton", { name: "Near-best configs (%)" })).toBeNull();
    fireEvent.click(screen.getByRole("radio", { name: /This lab's records \(0 problems/ }));
    expect(screen.getByRole("spinbutton", { name: "Near-best configs (%)" })).toBeTruthy();
    expect(store.getState().trainOn).toBe("records");
    expect(screen.queryByText("Choose a perf database…")).toBeNull();
    screen.getByRole("button", { name: "Start training", description: /No verified records/ });
    expect(start().hasAttribute("disabled")).toBe(true);
    // Fewer problems than a split into training, validation and held-out parts needs.
    const record = (text: string) => sampleRecord({ problem: problemEntry(parseProblem(text)) });
    const problems = [1, 2, 3, 4, 5, 6].map((c) => `1x${c}x8x8,8x3x3,pad=1`);
    act(() => store.setState({ records: problems.slice(0, 2).map(record) }));
    expect(screen.getByRole("radio", { name: /This lab's records \(2 problems/ })).toBeTruthy();
    screen.getByRole("button", {
      name: "Start training",
      description: /at least 6 problems .*; these have 2: sweep or import more/,
    });
    act(() => store.setState({ records: problems.map(record) }));
    expect(start().hasAttribute("disabled")).toBe(false);

    // Fine-tuning needs a held model of the same kind of data, and keeps its architecture.
    fireEvent.click(screen.getByRole("radio", { name: "Fine-tune the held model on this data" }));
    screen.getByRole("button", { name: "Start training", description: /No model to fine-tune/ });
    expect(screen.queryByRole("spinbutton", { name: "Hidden units" })).toBeNull();
    expect(screen.queryByRole("checkbox", { name: "Attention" })).toBeNull();
    act(() => store.setState((s) => ({ model: { ...s.model, current: TRAINED } })));
    screen.getByRole("button", {
      name: "Start training",
      description:
        "indexeddb://tunelab-latest learnt from a MIOpen perf database; it can keep learning only from a MIOpen perf database, not from this lab's records.",
    });
    act(() => store.setState((s) => ({ model: { ...s.model, current: { ...TRAINED, kind: "tunelab" } } })));
    expect(
      screen.getByRole("radio", { name: "Fine-tune indexeddb://tunelab-latest on this data" }),
    ).toBeTruthy();
    expect(start().hasAttribute("disabled")).toBe(false);
    fireEvent.click(screen.getByRole("radio", { name: "A new model" }));
    expect(screen.getByRole("spinbutton", { name: "Hidden units" })).toBeTruthy();
  });
});

describe("TrainPage's near-best share", () => {
  afterEach(cleanup);

  it("trains on records with every config within the share of the best, as a fraction", async () => {
    const requests: unknown[] = [];
    // The request is what this test reads; the run itself ends there.
    const trainModel = vi.fn(async (_job: string, request: unknown) => {
      requests.push(request);
      throw new Error("stopped after the request");
    });
    const store = createLabStore({
      engines: {
        engine: () => ({}) as never,
        modelEngine: () => ({ trainModel, modelFiles: async () => [] }) as never,
      },
    });
    setLabStore(store);
    const record = (text: string) => sampleRecord({ problem: problemEntry(parseProblem(text)) });
    store.setState({ records: [1, 2, 3, 4, 5, 6].map((c) => record(`1x${c}x8x8,8x3x3,pad=1`)) });
    render(<TrainPage />);
    fireEvent.click(screen.getByRole("radio", { name: /This lab's records \(6 problems/ }));
    const share = screen.getByRole("spinbutton", { name: "Near-best configs (%)" });
    fireEvent.change(share, { target: { value: "3" } });
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Start training" })));
    await waitFor(() => expect(trainModel).toHaveBeenCalledOnce());
    expect(requests[0]).toMatchObject({ options: { nearBest: 0.03 } });
  });
});

/** A held-out report as evaluateModel gives it: `exact` for the model, `nearest` for its nearest-neighbour baseline. */
function report(exact: number, nearest: number): EvalReport {
  const scores = { n: 12, exact, perValue: 0.6, topK: 0.5, valid: 1, unanswered: 0 };
  return {
    ...scores,
    modelAlone: scores,
    family: 1,
    teacherForced: { loss: 1.2, accuracy: 0.7 },
    baselines: {
      mostFrequent: { exact: 0.1, perValue: 0.4 },
      nearestNeighbour: { exact: nearest, perValue: 0.7 },
    },
  };
}

const epoch = (n: number, of: number) => ({
  epoch: n,
  epochs: of,
  loss: 2 / n,
  valLoss: 2.5 / n,
  valAccuracy: 0.1 * n,
  seconds: n,
});

function summary(overrides: Partial<TrainSummary>): TrainSummary {
  return {
    kind: "tunelab",
    families: ["igemm", "splitk"],
    backend: "wasm",
    examples: { train: 42, validation: 4, holdout: 12 },
    history: [epoch(1, 2), epoch(2, 2)],
    bestEpoch: 2,
    seconds: 3,
    holdout: report(0.25, 0.25),
    savedAs: "tunelab-latest",
    costModels: [{ family: "igemm", examples: 1200, loss: 0.05 }],
    ...overrides,
  };
}

describe("TrainPage's training run", () => {
  let store: LabStore;
  beforeEach(() => {
    store = createLabStore();
    setLabStore(store);
  });
  afterEach(cleanup);

  it("names the step after the last epoch instead of a time left that would stay at 0 s", () => {
    const history = [epoch(1, 2)];
    const running = {
      state: "running" as const,
      jobId: "j",
      history,
      phase: "training" as const,
      from: null,
    };
    store.setState({ training: running });
    render(<TrainPage />);
    expect(screen.getByText(/^about \d+ s left$/)).toBeTruthy();
    act(() =>
      store.setState({
        training: { ...running, history: [...history, epoch(2, 2)], phase: "choosing-blend" },
      }),
    );
    expect(screen.getByTestId("training-phase").textContent).toBe(
      "Choosing the neighbour blend on the validation problems…",
    );
    act(() => store.setState({ training: { ...running, phase: "evaluating" } }));
    expect(screen.getByTestId("training-phase").textContent).toBe("Evaluating on held-out problems…");
    expect(screen.queryByText(/left$/)).toBeNull();
  });

  it("explains a headline below the nearest-neighbour baseline, and what to do", () => {
    const done = (s: TrainSummary) =>
      store.setState({ training: { state: "done", history: s.history, summary: s, from: null } });
    done(summary({ holdout: report(0.25, 0.25) }));
    render(<TrainPage />);
    expect(screen.queryByText("Below the nearest-neighbour baseline")).toBeNull();
    // Few problems, and the validation loss still falling at the last epoch.
    act(() => done(summary({ holdout: report(1 / 12, 4 / 12) })));
    expect(screen.getByTestId("below-baseline").textContent).toBe(
      "On these 12 problems the model's first answer was the tuned config 8.3% of the time; copying the config of the most similar training problem was right 33.3% of the time. The model has not yet learnt more than its closest example tells.",
    );
    const advice = () => screen.getByText("Below the nearest-neighbour baseline").parentElement?.textContent;
    expect(advice()).toContain(
      "This run learnt from 42 problems: a nearest neighbour needs one close example",
    );
    expect(advice()).toContain(
      "Its validation loss was still falling at the last epoch (2): raise Epochs or the time budget.",
    );
    // Many problems, stopped by patience: more epochs will not help.
    act(() =>
      done(
        summary({
          holdout: report(0.1, 0.3),
          examples: { train: 900, validation: 100, holdout: 250 },
          history: [1, 2, 3, 4].map((n) => epoch(n, 9)),
          bestEpoch: 2,
        }),
      ),
    );
    expect(advice()).toContain(
      "Its validation loss stopped improving at epoch 2, so more epochs will not help",
    );
    expect(advice()).not.toContain("This run learnt from");
  });

  it("shows a fine-tuned model beside the one it started from, and what was left out", () => {
    const tuned = summary({
      holdout: report(0.5, 0.25),
      fineTuned: {
        before: report(0.25, 0.25),
        leftOut: {
          examples: 8,
          of: 66,
          tokens: [
            { token: "splitk TM=8", examples: 7 },
            { token: "splitk BK=8", examples: 2 },
          ],
        },
      },
    });
    store.setState({
      training: { state: "done", history: tuned.history, summary: tuned, from: "recorded demo model" },
    });
    render(<TrainPage />);
    expect(screen.getByText("Fine-tuned recorded demo model").parentElement?.textContent).toContain(
      "Beside it, a cost model of igemm (1200 recorded times) ranks whole spaces for the Dataset page's replays.",
    );
    const table = screen.getByTestId("before-after");
    expect(table.querySelector("caption")?.textContent).toBe(
      "recorded demo model before and after fine-tuning, on the same 12 held-out problems",
    );
    const exact = screen.getByRole("rowheader", { name: "Exact (top-1)" }).parentElement;
    expect(exact?.textContent).toBe("Exact (top-1)25.0%50.0%");
    expect(screen.getByText("8 of 66 problems left out")).toBeTruthy();
    expect(screen.getByTestId("left-out").textContent).toContain(
      "values this model has no token for: splitk TM=8 (7), splitk BK=8 (2).",
    );
  });
});
