import * as tf from "@tensorflow/tfjs";

/**
 * Starts the first tfjs backend that works, in order of preference (e.g. webgpu, wasm, cpu). Backends
 * must be registered (imported) by the caller: which ones exist depends on the environment.
 */
export async function startBackend(preferred: readonly string[]): Promise<string> {
  const failures: string[] = [];
  for (const name of preferred) {
    if (!tf.findBackendFactory(name)) {
      failures.push(`${name}: not registered`);
      continue;
    }
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
      failures.push(`${name}: did not start`);
    } catch (error) {
      failures.push(`${name}: ${(error as Error).message}`);
    }
  }
  throw new Error(`no tfjs backend could start (${failures.join("; ")})`);
}
