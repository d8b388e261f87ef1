/** Small helpers shared by the engine's own kernels (microbenchmarks, heater, reference, comparison). */

/** Workgroup counts over x and y covering `groups` (x is capped by the device). */
export function dispatchGrid(device: GPUDevice, groups: number): [number, number] {
  const maxX = device.limits.maxComputeWorkgroupsPerDimension;
  return groups <= maxX ? [groups, 1] : [maxX, Math.ceil(groups / maxX)];
}

/** A compute pipeline of `code`'s `main`, its layout derived from the shader. */
export function computePipeline(
  device: GPUDevice,
  code: string,
  label: string,
  constants?: Record<string, number>,
): Promise<GPUComputePipeline> {
  const module = device.createShaderModule({ code, label });
  return device.createComputePipelineAsync({
    label,
    layout: "auto",
    compute: constants ? { module, entryPoint: "main", constants } : { module, entryPoint: "main" },
  });
}
