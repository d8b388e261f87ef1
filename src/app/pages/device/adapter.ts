import { type DeviceLimits, SPEC_DEFAULT_LIMITS } from "../../../core/families/family";
import type { AdapterReport } from "../../../gpu/device";

/** A short human name for an adapter: "nvidia hopper", "google swiftshader", or its description. */
export function adapterName(adapter: AdapterReport): string {
  const parts = [adapter.vendor, adapter.architecture].filter(Boolean);
  if (parts.length) return parts.join(" ");
  return adapter.description || adapter.device || "unnamed adapter";
}

/** What each compute limit bounds in a convolution kernel (shown next to its value). */
export const LIMIT_MEANINGS: Record<string, string> = {
  maxComputeInvocationsPerWorkgroup: "threads in one workgroup: caps workgroup-size parameters",
  maxComputeWorkgroupStorageSize: "shared memory per workgroup: caps tile sizes",
  maxComputeWorkgroupSizeX: "workgroup width",
  maxComputeWorkgroupSizeY: "workgroup height",
  maxComputeWorkgroupSizeZ: "workgroup depth",
  maxComputeWorkgroupsPerDimension: "grid size per dispatch dimension",
  maxStorageBufferBindingSize: "largest tensor a kernel can bind",
  maxBufferSize: "largest buffer",
  maxStorageBuffersPerShaderStage: "tensors plus scratch buffers per kernel",
};

/** The core's plain-number view of a device, from the limits and features the Worker reported. */
export function deviceLimits(adapter: AdapterReport | null): DeviceLimits {
  if (!adapter) return SPEC_DEFAULT_LIMITS;
  const limits = { ...SPEC_DEFAULT_LIMITS };
  for (const key of Object.keys(limits) as (keyof DeviceLimits)[]) {
    const value = adapter.limits[key];
    if (typeof value === "number" && typeof limits[key] === "number") (limits[key] as number) = value;
  }
  limits.shaderF16 = adapter.features.includes("shader-f16");
  limits.subgroups = adapter.features.includes("subgroups");
  return limits;
}

/** The limits a recorded dataset was measured under (the records carry them), for demo mode. */
export function recordedLimits(
  records: readonly { device: { limits: Record<string, number> } }[],
): DeviceLimits | null {
  const first = records[0];
  if (!first) return null;
  const limits = { ...SPEC_DEFAULT_LIMITS };
  for (const key of Object.keys(limits) as (keyof DeviceLimits)[]) {
    const value = first.device.limits[key];
    if (typeof value === "number" && typeof limits[key] === "number") (limits[key] as number) = value;
  }
  return limits;
}
