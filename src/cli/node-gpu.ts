import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { type AcquiredDevice, acquireDevice } from "../gpu/device";
import { GpuSession } from "../gpu/session";
import { CliError } from "./command";

/** Debian's chromium package ships SwiftShader's Vulkan driver: a CPU "GPU" that Dawn accepts. */
const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";

let dawnInstance: GPU | undefined;
/** Dawn toggles the process's instance enables beyond its defaults (asked for by command-line flags). */
const enabledToggles = new Set<string>();

/**
 * Dawn's toggles for experimental features: unsafe APIs (subgroup matrices) and f16 on NVIDIA's
 * Vulkan driver, where Dawn keeps it off by default. Asked for only with --unsafe-features.
 */
export const UNSAFE_TOGGLES = ["allow_unsafe_apis", "vulkan_enable_f16_on_nvidia"];

/**
 * Dawn's toggle that compiles WGSL without its bounds checks (Tint clamps every dynamic array index
 * otherwise). Kernels stay verified against the reference; asked for only with --unchecked-bounds.
 */
export const UNCHECKED_BOUNDS_TOGGLES = ["disable_robustness"];

/** The toggles asked for so far (measuring workers ask for the same). */
export function enabledDawnToggles(): string[] {
  return [...enabledToggles];
}

/** Makes the process's Dawn instance enable `toggles`; call before any device is made. */
export function enableDawnToggles(toggles: string[]): void {
  if (dawnInstance) throw new Error("the Dawn instance exists already: enable its toggles first");
  for (const t of toggles) enabledToggles.add(t);
}

/**
 * `navigator.gpu` for Node, from Dawn (the `webgpu` package). Loaded lazily so commands that need
 * no GPU (help, space, shader) work where Dawn or Vulkan is missing.
 */
export async function nodeGpu(): Promise<GPU | undefined> {
  // With no GPU driver configured, fall back to SwiftShader when it is installed.
  if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  // The Vulkan loader complains on stderr when this is unset; any writable folder quiets it.
  process.env.XDG_RUNTIME_DIR ??= tmpdir();
  try {
    const { create, globals } = await import("webgpu");
    Object.assign(globalThis, globals);
    // Dawn rounds timestamps to 65.536 us unless told not to; Node can ask for full resolution.
    // One instance for the process, held here: once garbage-collected, Dawn crashes on async work
    // (createComputePipelineAsync) of the devices it made.
    const enabled = enabledToggles.size ? [`enable-dawn-features=${[...enabledToggles].join(",")}`] : [];
    dawnInstance ??= create(["disable-dawn-features=timestamp_quantization", ...enabled]);
    return dawnInstance;
  } catch {
    return undefined;
  }
}

/** A session on the process's Dawn instance; its records say when bounds checks are off. */
export async function nodeSession(): Promise<GpuSession> {
  const uncheckedBounds = UNCHECKED_BOUNDS_TOGGLES.every((t) => enabledToggles.has(t));
  return new GpuSession(await nodeGpu(), { uncheckedBounds });
}

/** A Dawn device at the adapter's limits, or a CliError that says what is missing. */
export async function nodeDevice(): Promise<AcquiredDevice> {
  const acquired = await acquireDevice(await nodeGpu());
  if (!acquired.ok) throw new CliError(acquired.message, 1);
  return acquired;
}
