import type { StateCreator } from "zustand/vanilla";
// Types only: the recording's schema (zod) loads when the demo is first looked for.
import type { DemoAvailability } from "../demo";
import type { LabState } from "./index";

export interface DemoSlice {
  demoData: DemoAvailability;
  checkDemo(): Promise<void>;
}

export const createDemoSlice: StateCreator<LabState, [], [], DemoSlice> = (set) => ({
  demoData: { state: "checking" },
  async checkDemo() {
    const { findRecording } = await import("../demo");
    set({ demoData: await findRecording() });
  },
});
