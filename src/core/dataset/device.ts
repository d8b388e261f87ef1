/** A recorded device's limits: what the kernel families read of it, and all a dataset keeps. */
import { DEVICE_LIMIT_NAMES, type DeviceLimits } from "../families/family";
import type { DeviceInfo } from "./record";

/**
 * The limits a record's device had, as the families read them. Records store the adapter's numeric
 * limits, not its features, so shader-f16 and subgroups count as absent (the spaces stay safe).
 */
export function recordLimits(device: Pick<DeviceInfo, "limits" | "description">): DeviceLimits {
  const limits = { shaderF16: false, subgroups: false } as DeviceLimits;
  for (const name of DEVICE_LIMIT_NAMES) {
    const value = device.limits[name];
    if (value === undefined) throw new Error(`device '${device.description}' records no limit ${name}`);
    limits[name] = value;
  }
  return limits;
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
