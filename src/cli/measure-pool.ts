/**
 * Measuring in several threads at once. Each thread (a Node worker with a Dawn device of its own) plans,
 * compiles and checks its share of a sweep's candidates while the others do the same; their GPU work
 * takes turns through the one clock guard kept here, beside the one heater, so no timed sample ever
 * shares the GPU. Why threads: Dawn finishes pipeline creation on its thread's event loop, so one
 * thread compiled at most ~17 candidates/s on an H200 while the GPU was busy ~13 ms a candidate.
 * Each thread's engine keeps its own drift sentinel (its first verified config).
 */
import { fileURLToPath } from "node:url";
import { MessageChannel, type MessagePort, parentPort, Worker, workerData } from "node:worker_threads";
import { expose, proxy, type Remote, wrap } from "comlink";
import nodeEndpoint from "comlink/dist/esm/node-adapter.mjs";
import { type Baseline, candidateKey, type DeviceInfo, type TuningRecord } from "../core/dataset/record";
import type { KernelFamily } from "../core/families/family";
import { familyById } from "../core/families/index";
import { type ConvProblem, formatProblem, parseProblem } from "../core/problem";
import type { CandidateRunner } from "../core/search/strategy";
import type { Config } from "../core/space/space";
import { type ClockGuard, HeaterGuard } from "../gpu/clock-guard";
import {
  type DriftCheck,
  type EngineOptions,
  type EngineReport,
  type EngineSink,
  isCpuAdapter,
  MeasurementEngine,
  type SweepEngine,
} from "../gpu/runner";
import { GpuSession } from "../gpu/session";
import { allowUnsafeFeatures, nodeGpu, unsafeFeaturesAllowed } from "./node-gpu";

/** What the main thread offers each measuring thread: the GPU's guard and the sweep's sink. */
interface PoolHost extends ClockGuard {
  add(record: TuningRecord): Promise<void>;
  driftCheck(check: DriftCheck): void;
}

/** What a measuring thread offers: its engine, by family id and problem text. */
interface MeasuringThread {
  run(family: string, problem: string, config: Config, baseline: Baseline | null): Promise<TuningRecord>;
  prefetch(family: string, problem: string, configs: Config[]): void;
  checkpoint(): Promise<void>;
  /** Settles what is pending, frees the device, and reports. */
  close(): Promise<EngineReport>;
}

/** Engine options that cross to a thread: plain data (callbacks and guards stay here). */
type ThreadOptions = Pick<EngineOptions, "harness" | "verify" | "sentinel" | "compileAhead">;

interface ThreadData {
  role: "measuring-thread";
  device: DeviceInfo;
  options: ThreadOptions;
  unsafeFeatures: boolean;
  host: MessagePort;
}

/** In a worker started by a pool: serves its engine until closed. Returns false on any other thread. */
export function serveMeasuringThread(): boolean {
  const data = workerData as ThreadData | null;
  if (!parentPort || data?.role !== "measuring-thread") return false;
  if (data.unsafeFeatures) allowUnsafeFeatures();
  const host = wrap<PoolHost>(nodeEndpoint(data.host));
  const session = nodeGpu().then((gpu) => new GpuSession(gpu));
  const engine = session.then(
    (s) =>
      new MeasurementEngine(s, data.device, { add: (record) => host.add(record) }, {
        ...data.options,
        clock: {
          hold: () => host.hold(),
          release: () => void host.release(),
          warmUp: (again) => host.warmUp(again),
        },
        onDriftCheck: (check) => void host.driftCheck(check),
      }),
  );
  const api: MeasuringThread = {
    run: async (family, problem, config, baseline) =>
      (await engine).run(familyById(family), parseProblem(problem), config, baseline),
    prefetch: (family, problem, configs) =>
      void engine.then((e) => e.runner(familyById(family), parseProblem(problem)).prefetch?.(configs)),
    checkpoint: async () => (await engine).checkpoint(),
    close: async () => {
      const e = await engine;
      await e.flush();
      (await session).destroy();
      return e.report();
    },
  };
  expose(api, nodeEndpoint(parentPort));
  return true;
}

interface Thread {
  worker: Worker;
  api: Remote<MeasuringThread>;
  /** Runs queued on this thread (one at a time), and configs hinted to it but not yet run. */
  tail: Promise<unknown>;
  load: number;
  /** Rejects when the thread dies, so no call waits on it forever. */
  died: Promise<never>;
}

/** A sweep engine whose candidates are measured by `threads` worker threads sharing one GPU guard. */
export async function createMeasuringPool(
  session: GpuSession,
  threads: number,
  device: DeviceInfo,
  sink: EngineSink,
  options: EngineOptions,
): Promise<SweepEngine> {
  const live = await session.device();
  const guard = await HeaterGuard.create(live.device, options.keepWarm ?? !isCpuAdapter(live));
  return new MeasuringPool(guard, threads, device, sink, options);
}

class MeasuringPool implements SweepEngine {
  private readonly threads: Thread[];
  /** Which thread a hinted config was given to (its thread compiles it ahead). */
  private readonly hinted = new Map<string, Thread>();
  /** Records handed to a strategy and not yet final; a drift check may re-time them later. */
  private readonly provisional = new Map<string, TuningRecord>();
  /** Final records that arrived before their run's answer did. */
  private readonly early = new Map<string, TuningRecord>();
  private reports: EngineReport[] = [];
  private firstRunAt: number | null = null;
  private lastRunAt = 0;

  constructor(
    private readonly guard: HeaterGuard,
    count: number,
    private readonly device: DeviceInfo,
    private readonly sink: EngineSink,
    private readonly options: EngineOptions,
  ) {
    this.threads = Array.from({ length: count }, () => this.startThread());
  }

  private startThread(): Thread {
    const { port1, port2 } = new MessageChannel();
    const host: PoolHost = {
      hold: () => this.guard.hold(),
      release: () => this.guard.release(),
      warmUp: (again) => this.guard.warmUp(again),
      add: (record) => this.final(record),
      driftCheck: (check) => this.options.onDriftCheck?.(check),
    };
    expose(host, nodeEndpoint(port1));
    const { harness, verify, sentinel, compileAhead } = this.options;
    const data: ThreadData = {
      role: "measuring-thread",
      device: this.device,
      options: { harness, verify, sentinel, compileAhead },
      unsafeFeatures: unsafeFeaturesAllowed(),
      host: port2,
    };
    // The CLI's own file: its entry serves a measuring thread when started as one.
    const worker = new Worker(fileURLToPath(import.meta.url), { workerData: data, transferList: [port2] });
    const died = new Promise<never>((_, reject) => {
      worker.once("error", (error) => reject(new Error(`a measuring thread failed: ${error.message}`)));
      worker.once("exit", (code) => reject(new Error(`a measuring thread exited (code ${code})`)));
    });
    died.catch(() => undefined);
    return { worker, api: wrap<MeasuringThread>(nodeEndpoint(worker)), tail: Promise.resolve(), load: 0, died };
  }

  private key(family: KernelFamily, problem: ConvProblem, config: Config): string {
    return candidateKey(this.device, formatProblem(problem), family.id, config);
  }

  /** A final record (confirmed or re-timed by a drift check): the strategy's copy is updated, the sink gets it. */
  private async final(record: TuningRecord): Promise<void> {
    const key = candidateKey(this.device, record.problem.text, record.family, record.config);
    const handed = this.provisional.get(key);
    if (handed) {
      Object.assign(handed, record);
      this.provisional.delete(key);
    } else this.early.set(key, record);
    await this.sink.add(record);
  }

  private leastLoaded(): Thread {
    return this.threads.reduce((a, b) => (b.load < a.load ? b : a));
  }

  /** Queues `work` on `thread` after what it has queued (a thread's engine measures one at a time). */
  private queue<T>(thread: Thread, work: () => Promise<T>): Promise<T> {
    const next = thread.tail.then(() => Promise.race([work(), thread.died]));
    thread.tail = next.catch(() => undefined);
    return next;
  }

  runner(
    family: KernelFamily,
    problem: ConvProblem,
    baseline: Baseline | null = this.options.baseline ?? null,
  ): CandidateRunner<TuningRecord> {
    const text = formatProblem(problem);
    return {
      concurrency: this.threads.length,
      run: async (config) => {
        const key = this.key(family, problem, config);
        const thread = this.hinted.get(key) ?? this.leastLoaded();
        if (!this.hinted.delete(key)) thread.load++;
        this.firstRunAt ??= performance.now();
        try {
          const record = await this.queue(thread, () => thread.api.run(family.id, text, config, baseline));
          const final = this.early.get(key);
          this.early.delete(key);
          if (final) return final;
          this.provisional.set(key, record);
          return record;
        } finally {
          thread.load--;
          this.lastRunAt = performance.now();
        }
      },
      prefetch: (configs) => {
        const shares = new Map<Thread, Config[]>();
        for (const config of configs) {
          const key = this.key(family, problem, config);
          if (this.hinted.has(key)) continue;
          const thread = this.leastLoaded();
          thread.load++;
          this.hinted.set(key, thread);
          shares.set(thread, [...(shares.get(thread) ?? []), config]);
        }
        for (const [thread, share] of shares) void thread.api.prefetch(family.id, text, share);
      },
    };
  }

  async withGpuAlone<T>(work: () => Promise<T>): Promise<T> {
    await this.guard.warmUp();
    await this.guard.hold();
    try {
      return await work();
    } finally {
      this.guard.release();
    }
  }

  async checkpoint(): Promise<void> {
    await Promise.all(this.threads.map((t) => this.queue(t, () => t.api.checkpoint())));
  }

  async flush(): Promise<void> {
    this.reports = await Promise.all(this.threads.map((t) => this.queue(t, () => t.api.close())));
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
    await this.guard.destroy();
  }

  /** The threads' reports as one: candidates over the pool's wall time, every drift check. */
  report(): EngineReport {
    const reports = this.reports;
    const candidates = reports.reduce((n, r) => n + r.throughput.candidates, 0);
    const seconds = this.firstRunAt === null ? 0 : (this.lastRunAt - this.firstRunAt) / 1000;
    const log = reports.flatMap((r) => r.drift.log);
    const sum = (pick: (r: EngineReport["drift"]) => number) => reports.reduce((n, r) => n + pick(r.drift), 0);
    return {
      throughput: {
        candidates,
        seconds,
        perSecond: seconds > 0 ? candidates / seconds : null,
        threads: this.threads.length,
      },
      drift: {
        threshold: reports[0]?.drift.threshold ?? 0,
        checks: sum((d) => d.checks),
        drifted: sum((d) => d.drifted),
        unresolved: sum((d) => d.unresolved),
        retimed: sum((d) => d.retimed),
        maxDeviation: Math.max(0, ...reports.map((r) => r.drift.maxDeviation)),
        log,
      },
    };
  }
}
