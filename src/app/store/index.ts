import { useStore } from "zustand";
import { createStore, type StoreApi } from "zustand/vanilla";
import { type Engines, WORKER_ENGINES } from "../engine";
import { DEFAULT_VIEW, type ViewState } from "../url";
import { createDemoSlice, type DemoSlice } from "./demo";
import { createDeviceSlice, type DeviceSlice } from "./device";
import { createHistorySlice, type HistorySlice } from "./history";
import { createPredictSlice, type PredictSlice } from "./predict";
import { createRecordsSlice, type RecordsSlice } from "./records";
import { createSweepSlice, type SweepSlice } from "./sweep";
import { createTrainSlice, type TrainSlice } from "./train";
import { createViewSlice, type Theme, type ViewSlice } from "./view";

/** Actions that span slices: composed in the store, so that no slice reaches into another's state. */
interface LabActions {
  /** Empties the record store, and every slice's view of the records. */
  clearRecords(): Promise<void>;
}

/** The whole lab's state: one vanilla store composed of slices, usable outside React (URL sync, tests). */
export type LabState = { engines: Engines } & LabActions &
  ViewSlice &
  DeviceSlice &
  DemoSlice &
  RecordsSlice &
  TrainSlice &
  PredictSlice &
  SweepSlice &
  HistorySlice;
export type LabStore = StoreApi<LabState>;

/** `engines`: the Workers the actions run their work on (tests hand in-process ones). */
export function createLabStore(
  initial: { view?: ViewState; theme?: Theme; engines?: Engines } = {},
): LabStore {
  return createStore<LabState>()((...a) => ({
    engines: initial.engines ?? WORKER_ENGINES,
    async clearRecords() {
      const [, get] = a;
      await get().clearStoredRecords();
      get().forgetSweepRecords();
    },
    ...createViewSlice(initial.view ?? DEFAULT_VIEW, initial.theme)(...a),
    ...createDeviceSlice(...a),
    ...createDemoSlice(...a),
    ...createRecordsSlice(...a),
    ...createTrainSlice(...a),
    ...createPredictSlice(...a),
    ...createSweepSlice(...a),
    ...createHistorySlice(...a),
  }));
}

let labStore: LabStore | undefined;

/** The page's store; main.tsx creates it from the URL before the first render. */
export function setLabStore(store: LabStore): void {
  labStore = store;
}

export function getLabStore(): LabStore {
  labStore ??= createLabStore();
  return labStore;
}

export function useLab<T>(selector: (state: LabState) => T): T {
  return useStore(getLabStore(), selector);
}
