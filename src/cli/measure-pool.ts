/**
 * Measuring in several processes at once. Each worker (a Node process with a Dawn device of its own)
 * plans, compiles and checks its share of a sweep's candidates while the others do the same; their GPU
 * work takes turns through the one clock guard kept here, beside the one heater, so no timed sample ever
 * shares the GPU. Why: Dawn finishes pipeline creation on its process's event loop, so one process
 * compiled at most ~17 candidates/s on an H200 while the GPU was busy ~13 ms a candidate. Processes,
 * not worker threads: with Dawn in worker threads, 3 of 5 sweeps on the H200 died in Dawn's addon (a
 * fatal napi_throw), taking the whole process with them. Each worker's engine keeps its own drift
 * sentinel (its first verified config).
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type Endpoint, expose, type Remote, wrap } from "comlink";
import { type Baseline, candidateKey, type DeviceInfo, type TuningRecord } from "../core/dataset/record";
import type { KernelFamily } from "../core/families/family";
import { familyById } from "../core/families/index";
import { type ConvProblem, formatProblem, parseProblem } from "../core/problem";
import type { CandidateRunner } from "../core/search/strategy";
import type { Config } from "../core/space/space";
import { type ClockGuard, HeaterGuard, runAlone } from "../gpu/clock-guard";
import {
  type DriftCheck,
  type EngineOptions,
  type EngineReport,
  type EngineSink,
  engineReport,
  isCpuAdapter,
  MeasurementEngine,
  type SweepEngine,
} from "../gpu/runner";
import type { GpuSession } from "../gpu/session";
import { enableDawnToggles, enabledDawnToggles, nodeSession } from "./node-gpu";

/** What the sweep's process offers each worker: the GPU's guard and the sweep's sink. */
interface PoolHost extends ClockGuard {
  add(record: TuningRecord): Promise<void>;
  driftCheck(check: DriftCheck): void;
}

/** What a worker offers: its engine, by family id and problem text. */
interface MeasuringWorker {
  /** Makes the engine; first of all calls. */
  start(setup: WorkerSetup): Promise<void>;
  run(family: string, problem: string, config: Config, baseline: Baseline | null): Promise<TuningRecord>;
  prefetch(family: string, problem: string, configs: Config[]): void;
  checkpoint(): Promise<void>;
  /** Settles what is pending, frees the device, and reports. */
  close(): Promise<EngineReport>;
}

interface WorkerSetup {
  device: DeviceInfo;
  /** Engine options that cross: plain data (callbacks and the guard stay with the sweep). */
  options: Pick<EngineOptions, "harness" | "verify" | "sentinel" | "compileAhead">;
  /** The sweep process's Dawn toggles: a worker's device is made like the sweep's. */
  dawnToggles: string[];
}

/** Marks a process started as a measuring worker. */
const WORKER_ENV = "TUNELAB_MEASURING_WORKER";

/**
 * One direction of comlink over a child process's IPC channel: both directions share the channel, so
 * each message is tagged with its direction.
 */
function ipcEndpoint(target: ChildProcess | NodeJS.Process, direction: "host" | "worker"): Endpoint {
  const handlers = new Map<unknown, (message: { direction?: string; data?: unknown }) => void>();
  return {
    postMessage: (data) => target.send?.({ direction, data }),
    addEventListener: (_type, listener) => {
      const handler = (message: { direction?: string; data?: unknown }) => {
        if (message?.direction !== direction) return;
        const event = { data: message.data } as MessageEvent;
        if (typeof listener === "function") listener(event);
        else listener.handleEvent(event);
      };
      handlers.set(listener, handler);
      target.on("message", handler);
    },
    removeEventListener: (_type, listener) => {
      const handler = handlers.get(listener);
      if (handler) target.off("message", handler);
      handlers.delete(listener);
    },
  };
}

/** In a process started by a pool: serves its engine until closed. Returns false in any other process. */
export function serveMeasuringWorker(): boolean {
  if (!process.send || process.env[WORKER_ENV] !== "1") return false;
  // The sweep's process decides when to stop (Ctrl-C reaches the whole process group); a worker whose
  // sweep is gone stops too.
  process.on("SIGINT", () => {});
  process.on("disconnect", () => process.exit(1));
  const host = wrap<PoolHost>(ipcEndpoint(process, "host"));
  let session: GpuSession | null = null;
  let made: MeasurementEngine | null = null;
  const engine = () => {
    if (!made) throw new Error("the measuring worker was not started");
    return made;
  };
  const api: MeasuringWorker = {
    start: async ({ device, options, dawnToggles }) => {
      enableDawnToggles(dawnToggles);
      session = await nodeSession();
      made = new MeasurementEngine(
        session,
        device,
        { add: (record) => host.add(record) },
        {
          ...options,
          clock: {
            hold: () => host.hold(),
            release: () => void host.release(),
            warmUp: (again) => host.warmUp(again),
          },
          onDriftCheck: (check) => void host.driftCheck(check),
        },
      );
    },
    run: (family, problem, config, baseline) =>
      engine().run(familyById(family), parseProblem(problem), config, baseline),
    prefetch: (family, problem, configs) =>
      engine().runner(familyById(family), parseProblem(problem)).prefetch?.(configs),
    checkpoint: () => engine().checkpoint(),
    close: async () => {
      await engine().flush();
      session?.destroy();
      return engine().report();
    },
  };
  expose(api, ipcEndpoint(process, "worker"));
  return true;
}

interface Worker {
  process: ChildProcess;
  api: Remote<MeasuringWorker>;
  /** Runs queued on this worker (it measures one at a time). */
  tail: Promise<unknown>;
  /** Runs queued plus configs hinted to it and not yet run. */
  load: number;
  /** Rejects when the worker dies, so no call waits on it forever. */
  died: Promise<never>;
}

/** A sweep engine whose candidates are measured by `workers` processes sharing one GPU guard. */
export async function createMeasuringPool(
  session: GpuSession,
  workers: number,
  device: DeviceInfo,
  sink: EngineSink,
  options: EngineOptions,
): Promise<SweepEngine> {
  const live = await session.device();
  const guard = await HeaterGuard.create(live.device, options.keepWarm ?? !isCpuAdapter(live));
  const pool = new MeasuringPool(guard, workers, device, sink, options);
  await pool.start();
  return pool;
}

class MeasuringPool implements SweepEngine {
  private readonly workers: Worker[];
  /** Which worker a hinted config was given to (that worker compiles it ahead). */
  private readonly hinted = new Map<string, Worker>();
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
    this.workers = Array.from({ length: count }, () => this.startWorker());
  }

  /** Makes every worker's engine; when one fails, the workers and the heater stop. */
  async start(): Promise<void> {
    const { harness, verify, sentinel, compileAhead } = this.options;
    const setup: WorkerSetup = {
      device: this.device,
      options: { harness, verify, sentinel, compileAhead },
      dawnToggles: enabledDawnToggles(),
    };
    try {
      await Promise.all(this.workers.map((w) => this.queue(w, () => w.api.start(setup))));
    } catch (error) {
      this.stopWorkers();
      await this.guard.destroy();
      throw error;
    }
  }

  private startWorker(): Worker {
    // The CLI's own file: its entry serves a measuring worker when started as one.
    const child = fork(fileURLToPath(import.meta.url), [], {
      env: { ...process.env, [WORKER_ENV]: "1" },
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const host: PoolHost = {
      hold: () => this.guard.hold(),
      release: () => this.guard.release(),
      warmUp: (again) => this.guard.warmUp(again),
      add: (record) => this.final(record),
      driftCheck: (check) => this.options.onDriftCheck?.(check),
    };
    expose(host, ipcEndpoint(child, "host"));
    const died = new Promise<never>((_, reject) => {
      child.once("error", (error) => reject(new Error(`a measuring worker failed: ${error.message}`)));
      child.once("exit", (code, signal) =>
        reject(new Error(`a measuring worker exited (${signal ?? `code ${code}`})`)),
      );
    });
    died.catch(() => undefined);
    const api = wrap<MeasuringWorker>(ipcEndpoint(child, "worker"));
    return { process: child, api, tail: Promise.resolve(), load: 0, died };
  }

  private stopWorkers(): void {
    for (const w of this.workers) w.process.kill();
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

  private leastLoaded(): Worker {
    return this.workers.reduce((a, b) => (b.load < a.load ? b : a));
  }

  /** Queues `work` on `worker` after what it has queued (a worker's engine measures one at a time). */
  private queue<T>(worker: Worker, work: () => Promise<T>): Promise<T> {
    const next = worker.tail.then(() => Promise.race([work(), worker.died]));
    worker.tail = next.catch(() => undefined);
    return next;
  }

  runner(
    family: KernelFamily,
    problem: ConvProblem,
    baseline: Baseline | null = this.options.baseline ?? null,
  ): CandidateRunner<TuningRecord> {
    const text = formatProblem(problem);
    const keyOf = (config: Config) => candidateKey(this.device, text, family.id, config);
    // Hints of an earlier problem or family that were never run: the search has moved on.
    for (const worker of this.hinted.values()) worker.load--;
    this.hinted.clear();
    return {
      concurrency: this.workers.length,
      run: async (config) => {
        const key = keyOf(config);
        const worker = this.hinted.get(key) ?? this.leastLoaded();
        if (!this.hinted.delete(key)) worker.load++;
        this.firstRunAt ??= performance.now();
        try {
          const record = await this.queue(worker, () => worker.api.run(family.id, text, config, baseline));
          const final = this.early.get(key);
          this.early.delete(key);
          if (final) return final;
          this.provisional.set(key, record);
          return record;
        } finally {
          worker.load--;
          this.lastRunAt = performance.now();
        }
      },
      prefetch: (configs) => {
        const shares = new Map<Worker, Config[]>();
        for (const config of configs) {
          const key = keyOf(config);
          if (this.hinted.has(key)) continue;
          const worker = this.leastLoaded();
          worker.load++;
          this.hinted.set(key, worker);
          shares.set(worker, [...(shares.get(worker) ?? []), config]);
        }
        for (const [worker, share] of shares) void worker.api.prefetch(family.id, text, share);
      },
    };
  }

  withGpuAlone<T>(work: () => Promise<T>): Promise<T> {
    return runAlone(this.guard, work);
  }

  async checkpoint(): Promise<void> {
    await Promise.all(this.workers.map((w) => this.queue(w, () => w.api.checkpoint())));
  }

  async flush(): Promise<void> {
    try {
      this.reports = await Promise.all(this.workers.map((w) => this.queue(w, () => w.api.close())));
    } finally {
      this.stopWorkers();
      await this.guard.destroy();
    }
  }

  /** The workers' reports as one: candidates over the pool's wall time, every drift check. */
  report(): EngineReport {
    const seconds = this.firstRunAt === null ? 0 : (this.lastRunAt - this.firstRunAt) / 1000;
    return engineReport(
      this.reports.reduce((n, r) => n + r.throughput.candidates, 0),
      seconds,
      this.workers.length,
      this.reports[0]?.drift.threshold ?? 0,
      this.reports.flatMap((r) => r.drift.log),
    );
  }
}
