import { DEVICE_LIMIT_NAMES, type DeviceLimits } from "../core/families/family";

/** The limits and features the tuning spaces are judged against, read from a device. */
export function deviceLimits(device: GPUDevice): DeviceLimits {
  const limits = {
    shaderF16: device.features.has("shader-f16"),
    subgroups: device.features.has("subgroups"),
  } as DeviceLimits;
  for (const name of DEVICE_LIMIT_NAMES) limits[name] = device.limits[name];
  return limits;
}
