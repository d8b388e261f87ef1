/**
 * Trustworthy kernel times. A sample is one timed compute pass holding enough runs of the kernel to
 * last about a millisecond (browsers quantize timestamps to 100 us, Dawn to 65.536 us by default), after
 * warm-up; the result is the median and IQR of at least five samples, per run. Zero or negative deltas
 * are discarded, and a timer whose readings are all multiples of a large step is reported as quantized.
 * Without `timestamp-query` the harness falls back to wall time over many runs. A guard keeps any one
 * submit under about a second, so a slow candidate cannot hang the GPU (or a browser's watchdog).
 */
import type { TimingInfo } from "../core/dataset/record";
import { timeComputePasses, wallTimeComputePasses } from "./timestamps";

export interface HarnessOptions {
  /** A sample should last at least this long (default 1 ms). */
  minSampleNs?: number;
  /** Samples kept for the statistics (default 5, at least 5). */
  samples?: number;
  /** Samples run and thrown away first (default 1). */
  warmup?: number;
  /** Most kernel runs in one sample (default 4096). */
  maxRunsPerSample?: number;
  /** Longest a single submit may keep the GPU busy (default 1 s). */
  maxSubmitNs?: number;
  /** A lower bound on one run's time (e.g. its FLOPs at the device's measured peak), checked first. */
  estimatedRunNs?: number;
  /** Use timestamp queries (default: when the device has `timestamp-query`). */
  timestamps?: boolean;
  /** One run's time already measured (e.g. by the verification run): the probing starts from it. */
  knownRunNs?: number;
  /** Runs per sample fixed (no probing), e.g. to re-time a kernel exactly as it was timed before. */
  runsPerSample?: number;
  /** Wraps the pass timer (tests simulate a drifting clock with it). */
  timer?: (base: PassTimer) => PassTimer;
}

/** Times `count` passes, each holding what `record` encodes; one GPU time (ns) per pass. */
export type PassTimer = (
  device: GPUDevice,
  record: (pass: GPUComputePassEncoder) => void,
  count: number,
) => Promise<number[]>;

export type HarnessResult =
  | ({ ok: true; medianNs: number; iqrNs: number; samplesNs: number[] } & TimingInfo)
  | { ok: false; status: "timeout" | "runtime-failed"; message: string };

const DEFAULTS = {
  minSampleNs: 1e6,
  samples: 5,
  warmup: 1,
  maxRunsPerSample: 4096,
  maxSubmitNs: 1e9,
};

/** The q-quantile (0..1) of sorted values, interpolating linearly between neighbours. */
export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) throw new Error("quantile of no values");
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const a = sorted[lo] as number;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  return a + (b - a) * (at - lo);
}

export function sampleStats(samples: readonly number[]): { medianNs: number; iqrNs: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { medianNs: quantile(sorted, 0.5), iqrNs: quantile(sorted, 0.75) - quantile(sorted, 0.25) };
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Steps below this are real timer resolution, not a rounding that hides short kernels. */
const QUANTIZATION_FLOOR_NS = 1000;

/**
 * The timer's step when every delta is a multiple of one large step (Dawn: 65536 ns, Chrome: 100 us),
 * else null. Needs three deltas: two could share a large factor by chance.
 */
export function detectQuantization(deltasNs: readonly number[]): number | null {
  const positive = deltasNs.filter((d) => d > 0).map(Math.round);
  if (positive.length < 3) return null;
  const step = positive.reduce(gcd);
  return step >= QUANTIZATION_FLOOR_NS ? step : null;
}

/** Why a run is refused before it starts, or null when it fits the per-submit limit. */
export function guardMessage(runNs: number, maxSubmitNs: number, what: string): string | null {
  if (runNs <= maxSubmitNs) return null;
  return `${what} ${(runNs / 1e6).toFixed(1)} ms for one run exceeds the ${(maxSubmitNs / 1e6).toFixed(0)} ms per-submit limit`;
}

/** Runs per sample for a run of `runNs`: enough to pass minSampleNs, within the guard and the cap. */
function firstRuns(runNs: number, o: typeof DEFAULTS): number {
  const wanted = Math.ceil((o.minSampleNs / runNs) * 1.2);
  return Math.max(1, Math.min(o.maxRunsPerSample, Math.floor(o.maxSubmitNs / runNs), wanted));
}

/**
 * Times `encodeRun` (one run of a kernel: its dispatches, recorded into a compute pass). Failures of the
 * GPU surface as thrown errors from WebGPU; a run too long for the guard returns status `timeout`.
 */
export async function timeKernel(
  device: GPUDevice,
  encodeRun: (pass: GPUComputePassEncoder) => void,
  options: HarnessOptions = {},
): Promise<HarnessResult> {
  const o = { ...DEFAULTS, ...options };
  const samples = Math.max(5, o.samples);
  const useTimestamps = o.timestamps ?? device.features.has("timestamp-query");
  const estimated = guardMessage(o.estimatedRunNs ?? 0, o.maxSubmitNs, "estimated at the device's peak:");
  if (estimated) return { ok: false, status: "timeout", message: estimated };

  const encodeRuns = (runs: number) => (pass: GPUComputePassEncoder) => {
    for (let i = 0; i < runs; i++) encodeRun(pass);
  };
  const base: PassTimer = useTimestamps ? timeComputePasses : wallTimeComputePasses;
  const timer = o.timer ? o.timer(base) : base;
  // Every pass is checked against the guard, not only the probes: a sample past it is a timeout.
  let overLimit: string | null = null;
  const measure = async (runs: number, count: number) => {
    const deltas = await timer(device, encodeRuns(runs), count);
    overLimit ??= guardMessage(Math.max(...deltas), o.maxSubmitNs, `a sample of ${runs} runs took`);
    return deltas;
  };

  // Grow the runs per sample until a sample lasts minSampleNs, never letting one submit pass the guard.
  // A known run time (the checked run's) stands in for the probes.
  let runs = o.runsPerSample ?? (o.knownRunNs ? firstRuns(o.knownRunNs, o) : 1);
  let runNs = o.knownRunNs ?? 0;
  while (o.runsPerSample === undefined && !o.knownRunNs) {
    // The shorter of two probes: one stall of a busy machine must not pass for the kernel's speed.
    const delta = Math.min(...(await measure(runs, 2)));
    runNs = delta / runs;
    const tooLong = guardMessage(runNs, o.maxSubmitNs, "measured");
    if (tooLong) return { ok: false, status: "timeout", message: tooLong };
    if (delta >= o.minSampleNs || runs >= o.maxRunsPerSample) break;
    const wanted = delta > 0 ? Math.ceil((o.minSampleNs / delta) * runs * 1.2) : runs * 16;
    const affordable = runNs > 0 ? Math.floor(o.maxSubmitNs / runNs) : o.maxRunsPerSample;
    const next = Math.min(o.maxRunsPerSample, affordable, Math.max(wanted, runs * 2));
    if (next <= runs) break;
    runs = next;
  }

  // Samples go out in batches that each stay under the per-submit limit, the warm-up samples leading
  // the first batch; discarded ones are replaced (up to three times the samples asked for, in case the
  // timer keeps reading zero).
  const takeSamples = async () => {
    const perSubmit = useTimestamps ? Math.max(1, Math.floor(o.maxSubmitNs / Math.max(runNs * runs, 1))) : 1;
    let warmupLeft = Math.min(o.warmup, perSubmit - 1);
    const taken = { warmup: [] as number[], measured: [] as number[], kept: [] as number[] };
    while (taken.kept.length < samples && taken.measured.length < 3 * samples) {
      const batch = await measure(runs, Math.min(samples - taken.kept.length + warmupLeft, perSubmit));
      taken.warmup.push(...batch.splice(0, warmupLeft));
      warmupLeft = 0;
      taken.measured.push(...batch);
      taken.kept.push(...batch.filter((d) => d > 0));
    }
    return taken;
  };
  let { warmup, measured, kept } = await takeSamples();
  // A known run time can be too long (a first run, still cold): samples then fall short; grow them.
  for (let retry = 0; o.knownRunNs && o.runsPerSample === undefined && kept.length && retry < 2; retry++) {
    const typical = sampleStats(kept).medianNs;
    if (typical >= o.minSampleNs / 2 || runs >= o.maxRunsPerSample || overLimit) break;
    runNs = typical / runs;
    runs = Math.min(
      o.maxRunsPerSample,
      Math.floor(o.maxSubmitNs / runNs),
      Math.ceil((o.minSampleNs / typical) * runs * 1.2),
    );
    ({ warmup, measured, kept } = await takeSamples());
  }
  if (overLimit) return { ok: false, status: "timeout", message: overLimit };
  if (!kept.length) {
    return { ok: false, status: "runtime-failed", message: "every timed sample read zero or negative" };
  }
  const samplesNs = kept.map((d) => d / runs);
  return {
    ok: true,
    ...sampleStats(samplesNs),
    samplesNs,
    method: useTimestamps ? "timestamp" : "fallback",
    dispatchesPerSample: runs,
    quantizationNs: detectQuantization([...warmup, ...measured]),
    discarded: measured.length - kept.length,
  };
}
