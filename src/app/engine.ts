import { wrap } from "comlink";
import type { WorkerApi } from "../worker/index";

/** The page's only door to the GPU and training engine: a comlink proxy of the Worker's API. */
export const engine = wrap<WorkerApi>(
  new Worker(new URL("../worker/index.ts", import.meta.url), { type: "module" }),
);
