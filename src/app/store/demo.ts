import type { StateCreator } from "zustand/vanilla";
import { type DemoAvailability, findRecording } from "../demo";
import type { LabState } from "./index";

export interface DemoSlice {
  demoData: DemoAvailability;
  checkDemo(): Promise<void>;
}

export const createDemoSlice: StateCreator<LabState, [], [], DemoSlice> = (set) => ({
  demoData: { state: "checking" },
  async checkDemo() {
    set({ demoData: await findRecording() });
  },
});
