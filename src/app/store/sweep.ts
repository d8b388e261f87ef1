import { proxy } from "comlink";
import type { StateCreator } from "zustand/vanilla";
import { deviceInfoOf } from "../../core/dataset/device";
import { recordKey, type TuningRecord } from "../../core/dataset/record";
import type { RankedConfig } from "../../core/search/model-guided";
import type { SweepOutcome, SweepProgress, SweepRequest } from "../../worker/index";
import { errorMessage } from "../engine";
import type { LabState } from "./index";

export type SweepStrategy = SweepRequest["strategy"];

export interface SweepSettings {
  strategy: SweepStrategy;
  /** Most candidates to measure (exhaustive stops at the space size). */
  budget: number;
  seed: number;
}

export type SweepRun =
  | { state: "idle" }
  | {
      state: "running";
      jobId: string;
      request: SweepRequest;
      done: number;
      total: number;
      etaMs: number | null;
      startedAt: number;
    }
  | {
      state: "finished";
      request: SweepRequest;
      stopped: "exhausted" | "budget" | "aborted";
      done: number;
      total: number;
      /** Candidates measured per second (stored ones not counted); null when none was measured. */
      perSecond: number | null;
      /** What the engine's drift checks saw. */
      drift: SweepOutcome["drift"];
    }
  | { state: "failed"; request: SweepRequest; message: string };

/** A sweep that was running when the page went away: the "Resume" button starts it again. */
const INTERRUPTED_KEY = "tunelab.sweep.running";

export interface SweepSlice {
  sweepSettings: SweepSettings;
  sweep: SweepRun;
  /** The records of the chosen problem and family, in the order they were measured. */
  sweepRecords: TuningRecord[];
  /** The request of a sweep that a reload or a closed tab cut short, if any. */
  interrupted: SweepRequest | null;
  setSweepSettings(partial: Partial<SweepSettings>): void;
  loadSweepRecords(problem: string, family: string): Promise<void>;
  /** Forgets the chosen problem's records, once the store that held them was emptied. */
  forgetSweepRecords(): void;
  startSweep(request: SweepRequest): Promise<void>;
  cancelSweep(): Promise<void>;
}

function readInterrupted(): SweepRequest | null {
  try {
    const text = localStorage.getItem(INTERRUPTED_KEY);
    return text ? (JSON.parse(text) as SweepRequest) : null;
  } catch {
    return null;
  }
}

const DEFAULT_SWEEP_SETTINGS: SweepSettings = { strategy: "exhaustive", budget: 64, seed: 1 };

/** The form as a request had it (the defaults for what it leaves out). */
function settingsOf(request: SweepRequest | null): SweepSettings {
  return {
    strategy: request?.strategy ?? DEFAULT_SWEEP_SETTINGS.strategy,
    budget: request?.budget?.candidates ?? DEFAULT_SWEEP_SETTINGS.budget,
    seed: request?.seed ?? DEFAULT_SWEEP_SETTINGS.seed,
  };
}

/** After a reload: the interrupted sweep, and the form set as it was for it, beside "Resume". */
function restoredForm(): Pick<SweepSlice, "interrupted" | "sweepSettings"> {
  const interrupted = typeof localStorage === "undefined" ? null : readInterrupted();
  return { interrupted, sweepSettings: settingsOf(interrupted) };
}

export const createSweepSlice: StateCreator<LabState, [], [], SweepSlice> = (set, get) => ({
  ...restoredForm(),
  sweep: { state: "idle" },
  sweepRecords: [],
  setSweepSettings: (partial) => set((s) => ({ sweepSettings: { ...s.sweepSettings, ...partial } })),

  async loadSweepRecords(problem, family) {
    try {
      const records = await get().engines.engine().records({ problem, family });
      records.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      set({ sweepRecords: records });
    } catch {
      set({ sweepRecords: [] }); // no engine (no WebGPU): nothing stored on this device
    }
  },

  forgetSweepRecords: () => set({ sweepRecords: [] }),

  async startSweep(request) {
    if (get().sweep.state === "running") return;
    const jobId = `sweep-${Date.now()}`;
    localStorage.setItem(INTERRUPTED_KEY, JSON.stringify(request));
    set({
      sweep: { state: "running", jobId, request, done: 0, total: 0, etaMs: null, startedAt: Date.now() },
      interrupted: null,
    });
    // Progress arrives on its own message channel, so it may trail the final result: count from the
    // result, and reload the records from the store once the run ends.
    const onProgress = (p: SweepProgress) => {
      const run = get().sweep;
      if (run.state !== "running" || run.jobId !== jobId) return;
      set((s) => ({
        sweep: { ...run, done: p.done, total: p.total, etaMs: p.etaMs },
        sweepRecords: s.sweepRecords.some((r) => sameCandidate(r, p.record))
          ? s.sweepRecords
          : [...s.sweepRecords, p.record],
      }));
    };
    let ended: SweepRun;
    try {
      const rankings = request.strategy === "model-guided" ? await modelRankings(get(), request) : undefined;
      const outcome = await get().engines.engine().sweep(jobId, request, proxy(onProgress), rankings);
      const run = get().sweep;
      ended = {
        state: "finished",
        request,
        stopped: outcome.stopped,
        done: outcome.candidates,
        total: run.state === "running" && run.total ? run.total : outcome.candidates,
        perSecond: outcome.throughput.perSecond,
        drift: outcome.drift,
      };
    } catch (error) {
      ended = { state: "failed", request, message: errorMessage(error) };
    }
    localStorage.removeItem(INTERRUPTED_KEY);
    // Reloaded before the run is marked ended: a drift check may have re-timed candidates after
    // progress reported them, and what reads the ended run (the history) must see the final times.
    const [problem] = request.problems;
    const families = request.families;
    if (problem && families !== "all" && families[0]) await get().loadSweepRecords(problem, families[0]);
    await get().loadRecords();
    set({ sweep: ended });
  },

  async cancelSweep() {
    const run = get().sweep;
    if (run.state !== "running") return;
    await get().engines.engine().cancel(run.jobId);
  },
});

function sameCandidate(a: TuningRecord, b: TuningRecord): boolean {
  return recordKey(a) === recordKey(b);
}

/**
 * Model-guided: the held model ranks each problem's configs across families on this GPU (a beam as
 * wide as the budget, each family's share fused with the model's cost model of it where it carries
 * one), and the engine's sweep measures each family's share of that ranking, best first, with core's
 * model-guided strategy (the CLI's `sweep --strategy model-guided`).
 */
async function modelRankings(
  state: LabState,
  request: SweepRequest,
): Promise<Record<string, RankedConfig[]>> {
  if (!state.model.current)
    throw new Error("model-guided search needs a model: train or load one on the Train page");
  if (state.device.state !== "ready")
    throw new Error("model-guided search measures on this GPU, and there is none");
  const device = deviceInfoOf(state.device.report.adapter, null);
  const width = request.budget?.candidates ?? 16;
  const rankings: Record<string, RankedConfig[]> = {};
  for (const problem of request.problems) {
    rankings[problem] = await state.engines.modelEngine().sweepRanking({ problem, device }, width);
  }
  return rankings;
}
