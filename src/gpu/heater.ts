/**
 * Keeps a GPU at its working clock between timed candidates. A sweep spends most of its wall time on
 * the CPU (compiling the next candidates), and a GPU idle that long lowers its clock and does not raise
 * it again for short timed bursts: on an NVIDIA H200 every kernel after the first ~3 s of a sweep ran
 * at 345 instead of 1980 MHz. The heater submits FMA work back to back while it runs (about 1.5 ms a
 * dispatch, two in flight), and its own dispatches, timestamped, are the clock's evidence: their time
 * against the fastest seen says how far the clock is from its best. It is paused while a candidate is
 * timed, so timed samples never share the GPU.
 */
import fmaWgsl from "../../shaders/microbench-fma.wgsl";
import { computePipeline } from "./compute";
import { timeComputePasses, wallTimeComputePasses } from "./timestamps";

/** One heater dispatch should last about this long. */
const TARGET_DISPATCH_NS = 1.5e6;
const WORKGROUPS = 2048;
/** The FMA microbenchmark's workgroup size. */
const WORKGROUP = 256;
const IN_FLIGHT = 2;
/** The clock counts as up when a heater dispatch runs within this factor of the fastest one seen. */
export const WARM_RATIO = 0.9;

export interface HeaterReading {
  /** The fastest heater dispatch seen over the latest one's time: 1 at full clock, 0.18 at 345 of 1980 MHz. */
  clockRatio: number;
  latestNs: number;
  fastestNs: number;
}

export class GpuHeater {
  private isRunning = false;
  private loop: Promise<void> | null = null;
  private fastestNs = Number.POSITIVE_INFINITY;
  private latestNs = Number.POSITIVE_INFINITY;
  private iterations = 64;
  private pipeline: GPUComputePipeline | null = null;
  private bind: GPUBindGroup | null = null;

  private constructor(
    readonly device: GPUDevice,
    /** Where the FMA chains end: one vec4 per invocation. */
    private readonly sink: GPUBuffer,
  ) {}

  static async create(device: GPUDevice): Promise<GpuHeater> {
    const sink = device.createBuffer({ size: WORKGROUPS * WORKGROUP * 16, usage: GPUBufferUsage.STORAGE });
    const heater = new GpuHeater(device, sink);
    await heater.setIterations(64);
    return heater;
  }

  /** The FMA microbenchmark's kernel with `n` iterations a chain (a pipeline constant: calibration only). */
  private async setIterations(n: number): Promise<void> {
    this.iterations = Math.max(1, Math.min(1 << 20, Math.round(n)));
    const pipeline = await computePipeline(this.device, fmaWgsl, "heater", { ITERATIONS: this.iterations });
    this.bind = this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: this.sink } }],
    });
    this.pipeline = pipeline;
  }

  /** One timed dispatch (GPU time in ns, or wall time without timestamps). */
  private async dispatch(): Promise<number> {
    const timer = this.device.features.has("timestamp-query") ? timeComputePasses : wallTimeComputePasses;
    const [ns = Number.NaN] = await timer(
      this.device,
      (pass) => {
        pass.setPipeline(this.pipeline as GPUComputePipeline);
        pass.setBindGroup(0, this.bind as GPUBindGroup);
        pass.dispatchWorkgroups(WORKGROUPS);
      },
      1,
    );
    return ns;
  }

  private record(ns: number): void {
    if (!(ns > 0)) return;
    this.latestNs = ns;
    this.fastestNs = Math.min(this.fastestNs, ns);
  }

  /** Grows the dispatch until it lasts about TARGET_DISPATCH_NS (at whatever clock the GPU has now). */
  async calibrate(): Promise<void> {
    for (let i = 0; i < 12; i++) {
      const ns = await this.dispatch();
      if (ns >= TARGET_DISPATCH_NS / 2 || this.iterations >= 1 << 20) break;
      await this.setIterations(this.iterations * Math.min(16, TARGET_DISPATCH_NS / Math.max(ns, 1)));
    }
    this.fastestNs = Number.POSITIVE_INFINITY;
    this.record(await this.dispatch());
  }

  get reading(): HeaterReading {
    return { clockRatio: this.fastestNs / this.latestNs, latestNs: this.latestNs, fastestNs: this.fastestNs };
  }

  get running(): boolean {
    return this.isRunning;
  }

  /** Starts submitting back to back (no-op when already running). */
  start(): void {
    if (this.isRunning) return;
    this.isRunning = true;
    const lane = async () => {
      while (this.isRunning) this.record(await this.dispatch().catch(() => Number.NaN));
    };
    this.loop = Promise.all(Array.from({ length: IN_FLIGHT }, lane)).then(() => undefined);
  }

  /** Stops, and waits until the GPU has finished the heater's work. */
  async stop(): Promise<void> {
    this.isRunning = false;
    await this.loop;
    this.loop = null;
  }

  /**
   * Heats until a dispatch runs within WARM_RATIO of the fastest seen and at least `minMs` have passed,
   * or `maxMs` run out; returns the reading (stopped). The clock is checked, not assumed: on the H200,
   * after 3 s idle, 100 ms of work did not bring it back, 400 ms did.
   */
  async warmUp(minMs: number, maxMs: number): Promise<HeaterReading> {
    const wasRunning = this.isRunning;
    this.start();
    const start = performance.now();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const elapsed = performance.now() - start;
      if (elapsed >= maxMs || (elapsed >= minMs && this.reading.clockRatio >= WARM_RATIO)) break;
    }
    if (!wasRunning) await this.stop();
    return this.reading;
  }

  destroy(): void {
    this.isRunning = false;
    this.sink.destroy();
  }
}
