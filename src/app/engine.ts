import { type Remote, wrap } from "comlink";
import type { WorkerApi } from "../worker/index";
import type { ModelWorkerApi } from "../worker/model";

let remote: Remote<WorkerApi> | undefined;
let modelRemote: Remote<ModelWorkerApi> | undefined;

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

/**
 * The model's Worker (training, saved models, the beam search), started on first use: tfjs and its
 * backends stay out of the page and out of the GPU engine's Worker until someone trains or predicts.
 */
export function modelEngine(): Remote<ModelWorkerApi> {
  modelRemote ??= wrap<ModelWorkerApi>(
    new Worker(new URL("../worker/model.ts", import.meta.url), { type: "module", name: "tunelab-model" }),
  );
  return modelRemote;
}

/** The two Workers as the store reaches them: the real ones in the page, in-process stand-ins in tests. */
export interface Engines {
  engine(): Remote<WorkerApi>;
  modelEngine(): Remote<ModelWorkerApi>;
}

export const WORKER_ENGINES: Engines = { engine, modelEngine };

/** A readable message from anything a rejected engine call throws. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
