import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { type AcquiredDevice, acquireDevice } from "../gpu/device";
import { CliError } from "./command";

/** Debian's chromium package ships SwiftShader's Vulkan driver: a CPU "GPU" that Dawn accepts. */
const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";

let dawnInstance: GPU | undefined;

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
    dawnInstance ??= create(["disable-dawn-features=timestamp_quantization"]);
    return dawnInstance;
  } catch {
    return undefined;
  }
}

/** A Dawn device at the adapter's limits, or a CliError that says what is missing. */
export async function nodeDevice(): Promise<AcquiredDevice> {
  const acquired = await acquireDevice(await nodeGpu());
  if (!acquired.ok) throw new CliError(acquired.message, 1);
  return acquired;
}
