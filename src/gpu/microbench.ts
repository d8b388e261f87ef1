/**
 * The device's measured peaks: FMA throughput (GFLOP/s), copy bandwidth (GB/s) and, where it has
 * them, the subgroup matrices' (tensor cores') f16 throughput. Every record's
 * "fraction of peak" divides by these, and the harness's guard estimates run times from them.
 */
import copyWgsl from "../../shaders/microbench-copy.wgsl";
import fmaWgsl from "../../shaders/microbench-fma.wgsl";
import mmaWgsl from "../../shaders/microbench-mma.wgsl";
import { fillTemplate, wgslConstants } from "../core/families/codegen";
import { type DeviceLimits, SUBGROUP_MATRIX_FEATURE } from "../core/families/family";
import { matrixShapes } from "../core/families/mma";
import { computePipeline, dispatchGrid } from "./compute";
import { type HarnessOptions, timeKernel } from "./harness";

export interface DevicePeaks {
  peakGflops: number;
  peakGBps: number;
  /** Subgroup-matrix (tensor-core) f16 GFLOP/s; absent when the device has none. */
  peakMatrixGflops?: number;
}

const WORKGROUP = 256;
const FMA_ITERATIONS = 256;
const FLOPS_PER_INVOCATION = FMA_ITERATIONS * 8 * 4 * 2;

/** Longest a single run of a microbenchmark should take: grows the grid until the GPU is full. */
const TARGET_RUN_NS = 2e6;

/**
 * GFLOP/s of a compute-bound kernel: the grid grows fourfold until one run lasts TARGET_RUN_NS, so
 * every core is busy. `sinkBytes` is what a workgroup writes to its storage buffer.
 */
async function measureCompute(
  device: GPUDevice,
  kernel: GPUComputePipeline,
  per: { flops: number; sinkBytes: number },
  harness: HarnessOptions,
): Promise<number> {
  const sinkCap = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  const maxGroups = Math.min(device.limits.maxComputeWorkgroupsPerDimension * 16, sinkCap / per.sinkBytes);
  let best = 0;
  for (let groups = 16; groups <= maxGroups; groups *= 4) {
    const sink = device.createBuffer({ size: groups * per.sinkBytes, usage: GPUBufferUsage.STORAGE });
    try {
      const bind = device.createBindGroup({
        layout: kernel.getBindGroupLayout(0),
        entries: [{ binding: 0, resource: { buffer: sink } }],
      });
      const [x, y] = dispatchGrid(device, groups);
      const result = await timeKernel(
        device,
        (pass) => {
          pass.setPipeline(kernel);
          pass.setBindGroup(0, bind);
          pass.dispatchWorkgroups(x, y);
        },
        harness,
      );
      if (!result.ok) throw new Error(`${kernel.label} microbenchmark: ${result.message}`);
      best = Math.max(best, (x * y * per.flops) / result.medianNs);
      if (result.medianNs >= TARGET_RUN_NS) break;
    } finally {
      sink.destroy();
    }
  }
  return best;
}

/** Peak FMA GFLOP/s (f32, vec4 chains). */
export async function measurePeakGflops(device: GPUDevice, harness: HarnessOptions = {}): Promise<number> {
  const fma = await computePipeline(device, fmaWgsl, "microbench-fma", { ITERATIONS: FMA_ITERATIONS });
  return measureCompute(
    device,
    fma,
    { flops: WORKGROUP * FLOPS_PER_INVOCATION, sinkBytes: WORKGROUP * 16 },
    harness,
  );
}

const MMA_ITERATIONS = 2048;
const MMA_SUBGROUPS = 4;
const MMA_ACCUMULATORS = 8;

/**
 * Peak subgroup-matrix GFLOP/s (f16 operands, f32 accumulators) on the device's largest such shape,
 * or null when it has none. The tensor cores' roof.
 */
export async function measurePeakMatrixGflops(
  device: GPUDevice,
  limits: DeviceLimits,
  harness: HarnessOptions = {},
): Promise<number | null> {
  const shape = matrixShapes(limits).sort((a, b) => b.M * b.N * b.K - a.M * a.N * a.K)[0];
  if (!shape || !device.features.has(SUBGROUP_MATRIX_FEATURE)) return null;
  const code = fillTemplate(mmaWgsl, {
    CONSTANTS: wgslConstants({
      MM: shape.M,
      MN: shape.N,
      MK: shape.K,
      SUBGROUP: limits.subgroupMaxSize,
      ITERATIONS: MMA_ITERATIONS,
    }),
  });
  const kernel = await computePipeline(device, code, "microbench-mma");
  const accumulators = MMA_SUBGROUPS * MMA_ACCUMULATORS;
  return measureCompute(
    device,
    kernel,
    {
      flops: accumulators * MMA_ITERATIONS * 2 * shape.M * shape.N * shape.K,
      sinkBytes: accumulators * shape.M * shape.N * 4,
    },
    harness,
  );
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

export async function measurePeaks(
  device: GPUDevice,
  limits: DeviceLimits,
  harness: HarnessOptions = {},
): Promise<DevicePeaks> {
  const peakMatrixGflops = await measurePeakMatrixGflops(device, limits, harness);
  return {
    peakGflops: await measurePeakGflops(device, harness),
    peakGBps: await measurePeakGBps(device, harness),
    ...(peakMatrixGflops ? { peakMatrixGflops } : {}),
  };
}
