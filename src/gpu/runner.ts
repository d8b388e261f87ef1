/**
 * One candidate, start to finish: plan -> compile -> verify against the CPU reference -> time. Only a
 * verified candidate gets a time. Every failure is a record with its status and message (invalid,
 * compile-failed, wrong-result, runtime-failed, timeout); a device lost mid-candidate makes that
 * candidate runtime-failed and the next one runs on a fresh device.
 */

import {
  type Baseline,
  type CandidateStatus,
  type DeviceInfo,
  problemEntry,
  RECORD_SCHEMA_VERSION,
  TUNELAB_VERSION,
  type TuningRecord,
} from "../core/dataset/record";
import type { KernelFamily } from "../core/families/family";
import { planConfig } from "../core/families/index";
import { type ConvProblem, problemFlops, tensorElements } from "../core/problem";
import type { CandidateRunner } from "../core/search/strategy";
import type { Config } from "../core/space/space";
import { type HarnessOptions, timeKernel } from "./harness";
import { createKernelInstance } from "./kernel";
import type { GpuSession, LiveDevice } from "./session";
import { type VerifyFailureKind, type VerifyOptions, verifyPlan } from "./verify";

export interface RunnerOptions {
  harness?: HarnessOptions;
  verify?: VerifyOptions;
  /** tfjs's time for this problem on this device, stored on every record. */
  baseline?: Baseline | null;
}

const STATUS_OF: Record<VerifyFailureKind, CandidateStatus> = {
  invalid: "invalid",
  compile: "compile-failed",
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

async function measure(
  live: LiveDevice,
  family: KernelFamily,
  problem: ConvProblem,
  config: Config,
  peakGflops: number | null,
  options: RunnerOptions,
): Promise<Measured> {
  const planned = planConfig(family, problem, config, live.limits);
  if (!planned.ok) {
    return failed("invalid", planned.violations.map((v) => `${v.rule}: ${v.message}`).join("; "));
  }
  const started = performance.now();
  const verified = await verifyPlan(live.cache, problem, planned.plan, options.verify);
  const verifiedAt = performance.now();
  if (!verified.ok) {
    const verification =
      verified.relativeError === undefined
        ? null
        : {
            relativeError: Number.isFinite(verified.relativeError) ? verified.relativeError : null,
            checked: 0,
            total: tensorElements(problem).output,
          };
    return failed(STATUS_OF[verified.kind], verified.message, { verification });
  }
  const verification = {
    relativeError: verified.relativeError,
    checked: verified.compared,
    total: tensorElements(problem).output,
  };
  const compiled = await live.cache.compile(planned.plan);
  if (!compiled.ok) return failed("compile-failed", compiled.message);
  const made = await createKernelInstance(live.device, problem, compiled);
  if (!made.ok) return failed("runtime-failed", made.message, { verification });
  try {
    const estimatedRunNs = peakGflops ? problemFlops(problem) / peakGflops : undefined;
    const timed = await timeKernel(live.device, made.instance.encode, { estimatedRunNs, ...options.harness });
    if (!timed.ok) return failed(timed.status, timed.message, { verification });
    const { ok: _, medianNs, iqrNs, samplesNs, ...timing } = timed;
    const phasesMs = {
      compile: verified.compileMs,
      verify: verifiedAt - started - verified.compileMs,
      time: performance.now() - verifiedAt,
    };
    return { status: "ok", message: "", medianNs, iqrNs, samplesNs, verification, timing, phasesMs };
  } finally {
    made.instance.destroy();
  }
}

/** Runs one candidate on the session's current device and returns its record; never throws. */
export async function runCandidate(
  session: GpuSession,
  device: DeviceInfo,
  family: KernelFamily,
  problem: ConvProblem,
  config: Config,
  options: RunnerOptions = {},
): Promise<TuningRecord> {
  let measured: Measured;
  try {
    const live = await session.device();
    // A lost device may leave WebGPU promises pending forever: the loss itself ends the candidate.
    const lost = live.lost.then((info) =>
      failed("runtime-failed", `device lost (${info.reason}): ${info.message}`),
    );
    measured = await Promise.race([measure(live, family, problem, config, device.peakGflops, options), lost]);
    if (live.lostReason) measured = failed("runtime-failed", live.lostReason);
  } catch (error) {
    measured = failed("runtime-failed", (error as Error).message ?? String(error));
  }
  const gflops = measured.medianNs === null ? null : problemFlops(problem) / measured.medianNs;
  return {
    schema: RECORD_SCHEMA_VERSION,
    tunelab: TUNELAB_VERSION,
    createdAt: new Date().toISOString(),
    device,
    problem: problemEntry(problem),
    family: family.id,
    config,
    ...measured,
    gflops,
    peakFraction: gflops !== null && device.peakGflops ? gflops / device.peakGflops : null,
    baseline: options.baseline ?? null,
  };
}

/** The search strategies' view: a runner of configs of one family on one problem. */
export function candidateRunner(
  session: GpuSession,
  device: DeviceInfo,
  family: KernelFamily,
  problem: ConvProblem,
  options: RunnerOptions = {},
): CandidateRunner<TuningRecord> {
  return { run: (config) => runCandidate(session, device, family, problem, config, options) };
}
