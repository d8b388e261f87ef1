/**
 * GPU time of compute passes from timestamp queries (`timestampWrites`), in nanoseconds. Several passes
 * share one query set and one readback, so a batch of samples costs one round trip.
 */

interface QueryResources {
  querySet: GPUQuerySet;
  resolve: GPUBuffer;
  readback: GPUBuffer;
}

/**
 * Query sets and buffers kept for reuse, per device and pass count: a sweep times thousands of passes,
 * and making and destroying three objects for each was a measurable share of its CPU time.
 */
const idle = new WeakMap<GPUDevice, Map<number, QueryResources[]>>();

function takeResources(device: GPUDevice, count: number): QueryResources {
  const kept = idle.get(device)?.get(count)?.pop();
  if (kept) return kept;
  const bytes = 16 * count;
  return {
    querySet: device.createQuerySet({ type: "timestamp", count: 2 * count }),
    resolve: device.createBuffer({
      size: bytes,
      usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
    }),
    readback: device.createBuffer({ size: bytes, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ }),
  };
}

function giveBack(device: GPUDevice, count: number, resources: QueryResources): void {
  const byCount = idle.get(device) ?? new Map<number, QueryResources[]>();
  idle.set(device, byCount);
  const list = byCount.get(count) ?? [];
  byCount.set(count, list);
  list.push(resources);
}

/** Times `count` compute passes recorded by `record`, submitted together; one delta (end - begin) each. */
export async function timeComputePasses(
  device: GPUDevice,
  record: (pass: GPUComputePassEncoder) => void,
  count: number,
): Promise<number[]> {
  const queries = 2 * count;
  const resources = takeResources(device, count);
  const { querySet, resolve, readback } = resources;
  const encoder = device.createCommandEncoder();
  for (let i = 0; i < count; i++) {
    const pass = encoder.beginComputePass({
      timestampWrites: { querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 },
    });
    record(pass);
    pass.end();
  }
  encoder.resolveQuerySet(querySet, 0, queries, resolve, 0);
  encoder.copyBufferToBuffer(resolve, 0, readback, 0, 8 * queries);
  device.queue.submit([encoder.finish()]);
  try {
    await readback.mapAsync(GPUMapMode.READ);
  } catch (error) {
    // A failed map (a lost device) leaves the buffer unusable: it is not kept.
    for (const r of [querySet, resolve, readback]) r.destroy();
    throw error;
  }
  const stamps = new BigUint64Array(readback.getMappedRange().slice(0));
  readback.unmap();
  giveBack(device, count, resources);
  return Array.from({ length: count }, (_, i) => Number((stamps[2 * i + 1] ?? 0n) - (stamps[2 * i] ?? 0n)));
}

/** Times one compute pass with timestamp queries, in nanoseconds. */
export async function timeComputePass(
  device: GPUDevice,
  record: (pass: GPUComputePassEncoder) => void,
): Promise<number> {
  const [delta] = await timeComputePasses(device, record, 1);
  return delta ?? 0;
}

/**
 * Wall time of `count` passes, each in its own submit, from performance.now() and onSubmittedWorkDone:
 * the fallback where `timestamp-query` is missing. Includes submit and completion overhead.
 */
export async function wallTimeComputePasses(
  device: GPUDevice,
  record: (pass: GPUComputePassEncoder) => void,
  count: number,
): Promise<number[]> {
  const deltas: number[] = [];
  for (let i = 0; i < count; i++) {
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    record(pass);
    pass.end();
    const commands = encoder.finish();
    const start = performance.now();
    device.queue.submit([commands]);
    await device.queue.onSubmittedWorkDone();
    deltas.push(Math.round((performance.now() - start) * 1e6));
  }
  return deltas;
}
