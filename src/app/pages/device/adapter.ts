import type { AdapterReport } from "../../../core/families/adapter";
import {
  type DeviceFacts,
  type DeviceLimits,
  limitsOf,
  SPEC_DEFAULT_LIMITS,
} from "../../../core/families/family";

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
  return adapter ? limitsOf(adapter, adapter.description || "this GPU") : SPEC_DEFAULT_LIMITS;
}

/**
 * The limits a recorded dataset was measured under (the records carry them), for demo mode: those of
 * the device that measured `problem` when the recording has it (an H200's f16 records bring its
 * tensor cores), else the first record's.
 */
export function recordedLimits(
  records: readonly { device: DeviceFacts; problem: { text: string } }[],
  problem?: string,
): DeviceLimits | null {
  const chosen = records.find((r) => r.problem.text === problem) ?? records[0];
  return chosen ? limitsOf(chosen.device, "the recorded device") : null;
}
