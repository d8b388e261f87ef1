/**
 * A problem's test bench on one device, made once and shared by every candidate of the problem: random
 * input and filter tensors uploaded once, the reference output on the GPU (the CPU's float64
 * convolution for small problems; for large ones the GPU's plain reference kernel, first checked
 * against the CPU on sampled elements), a poisoned output buffer and a comparison kernel. A candidate's
 * check is then one submit: poison the output, run the kernel once (timed, for the hang guard),
 * compare every output element with the reference, read back a few kilobytes.
 */

import referenceWgsl from "../../shaders/reference-conv.wgsl";
import compareWgsl from "../../shaders/verify-compare.wgsl";
import {
  type BufferLimits,
  type ConvProblem,
  outputSize,
  problemErrors,
  problemFlops,
  tensorElements,
} from "../core/problem";
import { rng } from "../core/random";
import { referenceConv, referenceSample, relativeError, sampleOffsets } from "../core/reference";
import { computePipeline, dispatchGrid } from "./compute";
import { type CompiledKernel, createKernelInstance, type KernelInstance, POISON_BITS } from "./kernel";

export interface BenchOptions {
  /** Seed of the random input and filter (and of the reference's sampled check). */
  seed: number;
  /** Problems needing more multiply-adds than this get their reference from the GPU (default 2e7). */
  maxCpuReferenceMacs?: number;
}

/** Largest accepted relative error ||out - ref|| / ||ref|| (f32). */
export const DEFAULT_TOLERANCE = 1e-4;
/**
 * Largest accepted single-element error, relative to the reference's root mean square: a sum of a few
 * thousand f32 products in another order differs by about 1e-6 of that, one wrong element by far more.
 */
export const DEFAULT_ELEMENT_TOLERANCE = 1e-3;

export interface Comparison {
  /** ||out - ref|| / ||ref|| over the finite elements. */
  relativeError: number;
  /** The largest |out - ref| over the reference's root mean square, and where it is. */
  maxElementError: number;
  worstOffset: number;
  /** Elements that are NaN or infinite (never written, or overflowed), and the first of them. */
  nonFinite: number;
  firstNonFinite: number;
  /** Output elements compared: all of them. */
  compared: number;
}

/**
 * A bench holds the input, filter, output, reference and poison tensors on the GPU (and the inputs on
 * the CPU): beyond this a typo (a 16000x16000 image) would eat the machine before failing. The largest
 * suite layer at batch 32 (vgg16 32x64x224x224,64x3x3) needs 1.53 GiB.
 */
export const MAX_BENCH_BYTES = 2 * 2 ** 30;

/**
 * Why a problem cannot get a bench on a device (a tensor past its buffer limits, or more memory than
 * MAX_BENCH_BYTES), or null: checked before any tensor is made.
 */
export function benchRefusal(problem: ConvProblem, limits: BufferLimits): string | null {
  const tooLarge = problemErrors(problem, limits);
  if (tooLarge.length) return tooLarge.map((e) => e.message).join("; ");
  const sizes = tensorElements(problem);
  const bytes = (sizes.input + sizes.filter + 3 * sizes.output) * 4;
  if (bytes <= MAX_BENCH_BYTES) return null;
  return `it needs ${(bytes / 2 ** 30).toFixed(1)} GiB for its tensors, reference and checks, past the ${MAX_BENCH_BYTES / 2 ** 30} GiB a bench may take`;
}

const COMPARE_WORKGROUP = 256;
const MAX_COMPARE_GROUPS = 1024;
const PARTIAL_WORDS = 8;
const NONE = 0xffffffff;

/** Random values in [-1, 1): never all zeros, so a kernel that ignores its inputs fails. */
export function randomTensor(length: number, random: () => number): Float32Array<ArrayBuffer> {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = random() * 2 - 1;
  return out;
}

export class ProblemBench {
  private constructor(
    readonly device: GPUDevice,
    readonly problem: ConvProblem,
    readonly seed: number,
    private readonly tensors: { input: GPUBuffer; filter: GPUBuffer; output: GPUBuffer },
    private readonly reference: GPUBuffer,
    private readonly poison: GPUBuffer,
    private readonly compare: { pipeline: GPUComputePipeline; bind: GPUBindGroup; groups: number },
    private readonly partials: GPUBuffer,
    /** How the reference was made: "cpu" (float64, whole) or "gpu" (checked on a sample). */
    readonly referenceSource: "cpu" | "gpu",
  ) {}

  /** Uploads the tensors and makes the reference; throws when the device cannot hold them. */
  static async create(device: GPUDevice, problem: ConvProblem, options: BenchOptions): Promise<ProblemBench> {
    const refused = benchRefusal(problem, device.limits);
    if (refused) throw new Error(refused);
    const sizes = tensorElements(problem);
    const random = rng(options.seed);
    const input = randomTensor(sizes.input, random);
    const filter = randomTensor(sizes.filter, random);
    const made: GPUBuffer[] = [];
    const buffer = (label: string, elements: number, usage: number) => {
      const b = device.createBuffer({
        label,
        size: Math.max(16, Math.ceil((elements * 4) / 16) * 16),
        usage,
      });
      made.push(b);
      return b;
    };
    const { STORAGE, COPY_DST, COPY_SRC, UNIFORM } = GPUBufferUsage;
    device.pushErrorScope("out-of-memory");
    const tensors = {
      input: buffer("input", sizes.input, STORAGE | COPY_DST),
      filter: buffer("filter", sizes.filter, STORAGE | COPY_DST),
      output: buffer("output", sizes.output, STORAGE | COPY_DST | COPY_SRC),
    };
    const reference = buffer("reference", sizes.output, STORAGE | COPY_DST | COPY_SRC);
    const poison = buffer("poison", sizes.output, COPY_SRC | COPY_DST);
    const partials = buffer("partials", MAX_COMPARE_GROUPS * PARTIAL_WORDS, STORAGE | COPY_SRC);
    const compareParams = buffer("compare-params", 4, UNIFORM | COPY_DST);
    const memory = await device.popErrorScope();
    if (memory) {
      for (const b of made) b.destroy();
      throw new Error(`the problem's tensors do not fit on the device: ${memory.message}`);
    }
    device.queue.writeBuffer(tensors.input, 0, input);
    device.queue.writeBuffer(tensors.filter, 0, filter);
    writePoison(device, poison, sizes.output);

    const macs = problemFlops(problem) / 2;
    let referenceSource: "cpu" | "gpu" = "cpu";
    if (macs <= (options.maxCpuReferenceMacs ?? 2e7)) {
      device.queue.writeBuffer(reference, 0, Float32Array.from(referenceConv(problem, input, filter)));
    } else {
      referenceSource = "gpu";
      await runGpuReference(device, problem, tensors.input, tensors.filter, reference);
      await checkGpuReference(device, problem, reference, input, filter, random);
    }

    const groups = Math.min(MAX_COMPARE_GROUPS, Math.ceil(sizes.output / COMPARE_WORKGROUP));
    device.queue.writeBuffer(
      compareParams,
      0,
      new Uint32Array([sizes.output, groups * COMPARE_WORKGROUP, 0, 0]),
    );
    const pipeline = await computePipeline(device, compareWgsl, "verify-compare");
    const bind = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [tensors.output, reference, partials, compareParams].map((b, binding) => ({
        binding,
        resource: { buffer: b },
      })),
    });
    return new ProblemBench(
      device,
      problem,
      options.seed,
      tensors,
      reference,
      poison,
      { pipeline, bind, groups },
      partials,
      referenceSource,
    );
  }

  /** Binds a compiled kernel to the bench's tensors (and its own scratch buffers). */
  instantiate(kernel: CompiledKernel) {
    return createKernelInstance(this.device, this.problem, kernel, this.tensors);
  }

  /**
   * Poisons the output, runs the kernel once inside a timestamped pass (the run's GPU time, for the hang
   * guard; null without timestamps), compares every element with the reference.
   */
  async check(
    instance: KernelInstance,
  ): Promise<{ ok: true; comparison: Comparison; runNs: number | null } | { ok: false; message: string }> {
    const { device } = this;
    const outputBytes = tensorElements(this.problem).output * 4;
    const timed = device.features.has("timestamp-query");
    const querySet = timed ? device.createQuerySet({ type: "timestamp", count: 2 }) : null;
    const { COPY_DST, COPY_SRC, MAP_READ, QUERY_RESOLVE } = GPUBufferUsage;
    const stamps = querySet ? device.createBuffer({ size: 16, usage: QUERY_RESOLVE | COPY_SRC }) : null;
    const partialBytes = this.compare.groups * PARTIAL_WORDS * 4;
    const readback = device.createBuffer({ size: partialBytes + 16, usage: COPY_DST | MAP_READ });
    try {
      device.pushErrorScope("out-of-memory");
      device.pushErrorScope("validation");
      const encoder = device.createCommandEncoder();
      encoder.copyBufferToBuffer(this.poison, 0, this.tensors.output, 0, outputBytes);
      const run = encoder.beginComputePass(
        querySet
          ? { timestampWrites: { querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } }
          : {},
      );
      instance.encode(run);
      run.end();
      const compare = encoder.beginComputePass();
      compare.setPipeline(this.compare.pipeline);
      compare.setBindGroup(0, this.compare.bind);
      compare.dispatchWorkgroups(this.compare.groups);
      compare.end();
      encoder.copyBufferToBuffer(this.partials, 0, readback, 0, partialBytes);
      if (querySet && stamps) {
        encoder.resolveQuerySet(querySet, 0, 2, stamps, 0);
        encoder.copyBufferToBuffer(stamps, 0, readback, partialBytes, 16);
      }
      device.queue.submit([encoder.finish()]);
      const validation = await device.popErrorScope();
      const memory = await device.popErrorScope();
      const error = validation ?? memory;
      if (error) return { ok: false, message: error.message };
      await readback.mapAsync(GPUMapMode.READ);
      const bytes = readback.getMappedRange().slice(0);
      readback.unmap();
      const words = new Uint32Array(bytes, 0, partialBytes / 4);
      const floats = new Float32Array(bytes, 0, partialBytes / 4);
      const times = new BigUint64Array(bytes, partialBytes, 2);
      const runNs = querySet ? Number((times[1] ?? 0n) - (times[0] ?? 0n)) : null;
      return {
        ok: true,
        comparison: combinePartials(words, floats, this.compare.groups, outputBytes / 4),
        runNs,
      };
    } finally {
      querySet?.destroy();
      stamps?.destroy();
      readback.destroy();
    }
  }

  destroy(): void {
    for (const b of [...Object.values(this.tensors), this.reference, this.poison, this.partials]) b.destroy();
  }
}

/** The compare kernel's per-workgroup partials summed (in float64) into one comparison. */
export function combinePartials(
  words: Uint32Array,
  floats: Float32Array,
  groups: number,
  total: number,
): Comparison {
  let sumSqDiff = 0;
  let sumSqRef = 0;
  let maxDiff = 0;
  let worstOffset = -1;
  let nonFinite = 0;
  let firstNonFinite = -1;
  for (let g = 0; g < groups; g++) {
    const at = g * PARTIAL_WORDS;
    sumSqDiff += floats[at] as number;
    sumSqRef += floats[at + 1] as number;
    const worst = words[at + 3] as number;
    if (worst !== NONE && (worstOffset < 0 || (floats[at + 2] as number) > maxDiff)) {
      maxDiff = floats[at + 2] as number;
      worstOffset = worst;
    }
    nonFinite += words[at + 4] as number;
    const first = words[at + 5] as number;
    if (first !== NONE && (firstNonFinite < 0 || first < firstNonFinite)) firstNonFinite = first;
  }
  const finite = total - nonFinite;
  const rms = finite > 0 ? Math.sqrt(sumSqRef / finite) : 0;
  const ratio = (a: number, b: number) => (b > 0 ? a / b : a === 0 ? 0 : Number.POSITIVE_INFINITY);
  return {
    relativeError: ratio(Math.sqrt(sumSqDiff), Math.sqrt(sumSqRef)),
    maxElementError: ratio(maxDiff, rms),
    worstOffset,
    nonFinite,
    firstNonFinite,
    compared: total,
  };
}

const POISON_CHUNK = 1 << 20;

function writePoison(device: GPUDevice, poison: GPUBuffer, elements: number): void {
  const words = new Uint32Array(Math.min(POISON_CHUNK, elements)).fill(POISON_BITS);
  for (let at = 0; at < elements; at += POISON_CHUNK) {
    device.queue.writeBuffer(poison, at * 4, words, 0, Math.min(POISON_CHUNK, elements - at));
  }
}

const REFERENCE_WORKGROUP = 64;

async function runGpuReference(
  device: GPUDevice,
  problem: ConvProblem,
  input: GPUBuffer,
  filter: GPUBuffer,
  output: GPUBuffer,
): Promise<void> {
  const { p, q } = outputSize(problem);
  const total = tensorElements(problem).output;
  const [x, y] = dispatchGrid(device, Math.ceil(total / REFERENCE_WORKGROUP));
  const params = device.createBuffer({ size: 80, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const pr = problem;
  device.queue.writeBuffer(
    params,
    0,
    new Uint32Array([
      ...[pr.n, pr.c, pr.h, pr.w, pr.k, pr.r, pr.s, pr.groups, p, q, pr.padH, pr.padW],
      ...[
        pr.strideH,
        pr.strideW,
        pr.dilH,
        pr.dilW,
        pr.layout === "NHWC" ? 1 : 0,
        total,
        x * REFERENCE_WORKGROUP,
        0,
      ],
    ]),
  );
  try {
    const pipeline = await computePipeline(device, referenceWgsl, "reference-conv");
    const bind = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [input, filter, output, params].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    device.pushErrorScope("validation");
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(x, y);
    pass.end();
    device.queue.submit([encoder.finish()]);
    const error = await device.popErrorScope();
    if (error) throw new Error(`the GPU reference failed: ${error.message}`);
    await device.queue.onSubmittedWorkDone();
  } finally {
    params.destroy();
  }
}

/** Elements of the GPU reference checked against the CPU's float64 convolution. */
const REFERENCE_SAMPLE = 2048;

/** Trust, but check: the GPU reference must agree with the CPU on a random sample of its elements. */
async function checkGpuReference(
  device: GPUDevice,
  problem: ConvProblem,
  reference: GPUBuffer,
  input: Float32Array,
  filter: Float32Array,
  random: () => number,
): Promise<void> {
  const total = tensorElements(problem).output;
  const offsets = sampleOffsets(total, REFERENCE_SAMPLE, random);
  const readback = device.createBuffer({
    size: total * 4,
    usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
  });
  try {
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(reference, 0, readback, 0, total * 4);
    device.queue.submit([encoder.finish()]);
    await readback.mapAsync(GPUMapMode.READ);
    const values = new Float32Array(readback.getMappedRange());
    const gpu = offsets.map((o) => values[o] as number);
    readback.unmap();
    const error = relativeError(gpu, referenceSample(problem, input, filter, offsets));
    if (!(error < DEFAULT_TOLERANCE / 10)) {
      throw new Error(
        `the GPU reference disagrees with the CPU (relative error ${error.toExponential(2)} on ${offsets.length} elements): this device's results cannot be trusted`,
      );
    }
  } finally {
    readback.destroy();
  }
}
