import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sampleRecord } from "../../core/dataset/fixtures";
import type { SweepRequest } from "../../worker/index";
import { createLabStore, type LabStore, setLabStore } from "../store";
import { keepSweepHistory } from "../store/history";
import { SweepHistory } from "./SweepHistory";

const record = sampleRecord({ medianNs: 2500 });
const request: SweepRequest = {
  problems: [record.problem.text],
  families: [record.family],
  strategy: "random",
  budget: { candidates: 12 },
  seed: 7,
};

const NO_DRIFT = {
  threshold: 0.05,
  checks: 1,
  drifted: 0,
  unresolved: 0,
  retimed: 0,
  maxDeviation: 0,
  log: [],
};

/** A store whose sweep ran and ended as `ended`. */
function sweepEnded(store: LabStore, ended: "budget" | "failed") {
  store.setState({
    sweep: { state: "running", jobId: "j", request, done: 3, total: 12, etaMs: null, startedAt: 0 },
  });
  store.setState({ sweepRecords: [record] });
  store.setState({
    sweep:
      ended === "failed"
        ? { state: "failed", request, message: "device lost" }
        : {
            state: "finished",
            request,
            stopped: "budget",
            done: 12,
            total: 12,
            perSecond: 4,
            drift: NO_DRIFT,
          },
  });
}

describe("the sweep history", () => {
  beforeEach(() => localStorage.clear());
  afterEach(cleanup);

  it("keeps each ended sweep with its settings, newest first, across a reload", () => {
    const store = createLabStore();
    const stop = keepSweepHistory(store);
    sweepEnded(store, "budget");
    sweepEnded(store, "failed");
    stop();
    const history = store.getState().sweepHistory;
    expect(history.map((e) => [e.outcome, e.done])).toEqual([
      ["failed", 3],
      ["budget", 12],
    ]);
    expect(history[1]).toMatchObject({ request, total: 12, bestNs: 2500 });
    // A new page reads what this one kept.
    expect(createLabStore().getState().sweepHistory).toEqual(history);
  });

  it("lists the sweeps and puts one's problem, family and settings back in the form", () => {
    const store = createLabStore();
    setLabStore(store);
    const stop = keepSweepHistory(store);
    sweepEnded(store, "budget");
    stop();
    render(<SweepHistory />);
    const entry = screen.getByRole("listitem");
    expect(entry.textContent).toContain(`${record.family} · random, budget 12, seed 7`);
    expect(entry.textContent).toContain("12 of 12 candidates, budget reached; fastest then 2.5 µs");
    fireEvent.click(screen.getByRole("button", { name: "Use these settings" }));
    expect(store.getState().view).toMatchObject({ problem: record.problem.text, family: record.family });
    expect(store.getState().sweepSettings).toEqual({ strategy: "random", budget: 12, seed: 7 });
    fireEvent.click(screen.getByRole("button", { name: "Clear" }));
    expect(screen.getByText("No sweep has ended here yet.")).toBeTruthy();
  });
});
