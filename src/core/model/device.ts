/**
 * A measured device as the model sees it: the limits the kernel families read (from a record's stored
 * adapter limits) and its class (vendor and workgroup limits) as encoder features.
 */
import type { DeviceInfo } from "../dataset/record";
import { DEVICE_LIMIT_NAMES, type DeviceLimits, limitsOf } from "../families/family";
import type { ModelDevice } from "./artifacts";
import type { Feature } from "./features";

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

const VENDORS = ["nvidia", "amd", "intel", "apple", "qualcomm", "arm"] as const;

/** The device's class: its vendor, and the workgroup limits that bound every family's tiles. */
export function deviceFeatures(device: Pick<ModelDevice, "vendor" | "limits">): Feature[] {
  const vendor = device.vendor.toLowerCase();
  return [
    ...VENDORS.map((v): Feature => ({ name: `vendor-${v}`, value: vendor === v ? 1 : 0, kind: "flag" })),
    {
      name: "max_invocations",
      value: device.limits.maxComputeInvocationsPerWorkgroup,
      kind: "count",
      derived: true,
    },
    {
      name: "workgroup_storage_kib",
      value: device.limits.maxComputeWorkgroupStorageSize / 1024,
      kind: "count",
      derived: true,
    },
  ];
}

/** A record's device as the model keeps it: identity and the limits the families read. */
export function modelDeviceOf(device: DeviceInfo): ModelDevice {
  const { vendor, architecture, description } = device;
  return { vendor, architecture, description, limits: recordLimits(device) };
}
