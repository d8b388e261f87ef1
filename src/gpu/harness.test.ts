import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeGpu } from "../cli/node-gpu";
import { type AcquiredDevice, acquireDevice } from "./device";
import { detectQuantization, type HarnessOptions, sampleStats, timeKernel } from "./harness";
import { deviceLimits } from "./limits";
import { measurePeaks } from "./microbench";
import { timeComputePasses } from "./timestamps";

/** A kernel whose run time scales with `loops`: a dependent FMA chain per invocation. */
const BUSY = /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
override LOOPS: u32 = 1u;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  var a = f32(id.x);
  for (var i = 0u; i < LOOPS; i++) { a = fma(a, 0.999, 1.0); }
  out[id.x] = a;
}`;

async function busyKernel(device: GPUDevice, loops: number) {
  const module = device.createShaderModule({ code: BUSY });
  const pipeline = await device.createComputePipelineAsync({
    layout: "auto",
    compute: { module, entryPoint: "main", constants: { LOOPS: loops } },
  });
  const out = device.createBuffer({ size: 4096 * 4, usage: GPUBufferUsage.STORAGE });
  const bind = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [{ binding: 0, resource: { buffer: out } }],
  });
  return (pass: GPUComputePassEncoder) => {
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(64);
  };
}

describe("timing statistics", () => {
  it("takes the median and interquartile range", () => {
    expect(sampleStats([5, 1, 3, 2, 4])).toEqual({ medianNs: 3, iqrNs: 2 });
    expect(sampleStats([10, 20, 30, 40])).toEqual({ medianNs: 25, iqrNs: 15 });
  });

  it("detects a common large step and nothing in fine-grained readings", () => {
    expect(detectQuantization([65536, 131072, 65536 * 5])).toBe(65536);
    expect(detectQuantization([100_000, 300_000, 200_000, 0])).toBe(100_000);
    expect(detectQuantization([1_000_123, 1_000_456, 999_871])).toBeNull();
    expect(detectQuantization([65536, 131072])).toBeNull(); // two readings prove nothing
  });
});

describe("the harness on Dawn", () => {
  let acquired: AcquiredDevice;
  beforeAll(async () => {
    const result = await acquireDevice(await nodeGpu());
    if (!result.ok) throw new Error(result.message);
    acquired = result;
  });
  afterAll(() => acquired.device.destroy());

  it("repeats a short kernel until a sample lasts the minimum, and reports per-run times", async () => {
    const run = await busyKernel(acquired.device, 1);
    // A 20 ms minimum: a probe of this microsecond kernel that stalls for a few ms on a loaded
    // machine must still leave the sample needing several runs. The hang guard is tested on its own
    // below; here a CPU-starved SwiftShader (one 20 ms sample once took 1.1 s) must not trip it.
    const result = await timeKernel(acquired.device, run, { minSampleNs: 20e6, maxSubmitNs: 30e9 });
    if (!result.ok) throw new Error(result.message);
    expect(result.method).toBe("timestamp");
    expect(result.samplesNs.length).toBeGreaterThanOrEqual(5);
    expect(result.dispatchesPerSample).toBeGreaterThan(1);
    // Each sample held dispatchesPerSample runs and lasted about minSampleNs (a busy machine varies).
    expect(result.medianNs * result.dispatchesPerSample).toBeGreaterThan(5e6);
    expect(result.quantizationNs).toBeNull(); // node-gpu turns Dawn's quantization off
  });

  it("times a longer kernel as longer, by timestamps and by the wall-clock fallback", async () => {
    const short = await busyKernel(acquired.device, 64);
    const long = await busyKernel(acquired.device, 64 * 64);
    for (const timestamps of [true, false]) {
      const a = await timeKernel(acquired.device, short, { timestamps, minSampleNs: 2e6 });
      const b = await timeKernel(acquired.device, long, { timestamps, minSampleNs: 2e6 });
      if (!a.ok || !b.ok) throw new Error("timing failed");
      expect(b.method).toBe(timestamps ? "timestamp" : "fallback");
      expect(b.medianNs / a.medianNs).toBeGreaterThan(3);
    }
  });

  it("refuses a run the guard predicts or measures to be too long, with status timeout", async () => {
    const run = await busyKernel(acquired.device, 256);
    const predicted = await timeKernel(acquired.device, run, { estimatedRunNs: 5e9 });
    expect(predicted).toMatchObject({ ok: false, status: "timeout" });
    const measured = await timeKernel(acquired.device, run, { maxSubmitNs: 1000 });
    expect(measured).toMatchObject({ ok: false, status: "timeout", message: /exceeds the 0 ms/ });
  });

  it("checks every timed sample against the guard, not only the probe", async () => {
    const run = await busyKernel(acquired.device, 256);
    let passes = 0;
    // The probe reads true; every later pass (a stalled GPU, a clock that fell) reads 2 s.
    const stalling: HarnessOptions["timer"] = (base) => async (device, record, count) => {
      const deltas = await base(device, record, count);
      return deltas.map((d) => (++passes > 2 ? 2e9 : d));
    };
    const result = await timeKernel(acquired.device, run, { timer: stalling });
    expect(result).toMatchObject({
      ok: false,
      status: "timeout",
      message: /a sample of \d+ runs took 2000.0 ms/,
    });
  });

  it("sees Dawn's default 65.536 us quantization in real timestamps", async () => {
    const { create } = await import("webgpu");
    // Dawn's default (quantizing) instance; `gpu` stays referenced so Dawn keeps its devices alive.
    const gpu = create([]);
    const quantized = await acquireDevice(gpu);
    if (!quantized.ok) throw new Error(quantized.message);
    try {
      const run = await busyKernel(quantized.device, 256);
      const deltas = await timeComputePasses(quantized.device, run, 6);
      expect(deltas.every((d) => d % 65536 === 0)).toBe(true);
      const result = await timeKernel(quantized.device, run);
      if (!result.ok) throw new Error(result.message);
      expect(result.quantizationNs).not.toBeNull();
      expect((result.quantizationNs ?? 0) % 65536).toBe(0);
    } finally {
      quantized.device.destroy();
      expect(gpu).toBeDefined();
    }
  });

  it("measures the device's FMA and copy peaks", async () => {
    const peaks = await measurePeaks(acquired.device, deviceLimits(acquired.adapter));
    console.log("peaks", peaks);
    expect(peaks.peakGflops).toBeGreaterThan(0.1);
    expect(peaks.peakGBps).toBeGreaterThan(0.1);
    // SwiftShader has no subgroup matrices: no third roof, rather than a made-up one.
    expect(peaks.peakMatrixGflops).toBeUndefined();
  });
});
