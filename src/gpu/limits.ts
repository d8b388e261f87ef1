import type { AdapterReport } from "../core/families/adapter";
import { type DeviceLimits, limitsOf } from "../core/families/family";

/** The limits and features the tuning spaces are judged against, from an acquired device's report. */
export function deviceLimits(adapter: AdapterReport): DeviceLimits {
  return limitsOf(adapter, adapter.description || adapter.device);
}
