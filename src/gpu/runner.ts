/**
 * The measurement engine: candidates, start to finish, on one GPU session. Each candidate is planned,
 * compiled (ahead of time, several at once, while earlier ones are measured), checked element by element
 * against the problem's reference on the GPU, and only then timed. Every failure is a record with its
 * status and message (invalid, compile-failed, wrong-result, runtime-failed, timeout); a device lost
 * mid-candidate makes that candidate runtime-failed and the next one runs on a fresh device.
 *
 * Timings must hold over long sweeps, so the engine guards the GPU's clock twice:
 *  - a heater keeps the GPU busy while the CPU compiles, and is paused for timed samples; its own
 *    dispatch times say whether the clock is up, and a candidate is timed only once it is;
 *  - a drift sentinel: the problem's first verified config is re-timed every few candidates; when it
 *    drifts past a threshold the engine warms the GPU up again and re-times every candidate since the
 *    last good check. Records reach the sink only once a good check covers them, with that evidence.
 */

import {
  type Baseline,
  type CandidateStatus,
  type ClockEvidence,
  configKey,
  type DeviceInfo,
  problemEntry,
  RECORD_SCHEMA_VERSION,
  TUNELAB_VERSION,
  type TuningRecord,
  tuningRecordSchema,
} from "../core/dataset/record";
import type { KernelFamily, KernelPlan } from "../core/families/family";
import { familyById, planConfig } from "../core/families/index";
import { type ConvProblem, formatProblem, problemFlops } from "../core/problem";
import type { CandidateRunner } from "../core/search/strategy";
import type { Config } from "../core/space/space";
import { ProblemBench } from "./bench";
import { type ClockGuard, HeaterGuard, runAlone } from "./clock-guard";
import { type HarnessOptions, type HarnessResult, timeKernel } from "./harness";
import type { KernelInstance } from "./kernel";
import type { GpuSession, LiveDevice } from "./session";
import { judgeComparison } from "./verify";

export interface EngineOptions {
  harness?: HarnessOptions;
  /** Seed of the problem's random tensors (default 0), and the accepted errors. */
  verify?: { seed?: number; tolerance?: number; elementTolerance?: number; maxCpuReferenceMacs?: number };
  /** tfjs's time for the problem on this device, stored on every record. */
  baseline?: Baseline | null;
  /** Keep the GPU busy between timed candidates (default: on, except on CPU adapters like SwiftShader). */
  keepWarm?: boolean;
  /**
   * The GPU's guard when other engines share the GPU (a measuring pool's workers): their timed work then
   * takes turns. Default: a guard of the engine's own, with a heater as `keepWarm` says.
   */
  clock?: ClockGuard;
  /** Re-time the reference config every `every` candidates; drift past `threshold` (a fraction) re-times. */
  sentinel?: { every?: number; threshold?: number } | false;
  /** Candidates compiled ahead of the one being measured (default 8; 0 on CPU adapters). */
  compileAhead?: number;
  /** Called after each drift check, with what it saw and did. */
  onDriftCheck?: (check: DriftCheck) => void;
  /** What brings the clock back after a drift (default: warming the GPU up; tests simulate it). */
  restore?: () => Promise<unknown>;
}

/**
 * Where records go: the store, a file, a test's array. A sink that can `amend` (a keyed store) gets each
 * record as soon as it is measured and again once a drift check covers it (re-timed or confirmed), so a
 * reload loses nothing; an append-only one gets each record once, when its check is done.
 */
export interface EngineSink {
  add(record: TuningRecord): Promise<void>;
  amend?(record: TuningRecord): Promise<void>;
}

/** What a sweep needs of an engine: this one, or a pool of them measuring in other processes. */
export type SweepEngine = Pick<
  MeasurementEngine,
  "runner" | "withGpuAlone" | "checkpoint" | "flush" | "report"
>;

/** One re-timing of the problem's reference config. */
export interface DriftCheck {
  problem: string;
  /** Candidates measured in the sweep before this check. */
  at: number;
  /** Reference time now over its time when it became the reference. */
  ratio: number;
  drifted: boolean;
  /** After a drift: whether warming up brought the reference back within the threshold. */
  restored: boolean | null;
  /** Candidates timed again because of this check. */
  retimed: number;
  /** The reference's ratio after the re-timing (the evidence the new times stand on). */
  after: number | null;
}

export interface EngineReport {
  /** Candidates measured (stored ones not counted), the wall time they took, their rate, and by how many workers. */
  throughput: { candidates: number; seconds: number; perSecond: number | null; workers: number };
  drift: {
    threshold: number;
    checks: number;
    drifted: number;
    /** Drifts that warming up did not cure (the re-timed candidates then stand on a drifted clock). */
    unresolved: number;
    retimed: number;
    /** Largest |ratio - 1| of any check that stood (after re-timing where there was a drift). */
    maxDeviation: number;
    log: DriftCheck[];
  };
}

const DEFAULT_EVERY = 10;
const DEFAULT_THRESHOLD = 0.05;
const DEFAULT_COMPILE_AHEAD = 8;
const RESTORE_ATTEMPTS = 3;

const STATUS_FAILED: Record<"allocation" | "runtime" | "unwritten" | "mismatch", CandidateStatus> = {
  allocation: "runtime-failed",
  runtime: "runtime-failed",
  unwritten: "wrong-result",
  mismatch: "wrong-result",
};

type Measured = Pick<
  TuningRecord,
  "status" | "message" | "medianNs" | "iqrNs" | "samplesNs" | "verification" | "timing" | "phasesMs"
>;

const failed = (status: CandidateStatus, message: string, partial: Partial<Measured> = {}): Measured => ({
  status,
  message,
  medianNs: null,
  iqrNs: null,
  samplesNs: [],
  verification: null,
  timing: null,
  ...partial,
});

/** A measured candidate waiting for the drift check that covers it; its kernel is kept to re-time it. */
interface Pending {
  record: TuningRecord;
  instance: KernelInstance | null;
  runsPerSample: number | null;
}

/** The problem's reference config: re-timed exactly as it was first timed. */
interface Sentinel {
  instance: KernelInstance;
  runsPerSample: number;
  runNs: number;
  baselineNs: number;
}

/** What the engine holds for the problem being measured, on one device. */
interface ProblemState {
  live: LiveDevice;
  text: string;
  bench: ProblemBench;
  clock: ClockGuard;
  sentinel: Sentinel | null;
  pending: Pending[];
}

export function isCpuAdapter(live: LiveDevice): boolean {
  const { adapter } = live;
  return (
    adapter.isFallbackAdapter ||
    /swiftshader|llvmpipe|lavapipe/i.test(`${adapter.description} ${adapter.device} ${adapter.architecture}`)
  );
}

export class MeasurementEngine {
  private state: ProblemState | null = null;
  /** The guard of the engine's own (when no shared one was given) and the device it was made for. */
  private ownClock: { device: GPUDevice; guard: Promise<HeaterGuard> } | null = null;
  private preparing: Promise<ProblemState> | null = null;
  private measured = 0;
  private measuredMs = 0;
  private readonly log: DriftCheck[] = [];
  private readonly every: number;
  private readonly threshold: number;
  private queued: { live: LiveDevice; family: KernelFamily; problem: ConvProblem; config: Config }[] = [];
  private compiling = 0;
  /** Configs already queued for compiling on `prefetchedOn` (a strategy hints the same ones repeatedly). */
  private readonly prefetched = new Set<string>();
  /** Plans made while compiling ahead, taken (once) by the run of their config. */
  private readonly plans = new Map<string, ReturnType<typeof planConfig>>();
  private prefetchedOn: LiveDevice | null = null;

  constructor(
    readonly session: GpuSession,
    readonly device: DeviceInfo,
    private readonly sink: EngineSink,
    private readonly options: EngineOptions = {},
  ) {
    const sentinel = options.sentinel === false ? null : (options.sentinel ?? {});
    this.every = sentinel ? (sentinel.every ?? DEFAULT_EVERY) : Number.POSITIVE_INFINITY;
    this.threshold = sentinel ? (sentinel.threshold ?? DEFAULT_THRESHOLD) : Number.POSITIVE_INFINITY;
  }

  /** The search strategies' view: configs of one family on one problem, compiled ahead when hinted. */
  runner(
    family: KernelFamily,
    problem: ConvProblem,
    baseline: Baseline | null = this.options.baseline ?? null,
  ): CandidateRunner<TuningRecord> {
    return {
      run: (config) => this.run(family, problem, config, baseline),
      prefetch: (configs) => void this.prefetch(family, problem, configs),
    };
  }

  /** Queues the given configs (the next ones a strategy will measure) for compiling, a few at a time. */
  private async prefetch(
    family: KernelFamily,
    problem: ConvProblem,
    configs: readonly Config[],
  ): Promise<void> {
    const live = await this.session.device().catch(() => null);
    if (!live) return;
    if (this.prefetchedOn !== live) {
      this.prefetched.clear();
      this.plans.clear();
    }
    this.prefetchedOn = live;
    const fresh = configs.filter((config) => {
      const key = this.planKey(family, problem, config);
      if (this.prefetched.has(key)) return false;
      this.prefetched.add(key);
      return true;
    });
    // Hints for another problem or family are stale: the strategy has moved on. Compared by value: a
    // measuring worker parses each hint's problem anew.
    const text = formatProblem(problem);
    this.queued = this.queued.filter((q) => q.family.id === family.id && formatProblem(q.problem) === text);
    this.queued.push(...fresh.map((config) => ({ live, family, problem, config })));
    this.pump();
  }

  private planKey(family: KernelFamily, problem: ConvProblem, config: Config): string {
    return `${family.id}|${formatProblem(problem)}|${configKey(config)}`;
  }

  private pump(): void {
    const live = this.prefetchedOn;
    // On a CPU adapter compiling ahead would take the cores that run (and time) the kernels.
    const limit = this.options.compileAhead ?? (live && isCpuAdapter(live) ? 0 : DEFAULT_COMPILE_AHEAD);
    while (this.compiling < limit && this.queued.length) {
      const { live, family, problem, config } = this.queued.shift() as (typeof this.queued)[number];
      if (live.lostReason) continue;
      const planned = planConfig(family, problem, config, live.limits);
      this.plans.set(this.planKey(family, problem, config), planned);
      if (!planned.ok) continue;
      this.compiling++;
      // A failure here shows again, as the candidate's own, when its run compiles it.
      live.cache
        .compile(planned.plan)
        .catch(() => undefined)
        .finally(() => {
          this.compiling--;
          this.pump();
        });
    }
  }

  /** Measures one candidate and returns its record (provisional until a drift check covers it). */
  async run(
    family: KernelFamily,
    problem: ConvProblem,
    config: Config,
    baseline: Baseline | null,
  ): Promise<TuningRecord> {
    const started = performance.now();
    let measured: Measured;
    let clock: ClockEvidence | undefined;
    let keep: Omit<Pending, "record"> = { instance: null, runsPerSample: null };
    let state: ProblemState | null = null;
    try {
      const live = await this.session.device();
      // An invalid config costs nothing on the GPU, not even the problem's bench.
      const key = this.planKey(family, problem, config);
      const planned =
        (this.prefetchedOn === live && this.plans.get(key)) ||
        planConfig(family, problem, config, live.limits);
      this.plans.delete(key);
      if (!planned.ok) {
        const message = planned.violations.map((v) => `${v.rule}: ${v.message}`).join("; ");
        return await this.handOver(
          this.record(problem, family, config, failed("invalid", message), baseline, undefined),
          started,
        );
      }
      state = await this.problemState(live, problem);
      const current = state;
      // A lost device may leave WebGPU promises pending forever: the loss itself ends the candidate.
      const lost = live.lost.then((info) => ({
        measured: failed("runtime-failed", `device lost (${info.reason}): ${info.message}`),
      }));
      const outcome = await Promise.race([this.measure(current, planned.plan, problem), lost]);
      measured = outcome.measured;
      if ("instance" in outcome) {
        keep = { instance: outcome.instance, runsPerSample: outcome.runsPerSample };
        clock = outcome.clock;
      }
      if (live.lostReason) measured = failed("runtime-failed", live.lostReason);
    } catch (error) {
      measured = failed("runtime-failed", (error as Error).message ?? String(error));
    }
    const record = this.record(problem, family, config, measured, baseline, clock);
    if (!state || state.live.lostReason) {
      keep.instance?.destroy();
      return this.handOver(record, started);
    }
    this.count(started);
    state.pending.push({ record, ...keep });
    if (this.sink.amend) await this.sink.add(record);
    const sentinelOn = Number.isFinite(this.every);
    if (sentinelOn && !state.sentinel && keep.instance && keep.runsPerSample && record.medianNs !== null) {
      // The problem's first verified config becomes its reference (and keeps its kernel).
      state.sentinel = {
        instance: keep.instance,
        runsPerSample: keep.runsPerSample,
        runNs: record.medianNs,
        baselineNs: record.medianNs,
      };
    }
    if (state.pending.length >= this.every) await this.check(state);
    return record;
  }

  private count(started: number): void {
    this.measured++;
    this.measuredMs += performance.now() - started;
  }

  /** A record no drift check needs to cover (no time, or no device left): it queues only to keep order. */
  private async handOver(record: TuningRecord, started: number): Promise<TuningRecord> {
    this.count(started);
    const state = this.state;
    if (state?.pending.length && !state.live.lostReason && !this.sink.amend)
      state.pending.push({ record, instance: null, runsPerSample: null });
    else await this.sink.add(record);
    return record;
  }

  private record(
    problem: ConvProblem,
    family: KernelFamily,
    config: Config,
    measured: Measured,
    baseline: Baseline | null,
    clock: ClockEvidence | undefined,
  ): TuningRecord {
    const record: TuningRecord = {
      schema: RECORD_SCHEMA_VERSION,
      tunelab: TUNELAB_VERSION,
      createdAt: new Date().toISOString(),
      device: this.device,
      problem: problemEntry(problem),
      family: family.id,
      config,
      ...measured,
      ...speedOf(problem, family, measured.medianNs, this.device),
      baseline,
      ...(clock ? { clock } : {}),
    };
    // A record that breaks the schema would break every later read of the store: fail it here instead.
    const checked = tuningRecordSchema.safeParse(record);
    if (checked.success) return record;
    const issue = checked.error.issues[0];
    return {
      ...record,
      ...failed(
        "runtime-failed",
        `the record failed its schema at ${issue?.path.join(".")}: ${issue?.message}`,
      ),
      gflops: null,
      peakFraction: null,
      clock: undefined,
    };
  }

  /** The shared guard, or the engine's own for `live` (one per device, its heater calibrated once). */
  private async clockFor(live: LiveDevice): Promise<ClockGuard> {
    if (this.options.clock) return this.options.clock;
    if (this.ownClock?.device !== live.device) {
      void this.ownClock?.guard.then((g) => g.destroy());
      const keepWarm = this.options.keepWarm ?? !isCpuAdapter(live);
      this.ownClock = { device: live.device, guard: HeaterGuard.create(live.device, keepWarm) };
    }
    return this.ownClock.guard;
  }

  /** `runAlone` on this engine's GPU (see clock-guard.ts). */
  async withGpuAlone<T>(work: () => Promise<T>): Promise<T> {
    return runAlone(await this.clockFor(await this.session.device()), work);
  }

  /** The state of `problem` on `live`, made when either changed (the previous problem's is settled first). */
  private async problemState(live: LiveDevice, problem: ConvProblem): Promise<ProblemState> {
    const text = formatProblem(problem);
    const seed = this.options.verify?.seed ?? 0;
    const current = this.state;
    if (current && current.live === live && current.text === text && !live.lostReason) return current;
    if (this.preparing) return this.preparing;
    this.preparing = (async () => {
      if (current) await this.settle(current);
      const clock = await this.clockFor(live);
      // Uploads and the GPU reference are GPU work too: not beside another engine's timed samples.
      await clock.hold();
      let bench: ProblemBench;
      try {
        bench = await ProblemBench.create(live.device, problem, {
          seed,
          maxCpuReferenceMacs: this.options.verify?.maxCpuReferenceMacs,
        });
      } finally {
        clock.release();
      }
      // Bring the clock up before the problem's first timed sample: checked, not assumed.
      await clock.warmUp();
      return { live, text, bench, clock, sentinel: null, pending: [] };
    })();
    try {
      this.state = await this.preparing;
      return this.state;
    } finally {
      this.preparing = null;
    }
  }

  private async measure(
    state: ProblemState,
    plan: KernelPlan,
    problem: ConvProblem,
  ): Promise<
    | { measured: Measured }
    | { measured: Measured; instance: KernelInstance; runsPerSample: number; clock: ClockEvidence }
  > {
    const { live, bench, clock } = state;
    const started = performance.now();
    const compiled = await live.cache.compile(plan);
    if (!compiled.ok) {
      return {
        measured: failed("compile-failed", `${compiled.stage} ${compiled.pass}: ${compiled.message}`),
      };
    }
    const compiledAt = performance.now();
    // From here the GPU is this candidate's: its checked run's time is clean and stands in for the probes.
    const heaterRatio = await clock.hold();
    try {
      const made = await bench.instantiate(compiled);
      if (!made.ok) return { measured: failed(STATUS_FAILED.allocation, made.message) };
      const { instance } = made;
      const outcome = await this.verifyAndTime(state, instance, problem, started, compiledAt);
      if (outcome.measured.status !== "ok" || !("runsPerSample" in outcome)) {
        instance.destroy();
        return { measured: outcome.measured };
      }
      return {
        ...outcome,
        instance,
        clock: { heaterRatio, sentinelRatio: null, retimed: 0 },
      };
    } finally {
      clock.release();
    }
  }

  private async verifyAndTime(
    state: ProblemState,
    instance: KernelInstance,
    problem: ConvProblem,
    started: number,
    compiledAt: number,
  ): Promise<{ measured: Measured } | { measured: Measured; runsPerSample: number }> {
    const verify = this.options.verify ?? {};
    const harness = this.options.harness ?? {};
    const maxSubmitNs = harness.maxSubmitNs ?? 1e9;
    const checked = await state.bench.check(instance);
    const verifiedAt = performance.now();
    if (!checked.ok) return { measured: failed(STATUS_FAILED.runtime, checked.message) };
    const c = checked.comparison;
    const verification = {
      relativeError: Number.isFinite(c.relativeError) ? c.relativeError : null,
      checked: c.compared,
      total: c.compared,
      maxElementError: Number.isFinite(c.maxElementError) ? c.maxElementError : null,
      reference: state.bench.referenceSource,
    };
    // The hang guard covers the checked run too: a run past the limit is a timeout, not a result.
    if (checked.runNs !== null && checked.runNs > maxSubmitNs) {
      const message = `the verification run took ${(checked.runNs / 1e6).toFixed(1)} ms, past the ${(maxSubmitNs / 1e6).toFixed(0)} ms per-submit limit`;
      return { measured: failed("timeout", message, { verification }) };
    }
    const failure = judgeComparison(c, verify);
    if (failure) return { measured: failed(STATUS_FAILED[failure.kind], failure.message, { verification }) };
    const estimatedRunNs = this.device.peakGflops
      ? problemFlops(problem) / this.device.peakGflops
      : undefined;
    const timed = await timeKernel(state.live.device, instance.encode, {
      estimatedRunNs,
      ...(checked.runNs ? { knownRunNs: checked.runNs } : {}),
      ...harness,
    });
    if (!timed.ok) return { measured: failed(timed.status, timed.message, { verification }) };
    const phasesMs = {
      compile: compiledAt - started,
      verify: verifiedAt - compiledAt,
      time: performance.now() - verifiedAt,
    };
    return {
      measured: { status: "ok", message: "", ...timedFields(timed), verification, phasesMs },
      runsPerSample: timed.dispatchesPerSample,
    };
  }

  /** Times a kept kernel again, exactly as before (same runs per sample). */
  private async retime(state: ProblemState, instance: KernelInstance, runsPerSample: number, runNs: number) {
    await state.clock.hold();
    try {
      return await timeKernel(state.live.device, instance.encode, {
        ...this.options.harness,
        runsPerSample,
        knownRunNs: runNs,
      });
    } finally {
      state.clock.release();
    }
  }

  private async sentinelRatio(state: ProblemState): Promise<number | null> {
    const s = state.sentinel;
    if (!s) return null;
    const timed = await this.retime(state, s.instance, s.runsPerSample, s.runNs);
    return timed.ok ? timed.medianNs / s.baselineNs : null;
  }

  /**
   * The drift check: re-times the reference; within the threshold, the pending records are confirmed.
   * Past it, the GPU is warmed up until the reference is back (a reference that got faster means it was
   * first timed slow: it is re-based), every pending candidate is timed again, and the check repeats
   * once more as the new times' evidence.
   */
  private async check(state: ProblemState): Promise<void> {
    const ratio = await this.sentinelRatio(state);
    if (ratio === null || !state.sentinel) return this.confirm(state, null);
    const entry: DriftCheck = {
      problem: state.text,
      at: this.measured,
      ratio,
      drifted: Math.abs(ratio - 1) > this.threshold,
      restored: null,
      retimed: 0,
      after: null,
    };
    let standing = ratio;
    if (entry.drifted) {
      let now = ratio;
      for (let attempt = 0; attempt < RESTORE_ATTEMPTS && Math.abs(now - 1) > this.threshold; attempt++) {
        if (now < 1) {
          state.sentinel.baselineNs *= now;
          now = 1;
          break;
        }
        await (this.options.restore ?? (() => state.clock.warmUp(true)))();
        now = (await this.sentinelRatio(state)) ?? now;
      }
      entry.restored = Math.abs(now - 1) <= this.threshold;
      for (const p of state.pending) {
        if (!p.instance || !p.runsPerSample || p.record.medianNs === null) continue;
        const timed = await this.retime(state, p.instance, p.runsPerSample, p.record.medianNs);
        applyRetime(p.record, timed, this.device);
        entry.retimed++;
      }
      standing = entry.after = (await this.sentinelRatio(state)) ?? now;
    }
    this.log.push(entry);
    this.options.onDriftCheck?.(entry);
    return this.confirm(state, standing);
  }

  /** Hands the pending records to the sink with the check that covers them, and frees their kernels. */
  private async confirm(state: ProblemState, sentinelRatio: number | null): Promise<void> {
    const pending = state.pending;
    state.pending = [];
    for (const p of pending) {
      if (p.record.clock) p.record.clock.sentinelRatio = sentinelRatio;
      if (p.instance !== state.sentinel?.instance) p.instance?.destroy();
      await (this.sink.amend ? this.sink.amend(p.record) : this.sink.add(p.record));
    }
  }

  /** Checks and hands over what is pending, then frees the problem's bench and reference. */
  private async settle(state: ProblemState): Promise<void> {
    if (!state.live.lostReason && state.pending.length) await this.check(state);
    else await this.confirm(state, null);
    state.sentinel?.instance.destroy();
    state.bench.destroy();
  }

  /**
   * Runs the drift check over what is pending (the problem's bench stays): afterwards every record
   * measured so far has its final time, e.g. to pick a search's winner from.
   */
  async checkpoint(): Promise<void> {
    const state = this.state;
    if (state?.pending.length && !state.live.lostReason) await this.check(state);
  }

  /** Settles the current problem: every record measured so far reaches the sink. */
  async flush(): Promise<void> {
    const state = this.state;
    this.state = null;
    if (state) await this.settle(state);
    await (await this.ownClock?.guard)?.destroy();
    this.ownClock = null;
  }

  report(): EngineReport {
    return engineReport(this.measured, this.measuredMs / 1000, 1, this.threshold, this.log);
  }
}

/** A report from what was measured, in how long, by how many workers, and every drift check. */
export function engineReport(
  candidates: number,
  seconds: number,
  workers: number,
  threshold: number,
  log: readonly DriftCheck[],
): EngineReport {
  const standing = log.map((c) => Math.abs((c.after ?? c.ratio) - 1));
  return {
    throughput: { candidates, seconds, perSecond: seconds > 0 ? candidates / seconds : null, workers },
    drift: {
      threshold,
      checks: log.length,
      drifted: log.filter((c) => c.drifted).length,
      unresolved: log.filter((c) => c.restored === false).length,
      retimed: log.reduce((n, c) => n + c.retimed, 0),
      maxDeviation: standing.length ? Math.max(...standing) : 0,
      log: [...log],
    },
  };
}

/**
 * A record's GFLOP/s and share of its roof for a median time (nulls without one): the FMA peak, or the
 * subgroup matrices' peak for a family that runs on them.
 */
function speedOf(problem: ConvProblem, family: KernelFamily, medianNs: number | null, device: DeviceInfo) {
  const gflops = medianNs === null ? null : problemFlops(problem) / medianNs;
  const roof = family.roof === "matrix" ? device.peakMatrixGflops : device.peakGflops;
  return { gflops, peakFraction: gflops !== null && roof ? gflops / roof : null };
}

/** A successful timing as a record's fields. */
function timedFields({ ok: _, medianNs, iqrNs, samplesNs, ...timing }: Extract<HarnessResult, { ok: true }>) {
  return { medianNs, iqrNs, samplesNs, timing };
}

/** Replaces a record's time with a re-timing (or fails it, when the re-timing failed). */
function applyRetime(record: TuningRecord, timed: HarnessResult, device: DeviceInfo): void {
  const retimed = (record.clock?.retimed ?? 0) + 1;
  if (!timed.ok) {
    Object.assign(
      record,
      failed(timed.status, `re-timed after a drift: ${timed.message}`, { verification: record.verification }),
    );
    Object.assign(record, speedOf(record.problem.fields, familyById(record.family), null, device));
  } else {
    Object.assign(
      record,
      timedFields(timed),
      speedOf(record.problem.fields, familyById(record.family), timed.medianNs, device),
    );
  }
  record.clock = { heaterRatio: record.clock?.heaterRatio ?? null, sentinelRatio: null, retimed };
}

/** Runs one candidate with an engine of its own (e.g. checking a single config); never throws. */
export async function runCandidate(
  session: GpuSession,
  device: DeviceInfo,
  family: KernelFamily,
  problem: ConvProblem,
  config: Config,
  options: EngineOptions = {},
): Promise<TuningRecord> {
  const engine = new MeasurementEngine(session, device, { add: async () => {} }, options);
  const record = await engine.runner(family, problem).run(config);
  await engine.flush();
  return record;
}
