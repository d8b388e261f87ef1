import { type Remote, wrap } from "comlink";
import type { WorkerApi } from "../worker/index";

let remote: Remote<WorkerApi> | undefined;

/**
 * The page's only door to the GPU and training engine: a comlink proxy of the Worker's API. The Worker
 * starts on first use, so pages that never touch the GPU (and component tests) never spawn it.
 */
export function engine(): Remote<WorkerApi> {
  remote ??= wrap<WorkerApi>(
    new Worker(new URL("../worker/index.ts", import.meta.url), { type: "module", name: "tunelab-engine" }),
  );
  return remote;
}

/** A readable message from anything a rejected engine call throws. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
