/// <reference lib="webworker" />
import { expose } from "comlink";
import { type AcquiredDevice, acquireDevice, type DeviceAcquisition } from "../gpu/device";
import { runSmokeKernel, type SmokeResult } from "../gpu/smoke";

let acquisition: Promise<DeviceAcquisition> | undefined;

/** The Worker owns the one GPUDevice; re-acquired after a loss. */
function currentDevice(): Promise<DeviceAcquisition> {
  acquisition ??= acquireDevice(self.navigator.gpu, {
    onLost: () => {
      acquisition = undefined;
    },
  });
  return acquisition;
}

async function requireDevice(): Promise<AcquiredDevice> {
  const acquired = await currentDevice();
  if (!acquired.ok) throw new Error(acquired.message);
  return acquired;
}

/** Everything the page may ask of the engine. The app imports only this type. */
export const workerApi = {
  async device(): Promise<
    Omit<AcquiredDevice, "device" | "lost"> | Exclude<DeviceAcquisition, AcquiredDevice>
  > {
    const acquired = await currentDevice();
    if (!acquired.ok) return acquired;
    return { ok: true, adapter: acquired.adapter, hasTimestamps: acquired.hasTimestamps };
  },
  async smoke(): Promise<SmokeResult> {
    return runSmokeKernel((await requireDevice()).device);
  },
};

export type WorkerApi = typeof workerApi;

expose(workerApi);
