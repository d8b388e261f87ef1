/** A recorded device's limits: what the kernel families read of it, and all a dataset keeps. */
import type { AdapterReport } from "../families/adapter";
import { DEVICE_LIMIT_NAMES, type DeviceLimits, limitsOf } from "../families/family";
import type { ModelDevice } from "../learn/artifacts";
import type { DeviceInfo } from "./record";

/** The limits a record's device had, as the families read them (features count only if recorded). */
export function recordLimits(device: DeviceInfo): DeviceLimits {
  return limitsOf(device, `device '${device.description}'`);
}

/** A record's device as a model keeps it: identity and the limits the families read. */
export function modelDeviceOf(device: DeviceInfo): ModelDevice {
  const { vendor, architecture, description } = device;
  return { vendor, architecture, description, limits: recordLimits(device) };
}

/** The compute limits the families read: all a dataset needs to keep of a device's limits. */
export function familyLimitFields(limits: Record<string, number>): Record<string, number> {
  const kept: Record<string, number> = {};
  for (const name of DEVICE_LIMIT_NAMES) {
    const value = limits[name];
    if (value !== undefined) kept[name] = value;
  }
  return kept;
}

/**
 * How records name a device: the adapter's device name, then its description. Dawn's description names
 * the driver, not the GPU (an H100 and an H200 read alike), so the device name leads.
 */
export function recordedDescription(adapter: { device: string; description: string }): string {
  return [adapter.device, adapter.description].filter(Boolean).join(" ");
}

/** A device as records keep it: its identity, limits and features, and its measured peaks (or nulls). */
export function deviceInfoOf(
  adapter: AdapterReport,
  peaks: { peakGflops: number; peakGBps: number; peakMatrixGflops?: number } | null,
): DeviceInfo {
  return {
    vendor: adapter.vendor,
    architecture: adapter.architecture,
    description: recordedDescription(adapter),
    limits: adapter.limits,
    features: adapter.features,
    subgroupMinSize: adapter.subgroupMinSize,
    subgroupMaxSize: adapter.subgroupMaxSize,
    subgroupMatrixConfigs: adapter.subgroupMatrixConfigs,
    peakGflops: peaks?.peakGflops ?? null,
    peakGBps: peaks?.peakGBps ?? null,
    ...(peaks?.peakMatrixGflops ? { peakMatrixGflops: peaks.peakMatrixGflops } : {}),
  };
}
