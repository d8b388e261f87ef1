import type { StateCreator } from "zustand/vanilla";
import type { Rejected } from "../../core/dataset/check";
import type { TuningRecord } from "../../core/dataset/record";
import type { MiopenDirection, SolverCount } from "../../core/miopen/perfdb";
import { engine, errorMessage, modelEngine } from "../engine";
import type { LabState } from "./index";

export type RecordsLoad =
  | { state: "idle" }
  | { state: "loading" }
  | { state: "ready" }
  | { state: "failed"; message: string };

/**
 * The records the pages show: this device's stored dataset, or (in demo mode) the recording shipped
 * in public/demo/. Sweeps append to `records` as candidates finish.
 */
export type ImportState =
  | { state: "idle" }
  | { state: "importing"; name: string }
  | { state: "done"; name: string; added: number; skipped: number; rejected: Rejected[] }
  | { state: "failed"; name: string; message: string };

/** A MIOpen performance database the person imported: the Train page learns from it. */
export interface MiopenFile {
  name: string;
  bytes: Uint8Array;
  /** Its solvers, most rows first, and the solver and directions chosen to learn. */
  solvers: SolverCount[];
  solver: string;
  directions: MiopenDirection[];
}

/** The solver the Train page starts with: the paper's ConvAsm1x1U where the file has it, else the largest. */
const PREFERRED_SOLVER = "ConvAsm1x1U";

/** Perf databases come as SQLite files, plain or gzip-compressed as MIOpen's sources ship them. */
export function isPerfDbName(name: string): boolean {
  return /\.db(\.gz)?$/i.test(name);
}

export interface RecordsSlice {
  records: TuningRecord[];
  miopenFile: MiopenFile | null;
  importState: ImportState;
  /**
   * Reads a JSONL / JSON / CSV file of records (the ones already stored are skipped), or keeps a MIOpen
   * perf database (.db, .db.gz) for training.
   */
  importFile(file: File, options?: { skipInvalid?: boolean }): Promise<void>;
  /** Picks the solver to learn (all its directions), or the directions of the chosen one. */
  chooseTrainingSolver(solver: string): void;
  chooseTrainingDirections(directions: MiopenDirection[]): void;
  clearRecords(): Promise<void>;
  /** Reads this device's stored records from the engine (IndexedDB, in the Worker). */
  loadRecords(): Promise<void>;
  demoRecords: TuningRecord[];
  demoRecordsLoad: RecordsLoad;
  loadDemoRecords(): Promise<void>;
}

export const createRecordsSlice: StateCreator<LabState, [], [], RecordsSlice> = (set, get) => ({
  records: [],
  importState: { state: "idle" },
  miopenFile: null,
  async importFile(file, options = {}) {
    set({ importState: { state: "importing", name: file.name } });
    try {
      if (isPerfDbName(file.name)) {
        const bytes = new Uint8Array(await file.arrayBuffer());
        // Read here, not at training: a file that is not a perf database is refused before it is kept.
        const solvers = await modelEngine().perfDbSolvers(bytes, file.name);
        const chosen = solvers.find((s) => s.solver === PREFERRED_SOLVER) ?? (solvers[0] as SolverCount);
        set({
          miopenFile: {
            name: file.name,
            bytes,
            solvers,
            solver: chosen.solver,
            directions: chosen.directions,
          },
          importState: { state: "idle" },
        });
        return;
      }
      const { formatFromName } = await import("../../core/dataset/io");
      const format = formatFromName(file.name);
      if (!format) throw new Error(`${file.name}: expected a .jsonl, .json, .csv, .db or .db.gz file`);
      const { added, skipped, rejected } = await engine().importRecords(
        await file.text(),
        format,
        options.skipInvalid,
      );
      await get().loadRecords();
      set({ importState: { state: "done", name: file.name, added, skipped, rejected } });
    } catch (error) {
      set({ importState: { state: "failed", name: file.name, message: errorMessage(error) } });
    }
  },
  chooseTrainingSolver(solver) {
    const file = get().miopenFile;
    const chosen = file?.solvers.find((s) => s.solver === solver);
    if (file && chosen) set({ miopenFile: { ...file, solver, directions: chosen.directions } });
  },
  chooseTrainingDirections(directions) {
    const file = get().miopenFile;
    if (file) set({ miopenFile: { ...file, directions } });
  },
  async clearRecords() {
    await engine().clearRecords();
    set({ records: [], sweepRecords: [], importState: { state: "idle" } });
  },
  async loadRecords() {
    try {
      set({ records: await engine().records() });
    } catch {
      set({ records: [] }); // no engine here (no WebGPU): nothing is stored on this device
    }
  },
  demoRecords: [],
  demoRecordsLoad: { state: "idle" },
  async loadDemoRecords() {
    const demo = get().demoData;
    if (demo.state !== "available" || get().demoRecordsLoad.state === "loading") return;
    set({ demoRecordsLoad: { state: "loading" } });
    try {
      const response = await fetch(`${demo.base}${demo.recording.dataset}`);
      if (!response.ok) throw new Error(`${demo.recording.dataset}: HTTP ${response.status}`);
      const { readJsonl } = await import("../../core/dataset/io");
      set({ demoRecords: readJsonl(await response.text()), demoRecordsLoad: { state: "ready" } });
    } catch (error) {
      set({ demoRecordsLoad: { state: "failed", message: errorMessage(error) } });
    }
  },
});

/** The records on show: the recording in demo mode, else this device's. */
export function shownRecords(state: LabState): TuningRecord[] {
  return state.view.demo ? state.demoRecords : state.records;
}
