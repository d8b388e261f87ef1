/**
 * A sweep: every problem x family, searched by one strategy, each finished candidate handed to a store
 * as it completes. Shared by the Worker (IndexedDB store) and the CLI (JSONL store). Records already in
 * the store are reused, not re-run, so an interrupted sweep resumes where it stopped.
 */

import {
  type Baseline,
  candidateKey,
  type DeviceInfo,
  recordKey,
  type TuningRecord,
} from "../core/dataset/record";
import { type BestEntry, type SweepSummary, summarize } from "../core/dataset/summary";
import type { KernelFamily } from "../core/families/family";
import { FAMILIES, familyById } from "../core/families/index";
import { type ConvProblem, formatProblem, parseProblem } from "../core/problem";
import { type StrategyName, strategyByName } from "../core/search/strategies";
import { type AbortFlag, type Budget, isBetter, type Strategy } from "../core/search/strategy";
import { spaceSize } from "../core/space/space";
import { benchRefusal } from "./bench";
import type { DevicePeaks } from "./microbench";
import {
  type EngineOptions,
  type EngineReport,
  type EngineSink,
  MeasurementEngine,
  type SweepEngine,
} from "./runner";
import type { GpuSession } from "./session";
import { measureTfjsBaseline } from "./tfjs-baseline";

export interface SweepRequest {
  /** Problems in text form, e.g. "1x64x56x56,64x3x3,pad=1". */
  problems: string[];
  /** Family ids, or "all". */
  families: string[] | "all";
  /** `model-guided` takes its per-problem strategies from `SweepOptions.strategyFor`. */
  strategy: StrategyName | "model-guided";
  /** Per problem and family. */
  budget?: Budget;
  seed?: number;
  /** Also time tfjs's conv2d per problem and store it on each record (default true). */
  baseline?: boolean;
}

export interface SweepProgress {
  problem: string;
  family: string;
  /** Candidates finished in the whole sweep (stored ones included), of `total`. */
  done: number;
  total: number;
  etaMs: number | null;
  /** The fastest verified candidate of this problem so far. */
  best: BestEntry | null;
  /** The candidate just finished. */
  record: TuningRecord;
}

/**
 * Where finished candidates go: the Worker's IndexedDB (keyed: it takes each record early and amends
 * it), the CLI's JSONL file (append-only: each record once its drift check is done), or a test's array.
 */
export type RecordSink = EngineSink;

export interface SweepOptions {
  signal?: AbortFlag;
  onProgress?: (progress: SweepProgress) => void;
  /** Records stored before (a resumed sweep): their candidates are not run again. */
  existing?: Iterable<TuningRecord>;
  /** Peaks already measured on this device; measured now when absent. */
  peaks?: DevicePeaks | null;
  engine?: Omit<EngineOptions, "baseline">;
  /** Where candidates are measured (default: an engine on `session`; the CLI may pass a pool of processes). */
  createEngine?: (device: DeviceInfo, sink: EngineSink, options: EngineOptions) => Promise<SweepEngine>;
  /** The strategy of each problem and family on this device (e.g. a model's ranking); else request.strategy. */
  strategyFor?: (problem: ConvProblem, family: KernelFamily, device: DeviceInfo) => Strategy;
}

export interface SweepOutcome extends SweepSummary, EngineReport {
  stopped: "exhausted" | "budget" | "aborted";
}

/** Winners of earlier problems offered to a strategy as starting points. */
const MAX_STARTS = 4;

/** The fastest stored config of one problem and family, as a list of at most one. */
function storedBest(
  records: Iterable<TuningRecord>,
  problem: string,
  family: string,
): TuningRecord["config"][] {
  let best: TuningRecord | null = null;
  for (const r of records)
    if (r.problem.text === problem && r.family === family && isBetter(r, best)) best = r;
  return best ? [best.config] : [];
}

function unique<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [key(item), item] as const)).values()];
}

/** A request this device cannot run as asked (bad input, not a failure of the GPU). */
export class SweepRequestError extends Error {}

/** Parses and checks a request up front, so a typo fails before any GPU work. */
export function resolveRequest(request: SweepRequest): {
  problems: ConvProblem[];
  families: typeof FAMILIES;
} {
  if (!request.problems.length) throw new Error("no problems to sweep");
  // One problem spelled twice (pad=1, pad=1x1) or a family listed twice is swept once.
  const problems = unique(
    request.problems.map((text) => parseProblem(text)),
    formatProblem,
  );
  const families =
    request.families === "all"
      ? FAMILIES
      : unique(
          request.families.map((id) => familyById(id)),
          (f) => f.id,
        );
  if (request.strategy !== "model-guided") strategyByName(request.strategy);
  return { problems, families };
}

/** The same named strategy for every problem and family; a model-guided one needs `strategyFor`. */
function namedStrategy(name: SweepRequest["strategy"]): NonNullable<SweepOptions["strategyFor"]> {
  if (name === "model-guided")
    throw new Error("the model-guided strategy needs a model (SweepOptions.strategyFor)");
  const strategy = strategyByName(name);
  return () => strategy;
}

export async function runSweep(
  session: GpuSession,
  request: SweepRequest,
  sink: RecordSink,
  options: SweepOptions = {},
): Promise<SweepOutcome> {
  const { problems, families } = resolveRequest(request);
  const strategyFor = options.strategyFor ?? namedStrategy(request.strategy);
  const live = await session.device();
  const refused = problems.flatMap((problem) => {
    const reason = benchRefusal(problem, live.device.limits);
    return reason ? [`${formatProblem(problem)}: ${reason}`] : [];
  });
  if (refused.length) throw new SweepRequestError(`too large for this device: ${refused.join("; ")}`);
  const peaks = options.peaks === undefined ? await session.devicePeaks() : options.peaks;
  const device: DeviceInfo = await session.deviceInfo(peaks);
  const stored = new Map<string, TuningRecord>();
  for (const r of options.existing ?? []) stored.set(recordKey(r), r);

  const pairs = problems.flatMap((problem) =>
    families
      .filter((family) => family.unsupported(problem) === null)
      .map((family) => {
        const space = family.space(problem, live.limits);
        const size = spaceSize(space);
        return { problem, family, space, total: Math.min(size, request.budget?.candidates ?? size) };
      }),
  );
  const total = pairs.reduce((n, p) => n + p.total, 0);
  const records: TuningRecord[] = [];
  let measured = 0;
  let firstRunAt: number | null = null;
  let stopped: SweepOutcome["stopped"] = "exhausted";

  const baselines = new Map<string, Baseline | null>();
  const baselineOf = async (problem: ConvProblem): Promise<Baseline | null> => {
    const text = formatProblem(problem);
    if (request.baseline === false) return null;
    if (!baselines.has(text)) {
      const before = [...stored.values()].find((r) => r.problem.text === text && r.baseline)?.baseline;
      // tfjs's device shares the GPU and its clock.
      const result = before
        ? null
        : await engine.withGpuAlone(() => measureTfjsBaseline(session.gpu as GPU, problem));
      baselines.set(text, before ?? (result?.ok ? result.baseline : null));
    }
    return baselines.get(text) ?? null;
  };

  // Records reach the sink once a drift check covers them; progress reports them as they are measured.
  const engineOptions: EngineOptions = {
    ...options.engine,
    // One verification seed per sweep: a problem's random inputs and reference are made once.
    verify: { seed: request.seed ?? 0, ...options.engine?.verify },
  };
  const engine: SweepEngine = options.createEngine
    ? await options.createEngine(device, sink, engineOptions)
    : new MeasurementEngine(session, device, sink, engineOptions);
  // The best config of each family on the problems swept so far: where a local search starts.
  const winners = new Map<string, TuningRecord["config"][]>();
  try {
    for (const { problem, family, space } of pairs) {
      if (options.signal?.aborted) {
        stopped = "aborted";
        break;
      }
      const text = formatProblem(problem);
      const runner = engine.runner(family, problem, await baselineOf(problem));
      const timedRunner = {
        ...runner,
        async run(config: TuningRecord["config"]) {
          firstRunAt ??= Date.now();
          const record = await runner.run(config);
          measured++;
          return record;
        },
      };
      const strategy = strategyFor(problem, family, device);
      const result = await strategy(space, timedRunner, {
        seed: request.seed,
        // A resumed search climbs on from its own best so far, then from earlier problems' winners.
        starts: [
          ...storedBest(stored.values(), text, family.id),
          ...(winners.get(family.id) ?? []).slice(-MAX_STARTS).reverse(),
        ],
        budget: request.budget,
        signal: options.signal,
        cached: (config) => stored.get(candidateKey(device, text, family.id, config)),
        onOutcome: (record) => {
          records.push(record);
          const left = total - records.length;
          const best = summarize(records.filter((r) => r.problem.text === text)).best[0] ?? null;
          options.onProgress?.({
            problem: text,
            family: family.id,
            done: records.length,
            total,
            etaMs: measured && firstRunAt ? ((Date.now() - firstRunAt) / measured) * left : null,
            best,
            record,
          });
        },
      });
      // The winner by final times: a drift check may have re-timed what the search saw.
      await engine.checkpoint();
      const winner = result.outcomes.reduce<TuningRecord | null>((b, r) => (isBetter(r, b) ? r : b), null);
      if (winner) winners.set(family.id, [...(winners.get(family.id) ?? []), winner.config]);
      if (result.stopped === "aborted") {
        stopped = "aborted";
        break;
      }
      if (result.stopped === "budget") stopped = "budget";
    }
  } finally {
    await engine.flush();
  }
  // Summarized after the flush: re-timed records carry their final times.
  return { ...summarize(records), ...engine.report(), stopped };
}
