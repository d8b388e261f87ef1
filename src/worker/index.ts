/// <reference lib="webworker" />
/**
 * The engine's Worker: one typed API over comlink (the model has its own Worker, model.ts). GPU work goes through one serial queue (no two jobs
 * overlap); every long call takes a caller-chosen job id that `cancel(jobId)` aborts, and progress
 * arrives through a callback the page wraps with comlink's `proxy()`.
 */
import "../core/dataset/no-eval";
import { expose } from "comlink";
import { checkItem, type Rejected } from "../core/dataset/check";
import { type DatasetFormat, readRecordItems, writeRecords } from "../core/dataset/io";
import { candidateKey, recordKey, type TuningRecord } from "../core/dataset/record";
import { type SweepSummary, summarize } from "../core/dataset/summary";
import { familyById } from "../core/families/index";
import { formatProblem, parseProblem } from "../core/problem";
import { modelGuidedByFamily, type RankedConfig } from "../core/search/model-guided";
import { measureInOrder } from "../core/search/strategy";
import type { AcquiredDevice, DeviceAcquisition } from "../gpu/device";
import { SerialQueue } from "../gpu/jobs";
import type { DevicePeaks } from "../gpu/microbench";
import { MeasurementEngine } from "../gpu/runner";
import { DeviceUnavailable, GpuSession } from "../gpu/session";
import { runSmokeKernel, type SmokeResult } from "../gpu/smoke";
import { runSweep, type SweepOutcome, type SweepProgress, type SweepRequest } from "../gpu/sweep";
import { type BaselineResult, measureTfjsBaseline } from "../gpu/tfjs-baseline";
import { addNewRecords, allRecords, clearRecords, putRecord } from "./store";

export type { SweepOutcome, SweepProgress, SweepRequest } from "../gpu/sweep";

/** The Worker owns the one GPUDevice; the session re-acquires it after a loss. */
const session = new GpuSession(self.navigator.gpu);
const queue = new SerialQueue();
let internalJobs = 0;
/** An id for short jobs the page does not cancel. */
const internalJob = (name: string) => `${name}-${++internalJobs}`;

export interface MeasureRequest {
  problem: string;
  family: string;
  configs: Record<string, number>[];
}

export interface MeasureProgress {
  done: number;
  total: number;
  record: TuningRecord;
}

/** Everything the page may ask of the engine. The app imports only this type. */
export const workerApi = {
  /** The adapter and whether it has timestamp queries, or why there is no device. */
  async device(): Promise<
    Omit<AcquiredDevice, "device" | "lost"> | Exclude<DeviceAcquisition, AcquiredDevice>
  > {
    try {
      const { adapter, hasTimestamps } = await session.device();
      return { ok: true, adapter, hasTimestamps };
    } catch (error) {
      if (error instanceof DeviceUnavailable) return error.unavailable;
      throw error;
    }
  },

  /** Compiles, runs and times a tiny kernel: the quickest proof the device works. */
  async smoke(): Promise<SmokeResult> {
    return queue.run(internalJob("smoke"), async () => runSmokeKernel((await session.device()).device));
  },

  /** Measured FMA peak (GFLOP/s) and copy bandwidth (GB/s); measured once, then remembered. */
  async peaks(): Promise<DevicePeaks> {
    return queue.run(internalJob("peaks"), () => session.devicePeaks());
  },

  /**
   * Sweeps problems x families with a strategy, storing each candidate as it ends; resumes from the
   * store. A model-guided sweep brings each problem's ranking (the model's Worker made it): each family
   * measures its share of it, best first, through the same strategy the CLI's sweep uses.
   */
  async sweep(
    jobId: string,
    request: SweepRequest,
    onProgress?: (progress: SweepProgress) => void,
    rankings?: Record<string, RankedConfig[]>,
  ): Promise<SweepOutcome> {
    const guided = rankings
      ? modelGuidedByFamily(async (problem) => rankings[formatProblem(problem)] ?? [])
      : undefined;
    return queue.run(jobId, async (signal) =>
      runSweep(
        session,
        request,
        { add: putRecord, amend: putRecord },
        {
          signal,
          onProgress,
          existing: await allRecords(),
          ...(guided ? { strategyFor: (problem, family) => guided(problem, family.id) } : {}),
        },
      ),
    );
  },

  /** Measures given configs of one family on one problem (e.g. a model's candidates); stored ones are reused. */
  async measure(
    jobId: string,
    request: MeasureRequest,
    onProgress?: (progress: MeasureProgress) => void,
  ): Promise<TuningRecord[]> {
    const problem = parseProblem(request.problem);
    const family = familyById(request.family);
    return queue.run(jobId, async (signal) => {
      const device = await session.deviceInfo(await session.devicePeaks());
      const text = formatProblem(problem);
      const stored = new Map((await allRecords()).map((r) => [recordKey(r), r]));
      const baseline =
        [...stored.values()].find((r) => r.problem.text === text && r.baseline)?.baseline ?? null;
      const engine = new MeasurementEngine(
        session,
        device,
        { add: putRecord, amend: putRecord },
        { baseline },
      );
      // The configs' own order is the strategy: the same loop as every search (cache, abort, progress).
      try {
        const result = await measureInOrder(
          request.configs,
          request.configs.length,
          engine.runner(family, problem),
          {
            signal,
            cached: (config) => stored.get(candidateKey(device, text, family.id, config)),
            onOutcome: (record, p) => onProgress?.({ done: p.done, total: p.total, record }),
          },
          request.configs.length,
        );
        return result.outcomes;
      } finally {
        await engine.flush();
      }
    });
  },

  /** Times tfjs's conv2d on a problem on this device. */
  async baseline(jobId: string, problem: string): Promise<BaselineResult> {
    const parsed = parseProblem(problem);
    return queue.run(jobId, () => measureTfjsBaseline(self.navigator.gpu, parsed));
  },

  /** Cancels a running or waiting job by id; false when there is no such job. */
  async cancel(jobId: string): Promise<boolean> {
    return queue.cancel(jobId);
  },

  /** Which job runs now and which wait. */
  async jobs(): Promise<{ running: string | null; waiting: string[] }> {
    return queue.state();
  },

  /** Every stored record (optionally of one problem text and/or family). */
  async records(filter: { problem?: string; family?: string } = {}): Promise<TuningRecord[]> {
    return (await allRecords()).filter(
      (r) =>
        (filter.problem === undefined || r.problem.text === filter.problem) &&
        (filter.family === undefined || r.family === filter.family),
    );
  },

  /** Counts, failures by kind and the best per problem (with the tfjs speedup) over the store. */
  async summary(): Promise<SweepSummary> {
    return summarize(await allRecords());
  },

  /**
   * Checks a whole file (each record's shape and meaning), then adds its new candidates. A bad record
   * adds nothing, naming its line, unless `skipInvalid`: then the valid ones are added and the others
   * come back with their line and reason.
   */
  async importRecords(
    text: string,
    format: DatasetFormat,
    skipInvalid = false,
  ): Promise<{ added: number; skipped: number; rejected: Rejected[] }> {
    const checked = readRecordItems(text, format).map((item) => checkItem(item, format));
    const rejected = checked.filter((c): c is Rejected => !("record" in c));
    const [first] = rejected;
    if (first && !skipInvalid) {
      const more = rejected.length > 1 ? ` (and ${rejected.length - 1} more)` : "";
      throw new Error(`${first.reason}${more}; nothing imported`);
    }
    const records = checked.flatMap((c) => ("record" in c ? [c.record] : []));
    return { ...(await addNewRecords(records)), rejected };
  },

  /** The store as JSON, JSONL or CSV text. */
  async exportRecords(format: DatasetFormat): Promise<string> {
    return writeRecords(await allRecords(), format);
  },

  /** Empties the record store. */
  async clearRecords(): Promise<void> {
    await clearRecords();
  },
};

export type WorkerApi = typeof workerApi;

expose(workerApi);
