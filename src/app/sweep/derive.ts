import type { FailureKind, TuningRecord } from "../../core/dataset/record";

/** What the Sweep page draws, derived from the records of one run in the order they were measured. */

export function measured(records: readonly TuningRecord[]): MeasuredRecord[] {
  return records.filter((r): r is MeasuredRecord => r.status === "ok" && r.medianNs !== null);
}

/** The best runtime after each candidate (failures count as candidates but do not improve it). */
export function bestSoFar(records: readonly TuningRecord[]): { i: number; ns: number }[] {
  const points: { i: number; ns: number }[] = [];
  let best = Number.POSITIVE_INFINITY;
  records.forEach((r, i) => {
    if (r.status === "ok" && r.medianNs !== null && r.medianNs < best) best = r.medianNs;
    if (Number.isFinite(best)) points.push({ i: i + 1, ns: best });
  });
  return points;
}

export function fastest(records: readonly TuningRecord[]): MeasuredRecord | null {
  let best: MeasuredRecord | null = null;
  for (const r of measured(records)) if (!best || r.medianNs < best.medianNs) best = r;
  return best;
}

export interface FailureGroup {
  kind: FailureKind;
  count: number;
  /** Distinct messages, most frequent first, with one config that produced each. */
  messages: { message: string; count: number; example: Record<string, number> }[];
}

/** Failures by kind (compile-failed, wrong-result, ...), largest group first. */
export function failureGroups(records: readonly TuningRecord[]): FailureGroup[] {
  const groups = new Map<FailureKind, Map<string, { count: number; example: Record<string, number> }>>();
  for (const r of records) {
    if (r.status === "ok") continue;
    let messages = groups.get(r.status);
    if (!messages) {
      messages = new Map();
      groups.set(r.status, messages);
    }
    const seen = messages.get(r.message);
    if (seen) seen.count++;
    else messages.set(r.message, { count: 1, example: r.config });
  }
  return [...groups]
    .map(([kind, messages]) => ({
      kind,
      count: [...messages.values()].reduce((n, m) => n + m.count, 0),
      messages: [...messages].map(([message, m]) => ({ message, ...m })).sort((a, b) => b.count - a.count),
    }))
    .sort((a, b) => b.count - a.count);
}

export type MeasuredRecord = TuningRecord & { medianNs: number };

/** The fastest measured record of each group that `key` names. */
export function fastestBy(
  records: readonly TuningRecord[],
  key: (r: MeasuredRecord) => string,
): Map<string, MeasuredRecord> {
  const best = new Map<string, MeasuredRecord>();
  for (const r of measured(records)) {
    const k = key(r);
    const seen = best.get(k);
    if (seen === undefined || r.medianNs < seen.medianNs) best.set(k, r);
  }
  return best;
}

/**
 * The fastest record for each pair of two parameters' values, keyed `x,y`: the space map after a
 * sweep (its runtime shades the cell, its config is what the cell opens).
 */
export function fastestByPair(
  records: readonly TuningRecord[],
  x: string,
  y: string,
): Map<string, MeasuredRecord> {
  return fastestBy(records, (r) => `${r.config[x]},${r.config[y]}`);
}
