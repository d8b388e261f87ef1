/** A recorded device's limits: what the kernel families read of it, and all a dataset keeps. */
import { DEVICE_LIMIT_NAMES, type DeviceLimits, limitsOf } from "../families/family";
import type { DeviceInfo } from "./record";

/** The limits a record's device had, as the families read them (features count only if recorded). */
export function recordLimits(device: DeviceInfo): DeviceLimits {
  return limitsOf(device, `device '${device.description}'`);
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
