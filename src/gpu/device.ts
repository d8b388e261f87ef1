import { type AdapterReport, WANTED_FEATURES } from "../core/families/adapter";
import { DEVICE_LIMIT_NAMES, type SubgroupMatrixConfig } from "../core/families/family";

/**
 * One way to get a GPUDevice in the page, a module Worker, or Node (the `webgpu` package):
 * the caller passes whatever `navigator.gpu` is there. Requests timestamp queries when offered and
 * the adapter's own maxima for the compute limits, so big kernels are not held to the spec defaults.
 */

/** Limits a convolution kernel can be constrained by; requested at the adapter's maximum. */
const COMPUTE_LIMITS = DEVICE_LIMIT_NAMES;

export type Unavailable = {
  ok: false;
  reason: "no-webgpu" | "no-adapter" | "device-failed";
  message: string;
};

export interface AcquiredDevice {
  ok: true;
  device: GPUDevice;
  adapter: AdapterReport;
  hasTimestamps: boolean;
  /** Resolves when the device is lost (destroyed on purpose or by the driver). */
  lost: Promise<GPUDeviceLostInfo>;
}

export type DeviceAcquisition = AcquiredDevice | Unavailable;

export interface AcquireOptions {
  powerPreference?: GPUPowerPreference;
  /** Called once when the device is lost for any reason other than an explicit destroy(). */
  onLost?: (info: GPUDeviceLostInfo) => void;
}

function readLimits(limits: GPUSupportedLimits): Record<string, number> {
  const out: Record<string, number> = {};
  // Supported limits are getters on the prototype, so enumerate the prototype chain.
  for (
    let proto: object | null = limits;
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const value = (limits as unknown as Record<string, unknown>)[key];
      if (typeof value === "number" && !(key in out)) out[key] = value;
    }
  }
  return out;
}

export function describeAdapter(adapter: GPUAdapter, limits: GPUSupportedLimits): AdapterReport {
  const info = adapter.info;
  // Subgroup sizes and matrix configs are newer than the typings (and experimental): read them if present.
  const extra = info as
    | (GPUAdapterInfo & {
        subgroupMinSize?: number;
        subgroupMaxSize?: number;
        subgroupMatrixConfigs?: Iterable<SubgroupMatrixConfig>;
      })
    | undefined;
  return {
    vendor: info?.vendor ?? "",
    architecture: info?.architecture ?? "",
    device: info?.device ?? "",
    description: info?.description ?? "",
    isFallbackAdapter: Boolean((info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter),
    features: [...adapter.features].map(String).sort(),
    limits: readLimits(limits),
    subgroupMinSize: Number(extra?.subgroupMinSize ?? 0),
    subgroupMaxSize: Number(extra?.subgroupMaxSize ?? 0),
    subgroupMatrixConfigs: [...(extra?.subgroupMatrixConfigs ?? [])].map((c) => ({
      componentType: String(c.componentType),
      resultComponentType: String(c.resultComponentType),
      M: Number(c.M),
      N: Number(c.N),
      K: Number(c.K),
    })),
  };
}

export async function acquireDevice(
  gpu: GPU | undefined,
  options: AcquireOptions = {},
): Promise<DeviceAcquisition> {
  if (!gpu) {
    return {
      ok: false,
      reason: "no-webgpu",
      message:
        "WebGPU is not available here: use a browser with WebGPU (Chrome or Edge 113+, or Chromium with --enable-unsafe-webgpu), or the recorded demo data.",
    };
  }
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter(
      options.powerPreference ? { powerPreference: options.powerPreference } : undefined,
    );
  } catch (error) {
    return { ok: false, reason: "no-adapter", message: `WebGPU adapter request failed: ${String(error)}` };
  }
  if (!adapter) {
    return {
      ok: false,
      reason: "no-adapter",
      message:
        "WebGPU is present but no GPU adapter was found: check that a GPU driver (or Vulkan ICD, e.g. VK_ICD_FILENAMES) is installed and enabled.",
    };
  }
  const requiredFeatures = WANTED_FEATURES.filter((f) => adapter.features.has(f)) as GPUFeatureName[];
  const requiredLimits: Record<string, number> = {};
  for (const name of COMPUTE_LIMITS) {
    const value = (adapter.limits as unknown as Record<string, number | undefined>)[name];
    if (typeof value === "number") requiredLimits[name] = value;
  }
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
  } catch (error) {
    return { ok: false, reason: "device-failed", message: `WebGPU device request failed: ${String(error)}` };
  }
  const lost = device.lost.then((info) => {
    if (info.reason !== "destroyed") options.onLost?.(info);
    return info;
  });
  return {
    ok: true,
    device,
    adapter: describeAdapter(adapter, device.limits),
    hasTimestamps: device.features.has("timestamp-query"),
    lost,
  };
}
