/**
 * The training defaults of the CLI and the lab, in a module without tfjs so that the lab's first
 * screen can show them without loading it.
 */
import type { TrainOptions } from "./train";

/**
 * Measured on MIOpen's ConvAsm1x1U (docs/MODEL.md): attention, 64 units, batch 256 at Adam 0.006,
 * stopped by the 7-minute budget or early stopping, whichever first.
 */
export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  units: 64,
  attention: true,
  seed: 1,
  epochs: 100,
  batchSize: 256,
  learningRate: 0.006,
  patience: 8,
  maxSeconds: 420,
};
