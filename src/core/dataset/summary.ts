/** What a sweep or a stored dataset amounts to: counts, failures by kind, and the best per problem. */
import type { FailureKind, TuningRecord } from "./record";

export interface BestEntry {
  problem: string;
  family: string;
  config: Record<string, number>;
  medianNs: number;
  gflops: number | null;
  peakFraction: number | null;
  /** tfjs's conv2d time on the same device and problem, when measured. */
  baselineNs: number | null;
  /** baselineNs / medianNs: how many times faster the best tuned kernel is than tfjs. */
  speedup: number | null;
}

export interface SweepSummary {
  problems: number;
  candidates: number;
  timed: number;
  failed: Partial<Record<FailureKind, number>>;
  /** One entry per problem with at least one timed candidate, in first-seen order. */
  best: BestEntry[];
  /** Geometric mean of `speedup` over problems that have one; null when none has. */
  geomeanSpeedup: number | null;
}

export function geometricMean(values: readonly number[]): number | null {
  if (!values.length) return null;
  return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
}

export function summarize(records: Iterable<TuningRecord>): SweepSummary {
  const problems = new Set<string>();
  const failed: SweepSummary["failed"] = {};
  const best = new Map<string, TuningRecord>();
  const baselines = new Map<string, number>();
  let candidates = 0;
  let timed = 0;
  for (const r of records) {
    candidates++;
    problems.add(r.problem.text);
    if (r.baseline) baselines.set(r.problem.text, r.baseline.medianNs);
    if (r.status !== "ok" || r.medianNs === null) {
      failed[r.status as FailureKind] = (failed[r.status as FailureKind] ?? 0) + 1;
      continue;
    }
    timed++;
    const current = best.get(r.problem.text);
    if (!current || (current.medianNs ?? Number.POSITIVE_INFINITY) > r.medianNs) best.set(r.problem.text, r);
  }
  const entries = [...problems].flatMap((problem): BestEntry[] => {
    const r = best.get(problem);
    if (!r || r.medianNs === null) return [];
    const baselineNs = baselines.get(problem) ?? null;
    return [
      {
        problem,
        family: r.family,
        config: r.config,
        medianNs: r.medianNs,
        gflops: r.gflops,
        peakFraction: r.peakFraction,
        baselineNs,
        speedup: baselineNs === null ? null : baselineNs / r.medianNs,
      },
    ];
  });
  return {
    problems: problems.size,
    candidates,
    timed,
    failed,
    best: entries,
    geomeanSpeedup: geometricMean(entries.flatMap((e) => (e.speedup === null ? [] : [e.speedup]))),
  };
}
