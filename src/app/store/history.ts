import type { StateCreator } from "zustand/vanilla";
import type { TuningRecord } from "../../core/dataset/record";
import type { SweepRequest } from "../../worker/index";
import { fastest } from "../sweep/derive";
import type { LabState, LabStore } from "./index";

/** One finished (or failed) sweep: what was asked, and how it ended. */
export interface SweepHistoryEntry {
  /** When it ended (ms since the epoch). */
  endedAt: number;
  request: SweepRequest;
  outcome: "exhausted" | "budget" | "aborted" | "failed";
  done: number;
  total: number;
  /** The fastest time of the sweep's problem and family when it ended, if any candidate ran. */
  bestNs: number | null;
}

/** The newest sweeps kept; older ones drop off. */
export const HISTORY_LIMIT = 50;
const HISTORY_KEY = "tunelab.sweep.history";

export interface HistorySlice {
  /** Newest first. */
  sweepHistory: SweepHistoryEntry[];
  clearSweepHistory(): void;
}

function readHistory(): SweepHistoryEntry[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? "[]");
    return Array.isArray(parsed) ? (parsed as SweepHistoryEntry[]) : [];
  } catch {
    return [];
  }
}

/** Saves the history; a full storage quota loses only the history, never the sweep. */
function writeHistory(history: readonly SweepHistoryEntry[]): void {
  try {
    localStorage.setItem(HISTORY_KEY, JSON.stringify(history));
  } catch {
    // The history is a convenience: the records themselves are in IndexedDB.
  }
}

export const createHistorySlice: StateCreator<LabState, [], [], HistorySlice> = (set) => ({
  sweepHistory: typeof localStorage === "undefined" ? [] : readHistory(),
  clearSweepHistory: () => {
    writeHistory([]);
    set({ sweepHistory: [] });
  },
});

/** Whether a record is of a problem and family the request swept (the page may show another by now). */
function sweptBy(request: SweepRequest, record: TuningRecord): boolean {
  return (
    request.problems.includes(record.problem.text) &&
    (request.families === "all" || request.families.includes(record.family))
  );
}

/** Adds each sweep to the history as it ends (finished, cancelled or failed). Returns an unsubscribe. */
export function keepSweepHistory(store: LabStore): () => void {
  return store.subscribe((state, previous) => {
    if (previous.sweep.state !== "running" || state.sweep === previous.sweep) return;
    const ended = state.sweep;
    if (ended.state !== "finished" && ended.state !== "failed") return;
    const entry: SweepHistoryEntry = {
      endedAt: Date.now(),
      request: ended.request,
      outcome: ended.state === "failed" ? "failed" : ended.stopped,
      done: ended.state === "failed" ? previous.sweep.done : ended.done,
      total: ended.state === "failed" ? previous.sweep.total : ended.total,
      bestNs: fastest(state.sweepRecords.filter((r) => sweptBy(ended.request, r)))?.medianNs ?? null,
    };
    const sweepHistory = [entry, ...state.sweepHistory].slice(0, HISTORY_LIMIT);
    writeHistory(sweepHistory);
    store.setState({ sweepHistory });
  });
}
