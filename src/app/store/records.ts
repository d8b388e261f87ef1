import type { StateCreator } from "zustand/vanilla";
import type { Rejected } from "../../core/dataset/check";
import type { TuningRecord } from "../../core/dataset/record";
import { errorMessage } from "../engine";
import type { LabState } from "./index";
import { isPerfDbName } from "./train";

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

export interface RecordsSlice {
  records: TuningRecord[];
  importState: ImportState;
  /**
   * Reads a JSONL / JSON / CSV file of records (the ones already stored are skipped); a MIOpen perf
   * database (.db, .db.gz) goes to the Train page's data (the train slice's chooseTrainingFile).
   */
  importFile(file: File, options?: { skipInvalid?: boolean }): Promise<void>;
  /** Empties the engine's store and this slice's records (the lab's clearRecords also clears the other slices' views of them). */
  clearStoredRecords(): Promise<void>;
  /** Reads this device's stored records from the engine (IndexedDB, in the Worker). */
  loadRecords(): Promise<void>;
  demoRecords: TuningRecord[];
  demoRecordsLoad: RecordsLoad;
  loadDemoRecords(): Promise<void>;
}

export const createRecordsSlice: StateCreator<LabState, [], [], RecordsSlice> = (set, get) => ({
  records: [],
  importState: { state: "idle" },
  async importFile(file, options = {}) {
    set({ importState: { state: "importing", name: file.name } });
    try {
      if (isPerfDbName(file.name)) {
        await get().chooseTrainingFile(file);
        const refused = get().miopenFileError;
        set({
          importState: refused ? { state: "failed", name: file.name, message: refused } : { state: "idle" },
        });
        return;
      }
      const { formatFromName } = await import("../../core/dataset/io");
      const format = formatFromName(file.name);
      if (!format) throw new Error(`${file.name}: expected a .jsonl, .json, .csv, .db or .db.gz file`);
      const { added, skipped, rejected } = await get()
        .engines.engine()
        .importRecords(await file.text(), format, options.skipInvalid);
      await get().loadRecords();
      set({ importState: { state: "done", name: file.name, added, skipped, rejected } });
    } catch (error) {
      set({ importState: { state: "failed", name: file.name, message: errorMessage(error) } });
    }
  },
  async clearStoredRecords() {
    await get().engines.engine().clearRecords();
    set({ records: [], importState: { state: "idle" } });
  },
  async loadRecords() {
    try {
      set({ records: await get().engines.engine().records() });
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
      const { readJsonl } = await import("../../core/dataset/io");
      const files = [demo.recording.dataset, ...demo.recording.extraDatasets];
      const texts = await Promise.all(
        files.map(async (file) => {
          const response = await fetch(`${demo.base}${file}`);
          if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
          return response.text();
        }),
      );
      set({ demoRecords: texts.flatMap((text) => readJsonl(text)), demoRecordsLoad: { state: "ready" } });
    } catch (error) {
      set({ demoRecordsLoad: { state: "failed", message: errorMessage(error) } });
    }
  },
});

/** The records on show: the recording in demo mode, else this device's. */
export function shownRecords(state: LabState): TuningRecord[] {
  return state.view.demo ? state.demoRecords : state.records;
}
