/**
 * Compiles a KernelPlan into pipelines (cached by shader key), binds it to buffers, and runs it.
 *
 *   const compiled = await cache.compile(plan);          // CompileResult: failures are values
 *   const made = await createKernelInstance(device, problem, compiled);
 *   made.instance.write(input, filter);
 *   pass => made.instance.encode(pass)                    // record every pass's dispatches, e.g. N times in one timed pass
 *   await made.instance.run();  await made.instance.readOutput();
 */
import type { KernelPlan } from "../core/families/family";
import { halfBitsToNumber, toHalf } from "../core/half";
import { type ConvProblem, elementBytes, tensorElements } from "../core/problem";

export interface ShaderMessage {
  pass: string;
  type: GPUCompilationMessageType;
  message: string;
  line: number;
  column: number;
}

export interface CompiledKernel {
  ok: true;
  plan: KernelPlan;
  /** One pipeline per pass, in order. */
  pipelines: GPUComputePipeline[];
  /** Warnings and notes from the shader compiler. */
  messages: ShaderMessage[];
  /** Wall time to compile (0 when every pipeline came from the cache). */
  compileMs: number;
}

export interface CompileFailure {
  ok: false;
  /** "shader": the WGSL was rejected; "pipeline": the pipeline could not be created from it. */
  stage: "shader" | "pipeline";
  pass: string;
  message: string;
  messages: ShaderMessage[];
}

export type CompileResult = CompiledKernel | CompileFailure;

type PassResult = { ok: true; pipeline: GPUComputePipeline; messages: ShaderMessage[] } | CompileFailure;

/** Compiles plans on one device; pipelines are shared by every plan with the same shader key. */
export class KernelCache {
  private readonly pipelines = new Map<string, Promise<PassResult>>();

  constructor(readonly device: GPUDevice) {}

  async compile(plan: KernelPlan): Promise<CompileResult> {
    const start = performance.now();
    let fresh = false;
    const results: PassResult[] = [];
    for (const pass of plan.passes) {
      const key = `${plan.shaderKey}#${pass.label}`;
      let pending = this.pipelines.get(key);
      if (!pending) {
        fresh = true;
        pending = compilePass(this.device, pass.label, pass.wgsl, pass.entryPoint);
        this.pipelines.set(key, pending);
      }
      const result = await pending;
      if (!result.ok) {
        this.pipelines.delete(key); // a failure may be transient (device lost): let a retry compile again
        return result;
      }
      results.push(result);
    }
    return {
      ok: true,
      plan,
      pipelines: results.map((r) => (r as { pipeline: GPUComputePipeline }).pipeline),
      messages: results.flatMap((r) => (r as { messages: ShaderMessage[] }).messages),
      compileMs: fresh ? performance.now() - start : 0,
    };
  }

  get size(): number {
    return this.pipelines.size;
  }

  clear(): void {
    this.pipelines.clear();
  }
}

async function compilePass(
  device: GPUDevice,
  pass: string,
  code: string,
  entryPoint: string,
): Promise<PassResult> {
  device.pushErrorScope("validation");
  const module = device.createShaderModule({ code, label: pass });
  const info = await module.getCompilationInfo();
  const scopeError = await device.popErrorScope();
  const messages: ShaderMessage[] = info.messages.map((m) => ({
    pass,
    type: m.type,
    message: m.message,
    line: m.lineNum,
    column: m.linePos,
  }));
  const errors = messages.filter((m) => m.type === "error");
  if (errors.length || scopeError) {
    const first = errors[0];
    const message = first ? `${first.line}:${first.column}: ${first.message}` : (scopeError?.message ?? "");
    return { ok: false, stage: "shader", pass, message, messages };
  }
  try {
    device.pushErrorScope("validation");
    const pipeline = await device.createComputePipelineAsync({
      label: pass,
      layout: "auto",
      compute: { module, entryPoint },
    });
    const error = await device.popErrorScope();
    if (error) return { ok: false, stage: "pipeline", pass, message: error.message, messages };
    return { ok: true, pipeline, messages: messages.filter((m) => m.type !== "error") };
  } catch (error) {
    await device.popErrorScope();
    return {
      ok: false,
      stage: "pipeline",
      pass,
      message: String((error as Error).message ?? error),
      messages,
    };
  }
}

export interface KernelBuffers {
  input: GPUBuffer;
  filter: GPUBuffer;
  output: GPUBuffer;
  scratch: Record<string, GPUBuffer>;
}

/** One compiled kernel bound to its own buffers. */
export interface KernelInstance {
  readonly kernel: CompiledKernel;
  readonly buffers: KernelBuffers;
  /** Records every pass's dispatch into an open compute pass (a timing harness may call it repeatedly). */
  encode(pass: GPUComputePassEncoder): void;
  /** Uploads the input and filter, in the problem's layout. */
  write(input: Float32Array<ArrayBuffer>, filter: Float32Array<ArrayBuffer>): void;
  /** Fills the output with a NaN bit pattern, so any element the kernel does not write fails verification. */
  poisonOutput(): void;
  /** Runs every pass once in one compute pass and waits for the GPU; errors come back as a value. */
  run(): Promise<{ ok: true } | { ok: false; message: string }>;
  readOutput(): Promise<Float32Array>;
  destroy(): void;
}

/** A quiet NaN: what an unwritten output element holds. */
export const POISON_BITS = 0x7fc00000;
/** Two f16 quiet NaNs: the same for an f16 output. */
const HALF_POISON_WORD = 0x7e007e00;
export const POISON_CHUNK = 1 << 20;

/** The 32-bit word that fills an output with NaNs in its problem's precision. */
export const poisonWord = (problem: ConvProblem): number =>
  elementBytes(problem) === 2 ? HALF_POISON_WORD : POISON_BITS;

/**
 * Allocates and binds the kernel's buffers (its scratch, and the tensors unless a problem's shared ones
 * are given); an allocation or binding failure comes back as a value.
 */
export async function createKernelInstance(
  device: GPUDevice,
  problem: ConvProblem,
  kernel: CompiledKernel,
  tensors?: Pick<KernelBuffers, "input" | "filter" | "output">,
): Promise<{ ok: true; instance: KernelInstance } | { ok: false; message: string }> {
  const sizes = tensorElements(problem);
  const bytes = elementBytes(problem);
  const half = bytes === 2;
  const made: GPUBuffer[] = [];
  const storage = (label: string, bytes: number, extra = 0) => {
    const buffer = device.createBuffer({
      label,
      size: Math.max(16, Math.ceil(bytes / 16) * 16),
      usage: GPUBufferUsage.STORAGE | extra,
    });
    made.push(buffer);
    return buffer;
  };
  device.pushErrorScope("out-of-memory");
  device.pushErrorScope("validation");
  const buffers: KernelBuffers = {
    ...(tensors ?? {
      input: storage("input", sizes.input * bytes, GPUBufferUsage.COPY_DST),
      filter: storage("filter", sizes.filter * bytes, GPUBufferUsage.COPY_DST),
      output: storage("output", sizes.output * bytes, GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC),
    }),
    scratch: Object.fromEntries(kernel.plan.scratch.map((s) => [s.name, storage(s.name, s.bytes)])),
  };
  const lookup = (name: string): GPUBuffer => {
    const buffer =
      name in buffers.scratch ? buffers.scratch[name] : buffers[name as "input" | "filter" | "output"];
    if (!buffer) throw new Error(`plan ${kernel.plan.shaderKey} binds unknown buffer '${name}'`);
    return buffer;
  };
  let bindGroups: GPUBindGroup[] = [];
  let bindError: string | null = null;
  try {
    bindGroups = kernel.plan.passes.map((pass, i) =>
      device.createBindGroup({
        label: pass.label,
        layout: (kernel.pipelines[i] as GPUComputePipeline).getBindGroupLayout(0),
        entries: pass.bindings.map((name, binding) => ({ binding, resource: { buffer: lookup(name) } })),
      }),
    );
  } catch (error) {
    bindError = String((error as Error).message ?? error);
  }
  const validation = await device.popErrorScope();
  const memory = await device.popErrorScope();
  const failure = bindError ?? validation?.message ?? memory?.message;
  if (failure) {
    for (const b of made) b.destroy();
    return { ok: false, message: failure };
  }

  const encode = (pass: GPUComputePassEncoder) => {
    kernel.plan.passes.forEach((p, i) => {
      pass.setPipeline(kernel.pipelines[i] as GPUComputePipeline);
      pass.setBindGroup(0, bindGroups[i] as GPUBindGroup);
      pass.dispatchWorkgroups(...p.dispatch);
    });
  };
  const instance: KernelInstance = {
    kernel,
    buffers,
    encode,
    write(input, filter) {
      if (input.length !== sizes.input || filter.length !== sizes.filter) {
        throw new Error(`expected ${sizes.input} input and ${sizes.filter} filter elements`);
      }
      device.queue.writeBuffer(buffers.input, 0, half ? toHalf(input).bits : input);
      device.queue.writeBuffer(buffers.filter, 0, half ? toHalf(filter).bits : filter);
    },
    poisonOutput() {
      const total = Math.ceil((sizes.output * bytes) / 4);
      const words = new Uint32Array(Math.min(POISON_CHUNK, total)).fill(poisonWord(problem));
      for (let at = 0; at < total; at += POISON_CHUNK) {
        device.queue.writeBuffer(buffers.output, at * 4, words, 0, Math.min(POISON_CHUNK, total - at));
      }
    },
    async run() {
      device.pushErrorScope("out-of-memory");
      device.pushErrorScope("validation");
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      encode(pass);
      pass.end();
      device.queue.submit([encoder.finish()]);
      const validation = await device.popErrorScope();
      const memory = await device.popErrorScope();
      await device.queue.onSubmittedWorkDone();
      const error = validation ?? memory;
      return error ? { ok: false, message: error.message } : { ok: true };
    },
    async readOutput() {
      const size = Math.ceil((sizes.output * bytes) / 4) * 4;
      const readback = device.createBuffer({
        size,
        usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
      });
      try {
        const encoder = device.createCommandEncoder();
        encoder.copyBufferToBuffer(buffers.output, 0, readback, 0, size);
        device.queue.submit([encoder.finish()]);
        await readback.mapAsync(GPUMapMode.READ);
        const data = readback.getMappedRange().slice(0);
        if (!half) return new Float32Array(data);
        return Float32Array.from(new Uint16Array(data, 0, sizes.output), halfBitsToNumber);
      } finally {
        readback.destroy();
      }
    },
    destroy() {
      for (const b of made) b.destroy();
    },
  };
  return { ok: true, instance };
}
