/**
 * The GPU's clock and its timed work, as every engine on one GPU needs them: timed work (a candidate's
 * checked run and samples, a re-timing, a problem's uploads) holds the GPU alone, one holder at a time in
 * the order they asked; between holders the heater keeps the clock up. One guard per GPU: engines in
 * several processes (a measuring pool) share one, so their compiles overlap while their timings never do.
 */
import { GpuHeater, WARM_RATIO } from "./heater";

export interface ClockGuard {
  /**
   * Waits until the GPU is the caller's alone, with its clock up (warming up first when the heater's last
   * dispatch says it fell); returns that evidence (the heater's clock ratio), or null without a heater.
   */
  hold(): Promise<number | null>;
  /** Gives the GPU back: to the next holder waiting, else to the heater. */
  release(): void;
  /**
   * Brings the clock up, checked (a problem's start; `again` after a drift, when a recent warm-up does
   * not count); the caller must not hold the GPU.
   */
  warmUp(again?: boolean): Promise<void>;
}

/**
 * Runs `work` with the GPU at its working clock and otherwise idle: for timing something else on the
 * same GPU (tfjs's conv2d baseline), whose device shares the clock.
 */
export async function runAlone<T>(clock: ClockGuard, work: () => Promise<T>): Promise<T> {
  await clock.warmUp();
  await clock.hold();
  try {
    return await work();
  } finally {
    clock.release();
  }
}

/** Warm-up when a problem starts or the clock has fallen: the H200 needed 200-400 ms of work. */
export const WARM_MIN_MS = 400;
export const WARM_MAX_MS = 3000;
/** A warm-up this recent, with the heater's reading still up, stands for the next one asked for. */
const WARM_FRESH_MS = 1000;

/** The guard of one GPU: a FIFO of holders and, where keeping warm is on, the heater between them. */
export class HeaterGuard implements ClockGuard {
  private held = false;
  private readonly waiting: (() => void)[] = [];
  private warming: Promise<void> | null = null;
  private warmedAt = Number.NEGATIVE_INFINITY;

  private constructor(readonly heater: GpuHeater | null) {}

  /** A guard for `device`; with `keepWarm`, its heater is calibrated and running when this returns. */
  static async create(device: GPUDevice, keepWarm: boolean): Promise<HeaterGuard> {
    if (!keepWarm) return new HeaterGuard(null);
    const heater = await GpuHeater.create(device);
    await heater.calibrate();
    heater.start();
    return new HeaterGuard(heater);
  }

  async hold(): Promise<number | null> {
    if (this.held) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.held = true;
    const { heater } = this;
    if (!heater) return null;
    if (heater.reading.clockRatio < WARM_RATIO) await heater.warmUp(0, WARM_MAX_MS);
    await heater.stop();
    return heater.reading.clockRatio;
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) {
      next(); // the GPU passes straight on: its work keeps the clock up
      return;
    }
    this.held = false;
    this.heater?.start();
  }

  async warmUp(again = false): Promise<void> {
    const { heater } = this;
    if (!heater) return;
    // Engines starting one problem together share one warm-up.
    if (this.warming) return this.warming;
    const fresh = performance.now() - this.warmedAt < WARM_FRESH_MS;
    if (!again && fresh && heater.reading.clockRatio >= WARM_RATIO) return;
    this.warming = (async () => {
      await this.hold();
      try {
        await heater.warmUp(WARM_MIN_MS, WARM_MAX_MS);
        this.warmedAt = performance.now();
      } finally {
        this.release();
      }
    })();
    try {
      await this.warming;
    } finally {
      this.warming = null;
    }
  }

  /** Stops the heater and frees it; the guard must not be used afterwards. */
  async destroy(): Promise<void> {
    await this.heater?.stop();
    this.heater?.destroy();
  }
}
