import smokeWgsl from "../../shaders/smoke.wgsl";
import { timeComputePass } from "./timestamps";

export interface SmokeResult {
  elements: number;
  /** Kernel time from timestamp queries, or null when the device has no `timestamp-query`. */
  kernelNs: number | null;
  /** First few output values, so callers can check the kernel really ran. */
  head: number[];
}

/** Compiles, dispatches and (when possible) times a tiny kernel: the quickest proof a device works. */
export async function runSmokeKernel(device: GPUDevice, elements = 1 << 16): Promise<SmokeResult> {
  const module = device.createShaderModule({ code: smokeWgsl });
  const pipeline = await device.createComputePipelineAsync({
    layout: "auto",
    compute: { module, entryPoint: "main" },
  });
  const out = device.createBuffer({
    size: elements * 4,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
  });
  const readback = device.createBuffer({
    size: 16,
    usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
  });
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [{ binding: 0, resource: { buffer: out } }],
  });
  const dispatch = (pass: GPUComputePassEncoder) => {
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(Math.ceil(elements / 64));
  };
  try {
    let kernelNs: number | null = null;
    if (device.features.has("timestamp-query")) {
      kernelNs = await timeComputePass(device, dispatch);
    } else {
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      dispatch(pass);
      pass.end();
      device.queue.submit([encoder.finish()]);
    }
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(out, 0, readback, 0, 16);
    device.queue.submit([encoder.finish()]);
    await readback.mapAsync(GPUMapMode.READ);
    const head = [...new Float32Array(readback.getMappedRange().slice(0))];
    readback.unmap();
    return { elements, kernelNs, head };
  } finally {
    out.destroy();
    readback.destroy();
  }
}
