import type { StateCreator } from "zustand/vanilla";
import type { WorkerApi } from "../../worker/index";
import { errorMessage } from "../engine";
import type { LabState } from "./index";

type DeviceReport = Awaited<ReturnType<WorkerApi["device"]>>;
export type SmokeReport = Awaited<ReturnType<WorkerApi["smoke"]>>;

export type DeviceStatus =
  | { state: "probing" }
  | { state: "ready"; report: Extract<DeviceReport, { ok: true }> }
  | { state: "unavailable"; reason: string; message: string };

export interface DeviceSlice {
  device: DeviceStatus;
  smoke:
    | { state: "idle" }
    | { state: "running" }
    | { state: "done"; result: SmokeReport }
    | { state: "failed"; message: string };
  peaks:
    | { state: "idle" }
    | { state: "measuring" }
    | { state: "done"; peakGflops: number; peakGBps: number; peakMatrixGflops?: number }
    | { state: "failed"; message: string };
  probeDevice(): Promise<void>;
  /** Runs the FMA and copy microbenchmarks (once per device; the engine remembers them). */
  measurePeaks(): Promise<void>;
  runSmoke(): Promise<void>;
}

export const createDeviceSlice: StateCreator<LabState, [], [], DeviceSlice> = (set, get) => ({
  device: { state: "probing" },
  smoke: { state: "idle" },
  peaks: { state: "idle" },
  async measurePeaks() {
    set({ peaks: { state: "measuring" } });
    try {
      set({ peaks: { state: "done", ...(await get().engines.engine().peaks()) } });
    } catch (error) {
      set({ peaks: { state: "failed", message: errorMessage(error) } });
    }
  },
  async probeDevice() {
    set({ device: { state: "probing" } });
    try {
      const report = await get().engines.engine().device();
      set({
        device: report.ok
          ? { state: "ready", report }
          : { state: "unavailable", reason: report.reason, message: report.message },
      });
    } catch (error) {
      set({ device: { state: "unavailable", reason: "worker-failed", message: errorMessage(error) } });
    }
  },
  async runSmoke() {
    set({ smoke: { state: "running" } });
    try {
      set({ smoke: { state: "done", result: await get().engines.engine().smoke() } });
    } catch (error) {
      set({ smoke: { state: "failed", message: errorMessage(error) } });
    }
  },
});

/** Why kernels cannot run on this device, said beside the controls that would run them; null when they can. */
export function whyNoGpu(device: DeviceStatus): string | null {
  if (device.state === "probing") return "Looking for a GPU…";
  if (device.state === "unavailable") return "This needs a GPU, and this browser offers no WebGPU.";
  return null;
}
