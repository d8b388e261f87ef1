/**
 * The peer to beat: tfjs-backend-webgpu's conv2d on the same device and problem, timed by tf.time()'s
 * kernelMs (its own timestamp queries). tfjs takes NHWC input and an HWIO filter; depthwise problems
 * (groups = C) go through depthwiseConv2d. Stored beside tuned records so a problem reads
 * "best tuned = x times tfjs".
 */
import type { Baseline } from "../core/dataset/record";
import { type ConvProblem, problemFlops } from "../core/problem";
import { rng } from "../core/random";

type Tf = typeof import("@tensorflow/tfjs");

export type BaselineResult = { ok: true; baseline: Baseline } | { ok: false; message: string };

export interface BaselineOptions {
  /** Timed samples (default 5). */
  samples?: number;
  /** A sample should hold at least this much kernel time (default 1 ms). */
  minSampleMs?: number;
}

let ready: Promise<Tf> | undefined;

/**
 * Loads tfjs with its WebGPU backend on `gpu` (in Node, navigator.gpu does not exist: it is set here,
 * before the backend's import, which registers it only where navigator.gpu exists).
 * tfjs asks the adapter for its own device, beside the engine's.
 */
export function loadTfjsWebgpu(gpu: GPU): Promise<Tf> {
  ready ??= (async () => {
    const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
    if (!nav) Object.assign(globalThis, { navigator: { gpu } });
    else if (!nav.gpu) Object.defineProperty(nav, "gpu", { value: gpu, configurable: true });
    const tf = await import("@tensorflow/tfjs");
    await import("@tensorflow/tfjs-backend-webgpu");
    // Small inputs would otherwise run on the CPU backend; the peer is tfjs on the GPU.
    tf.env().set("WEBGPU_CPU_FORWARD", false);
    return tf;
  })();
  ready.catch(() => {
    ready = undefined;
  });
  return ready;
}

/**
 * Replaces tfjs's webgpu backend (its buffer pools and its device) with a fresh one on the next use, so
 * that one problem's baseline does not inherit another's pooled buffers. Only done when no tensors are
 * alive.
 */
function renewBackend(tf: Tf): void {
  const factory = tf.findBackendFactory("webgpu");
  const backend = tf.findBackend("webgpu") as { device?: GPUDevice } | null;
  if (!factory) return;
  tf.removeBackend("webgpu");
  backend?.device?.destroy();
  tf.registerBackend("webgpu", factory);
}

/**
 * Why tfjs cannot run this problem as one op, or null when it can. tfjs's webgpu conv2d computes in
 * f32 only: an f16 problem is compared with tfjs's f32 convolution of the same shape.
 */
export function tfjsUnsupported(p: ConvProblem): string | null {
  if ((p.strideH > 1 || p.strideW > 1) && (p.dilH > 1 || p.dilW > 1)) {
    return "tfjs needs stride 1 or dilation 1";
  }
  if (p.groups !== 1 && p.groups !== p.c) return "tfjs has no grouped convolution (only groups 1 or C)";
  return null;
}

/** Times tfjs's conv2d (or depthwiseConv2d) on `problem`; never throws. */
export async function measureTfjsBaseline(
  gpu: GPU,
  problem: ConvProblem,
  options: BaselineOptions = {},
): Promise<BaselineResult> {
  const unsupported = tfjsUnsupported(problem);
  if (unsupported) return { ok: false, message: unsupported };
  let restore: string | undefined;
  try {
    const tf = await loadTfjsWebgpu(gpu);
    // The model may train on another backend in the same Worker: borrow webgpu, then give it back.
    const previous = tf.getBackend();
    if (previous !== "webgpu") {
      if (!(await tf.setBackend("webgpu"))) throw new Error("tfjs could not start its webgpu backend");
      restore = previous;
    }
    await tf.ready();
    const p = problem;
    const random = rng(1);
    const values = (n: number) => Float32Array.from({ length: n }, () => random() * 2 - 1);
    const depthwise = p.groups !== 1;
    const input = tf.tensor4d(values(p.n * p.h * p.w * p.c), [p.n, p.h, p.w, p.c]);
    const filterShape: [number, number, number, number] = depthwise
      ? [p.r, p.s, p.c, p.k / p.c]
      : [p.r, p.s, p.c, p.k];
    const filter = tf.tensor4d(values(filterShape.reduce((a, b) => a * b)), filterShape);
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [p.padH, p.padH],
      [p.padW, p.padW],
      [0, 0],
    ];
    const conv = () =>
      depthwise
        ? tf.depthwiseConv2d(input, filter, [p.strideH, p.strideW], pad, "NHWC", [p.dilH, p.dilW])
        : tf.conv2d(input, filter, [p.strideH, p.strideW], pad, "NHWC", [p.dilH, p.dilW]);
    const timeRuns = async (runs: number): Promise<number> => {
      const info = await tf.time(() =>
        tf.tidy(() => {
          for (let i = 0; i < runs; i++) conv();
        }),
      );
      const ms = info.kernelMs;
      if (typeof ms !== "number") throw new Error(`tfjs reported no kernel time: ${ms.error}`);
      return ms;
    };
    try {
      // Warm-up compiles tfjs's shaders; then enough runs per sample to last minSampleMs.
      const probeMs = Math.max(await timeRuns(1), 1e-3);
      const runs = Math.min(256, Math.max(1, Math.ceil((options.minSampleMs ?? 1) / probeMs)));
      const samples: number[] = [];
      for (let i = 0; i < (options.samples ?? 5); i++) samples.push((await timeRuns(runs)) / runs);
      samples.sort((a, b) => a - b);
      const medianNs = (samples[samples.length >> 1] as number) * 1e6;
      if (!(medianNs > 0)) return { ok: false, message: "tfjs's kernel time read zero" };
      return { ok: true, baseline: { library: "tfjs", medianNs, gflops: problemFlops(p) / medianNs } };
    } finally {
      input.dispose();
      filter.dispose();
      if (tf.memory().numTensors === 0) renewBackend(tf);
    }
  } catch (error) {
    return { ok: false, message: `tfjs: ${(error as Error).message ?? String(error)}` };
  } finally {
    if (restore) await (await loadTfjsWebgpu(gpu)).setBackend(restore);
  }
}
