/**
 * The device's measured peaks: FMA throughput (GFLOP/s) and copy bandwidth (GB/s). Every record's
 * "fraction of peak" divides by these, and the harness's guard estimates run times from them.
 */
import copyWgsl from "../../shaders/microbench-copy.wgsl";
import fmaWgsl from "../../shaders/microbench-fma.wgsl";
import { computePipeline, dispatchGrid } from "./compute";
import { type HarnessOptions, timeKernel } from "./harness";

export interface DevicePeaks {
  peakGflops: number;
  peakGBps: number;
}

const WORKGROUP = 256;
const FMA_ITERATIONS = 256;
const FLOPS_PER_INVOCATION = FMA_ITERATIONS * 8 * 4 * 2;

/** Longest a single run of a microbenchmark should take: grows the grid until the GPU is full. */
const TARGET_RUN_NS = 2e6;

/** Peak FMA GFLOP/s: the grid doubles until one run lasts TARGET_RUN_NS, so every core is busy. */
export async function measurePeakGflops(device: GPUDevice, harness: HarnessOptions = {}): Promise<number> {
  const fma = await computePipeline(device, fmaWgsl, "microbench-fma", { ITERATIONS: FMA_ITERATIONS });
  const sinkCap = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  const maxGroups = Math.min(device.limits.maxComputeWorkgroupsPerDimension * 16, sinkCap / (WORKGROUP * 16));
  let best = 0;
  for (let groups = 16; groups <= maxGroups; groups *= 4) {
    const sink = device.createBuffer({ size: groups * WORKGROUP * 16, usage: GPUBufferUsage.STORAGE });
    try {
      const bind = device.createBindGroup({
        layout: fma.getBindGroupLayout(0),
        entries: [{ binding: 0, resource: { buffer: sink } }],
      });
      const [x, y] = dispatchGrid(device, groups);
      const result = await timeKernel(
        device,
        (pass) => {
          pass.setPipeline(fma);
          pass.setBindGroup(0, bind);
          pass.dispatchWorkgroups(x, y);
        },
        harness,
      );
      if (!result.ok) throw new Error(`FMA microbenchmark: ${result.message}`);
      best = Math.max(best, (x * y * WORKGROUP * FLOPS_PER_INVOCATION) / result.medianNs);
      if (result.medianNs >= TARGET_RUN_NS) break;
    } finally {
      sink.destroy();
    }
  }
  return best;
}

/**
 * Copy GB/s of DRAM: buffers start at 64 MiB (or the device's limit) and grow until a run lasts
 * TARGET_RUN_NS, and the largest one's rate counts; smaller buffers would be served from a cache
 * (an H100's 50 MB L2 made 16 MiB copies read above its DRAM's 3.35 TB/s).
 */
export async function measurePeakGBps(device: GPUDevice, harness: HarnessOptions = {}): Promise<number> {
  const copy = await computePipeline(device, copyWgsl, "microbench-copy");
  const cap = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize, 256 << 20);
  let rate = 0;
  for (let bytes = Math.min(64 << 20, cap); bytes <= cap; bytes *= 4) {
    const src = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE });
    const dst = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE });
    try {
      const bind = device.createBindGroup({
        layout: copy.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: src } },
          { binding: 1, resource: { buffer: dst } },
        ],
      });
      const [x, y] = dispatchGrid(device, Math.ceil(bytes / 16 / WORKGROUP));
      const result = await timeKernel(
        device,
        (pass) => {
          pass.setPipeline(copy);
          pass.setBindGroup(0, bind);
          pass.dispatchWorkgroups(x, y);
        },
        harness,
      );
      if (!result.ok) throw new Error(`copy microbenchmark: ${result.message}`);
      rate = (2 * bytes) / result.medianNs;
      if (result.medianNs >= TARGET_RUN_NS) break;
    } finally {
      src.destroy();
      dst.destroy();
    }
  }
  return rate;
}

export async function measurePeaks(device: GPUDevice, harness: HarnessOptions = {}): Promise<DevicePeaks> {
  return {
    peakGflops: await measurePeakGflops(device, harness),
    peakGBps: await measurePeakGBps(device, harness),
  };
}
