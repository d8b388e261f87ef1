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
import { toHalf } from "../core/half";
import {
  type BufferLimits,
  type ConvProblem,
  elementBytes,
  outputSize,
  problemErrors,
  problemFlops,
  tensorElements,
} from "../core/problem";
import { rng } from "../core/random";
import { referenceConv, referenceSample, relativeError, sampleOffsets } from "../core/reference";
import { F32_TOLERANCE, type Tolerance, toleranceFor } from "../core/tolerance";
import { computePipeline, dispatchGrid } from "./compute";
import {
  type CompiledKernel,
  createKernelInstance,
  type KernelInstance,
  POISON_CHUNK,
  poisonWord,
} from "./kernel";

export interface BenchOptions {
  /** Seed of the random input and filter (and of the reference's sampled check). */
  seed: number;
  /** Problems needing more multiply-adds than this get their reference from the GPU (default 2e7). */
  maxCpuReferenceMacs?: number;
}

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
  /** The reference's largest |value| over its root mean square. */
  referencePeak: number;
  /** What a correct kernel stays within, for this problem's precision (src/core/tolerance.ts). */
  tolerance: Tolerance;
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
  // Tensors and the poison in the problem's precision, the reference in f32.
  const bytes = (sizes.input + sizes.filter + 2 * sizes.output) * elementBytes(problem) + sizes.output * 4;
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
    const values = { input: randomTensor(sizes.input, random), filter: randomTensor(sizes.filter, random) };
    // f16 problems upload f16 bits; their reference convolves the same rounded values.
    const half =
      problem.precision === "f16" ? { input: toHalf(values.input), filter: toHalf(values.filter) } : null;
    const input = half ? half.input.rounded : values.input;
    const filter = half ? half.filter.rounded : values.filter;
    const bytes = elementBytes(problem);
    const made: GPUBuffer[] = [];
    const buffer = (label: string, elements: number, usage: number, size = bytes) => {
      const b = device.createBuffer({
        label,
        size: Math.max(16, Math.ceil((elements * size) / 16) * 16),
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
    const reference = buffer("reference", sizes.output, STORAGE | COPY_DST | COPY_SRC, 4);
    const poison = buffer("poison", sizes.output, COPY_SRC | COPY_DST);
    const partials = buffer("partials", MAX_COMPARE_GROUPS * PARTIAL_WORDS, STORAGE | COPY_SRC, 4);
    const compareParams = buffer("compare-params", 4, UNIFORM | COPY_DST, 4);
    const memory = await device.popErrorScope();
    if (memory) {
      for (const b of made) b.destroy();
      throw new Error(`the problem's tensors do not fit on the device: ${memory.message}`);
    }
    device.queue.writeBuffer(tensors.input, 0, half?.input.bits ?? input);
    device.queue.writeBuffer(tensors.filter, 0, half?.filter.bits ?? filter);
    writePoison(device, poison, Math.ceil((sizes.output * bytes) / 4), poisonWord(problem));

    const macs = problemFlops(problem) / 2;
    let referenceSource: "cpu" | "gpu" = "cpu";
    if (macs <= (options.maxCpuReferenceMacs ?? 2e7)) {
      device.queue.writeBuffer(reference, 0, Float32Array.from(referenceConv(problem, input, filter)));
    } else {
      referenceSource = "gpu";
      await runGpuReference(device, problem, half ? { input, filter } : tensors, reference);
      await checkGpuReference(device, problem, reference, input, filter, random);
    }

    const groups = Math.min(MAX_COMPARE_GROUPS, Math.ceil(sizes.output / COMPARE_WORKGROUP));
    device.queue.writeBuffer(
      compareParams,
      0,
      new Uint32Array([sizes.output, groups * COMPARE_WORKGROUP, 0, 0]),
    );
    const pipeline = await computePipeline(device, compareWgsl, "verify-compare", {
      HALF: bytes === 2 ? 1 : 0,
    });
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
    const elements = tensorElements(this.problem).output;
    const outputBytes = Math.ceil((elements * elementBytes(this.problem)) / 4) * 4;
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
      const combined = combinePartials(words, floats, this.compare.groups, elements);
      return {
        ok: true,
        comparison: { ...combined, tolerance: toleranceFor(this.problem, combined.referencePeak) },
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
): Omit<Comparison, "tolerance"> {
  let sumSqDiff = 0;
  let sumSqRef = 0;
  let maxDiff = 0;
  let worstOffset = -1;
  let nonFinite = 0;
  let firstNonFinite = -1;
  let maxRef = 0;
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
    maxRef = Math.max(maxRef, floats[at + 6] as number);
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
    referencePeak: rms > 0 ? maxRef / rms : 0,
  };
}

function writePoison(device: GPUDevice, poison: GPUBuffer, words: number, word: number): void {
  const chunk = new Uint32Array(Math.min(POISON_CHUNK, words)).fill(word);
  for (let at = 0; at < words; at += POISON_CHUNK) {
    device.queue.writeBuffer(poison, at * 4, chunk, 0, Math.min(POISON_CHUNK, words - at));
  }
}

const REFERENCE_WORKGROUP = 64;

/** The plain reference kernel over f32 tensors: the bench's own, or (f16 problems) f32 copies of the rounded values. */
async function runGpuReference(
  device: GPUDevice,
  problem: ConvProblem,
  tensors: { input: GPUBuffer | Float32Array<ArrayBuffer>; filter: GPUBuffer | Float32Array<ArrayBuffer> },
  output: GPUBuffer,
): Promise<void> {
  const uploaded: GPUBuffer[] = [];
  const onDevice = (values: GPUBuffer | Float32Array<ArrayBuffer>): GPUBuffer => {
    if (!(values instanceof Float32Array)) return values;
    const b = device.createBuffer({
      size: Math.max(16, values.byteLength),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(b, 0, values);
    uploaded.push(b);
    return b;
  };
  const input = onDevice(tensors.input);
  const filter = onDevice(tensors.filter);
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
    for (const b of uploaded) b.destroy();
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
    if (!(error < F32_TOLERANCE.relative / 10)) {
      throw new Error(
        `the GPU reference disagrees with the CPU (relative error ${error.toExponential(2)} on ${offsets.length} elements): this device's results cannot be trusted`,
      );
    }
  } finally {
    readback.destroy();
  }
}
