/**
 * The engine's hold on one GPU: the device, its kernel cache, limits and measured peaks, re-acquired
 * after a loss. The Worker and the CLI each keep one session; a sweep asks it for the current device
 * before every candidate, so a device lost mid-sweep costs only the candidate in flight.
 */

import { deviceInfoOf } from "../core/dataset/device";
import type { DeviceInfo } from "../core/dataset/record";
import type { DeviceLimits } from "../core/families/family";
import { type AcquiredDevice, acquireDevice, type DeviceAcquisition, type Unavailable } from "./device";
import { KernelCache } from "./kernel";
import { deviceLimits } from "./limits";
import { type DevicePeaks, measurePeaks } from "./microbench";

export interface LiveDevice extends AcquiredDevice {
  cache: KernelCache;
  limits: DeviceLimits;
  /** Set once the device is lost (or destroyed); a session then acquires a new one. */
  lostReason: string | null;
}

/** No device could be had; `unavailable` says why (no WebGPU, no adapter, device request failed). */
export class DeviceUnavailable extends Error {
  constructor(readonly unavailable: Unavailable) {
    super(unavailable.message);
  }
}

export class GpuSession {
  private live: Promise<LiveDevice | Unavailable> | undefined;
  private peaks: Promise<DevicePeaks> | undefined;

  /** `uncheckedBounds`: the GPU's kernels compile without bounds checks, which its records must say. */
  constructor(
    readonly gpu: GPU | undefined,
    private readonly conditions: { uncheckedBounds?: boolean } = {},
  ) {}

  /** The current device, acquiring a fresh one when there is none or the last was lost. */
  async device(): Promise<LiveDevice> {
    const current = await this.live;
    if (current?.ok && current.lostReason === null) return current;
    this.live = acquireDevice(this.gpu).then((acquired: DeviceAcquisition): LiveDevice | Unavailable => {
      if (!acquired.ok) return acquired;
      const live: LiveDevice = {
        ...acquired,
        cache: new KernelCache(acquired.device),
        limits: deviceLimits(acquired.adapter),
        lostReason: null,
      };
      acquired.lost.then((info) => {
        live.lostReason = `device lost (${info.reason}): ${info.message}`;
      });
      return live;
    });
    const next = await this.live;
    if (!next.ok) {
      this.live = undefined;
      throw new DeviceUnavailable(next);
    }
    return next;
  }

  /** FMA and bandwidth peaks, measured once per session (the adapter does not change). */
  async devicePeaks(): Promise<DevicePeaks> {
    this.peaks ??= this.device().then((live) => measurePeaks(live.device, live.limits));
    this.peaks.catch(() => {
      this.peaks = undefined;
    });
    return this.peaks;
  }

  /** What records say about the device: adapter identity, limits and (when measured) peaks. */
  async deviceInfo(peaks: DevicePeaks | null): Promise<DeviceInfo> {
    const info = deviceInfoOf((await this.device()).adapter, peaks);
    return this.conditions.uncheckedBounds ? { ...info, uncheckedBounds: true } : info;
  }

  destroy(): void {
    this.live?.then((l) => l.ok && l.device.destroy());
    this.live = undefined;
  }
}
