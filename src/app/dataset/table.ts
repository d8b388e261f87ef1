import { configKey, type TuningRecord } from "../../core/dataset/record";

/** The Dataset table's columns: what each shows and how it sorts. */
export const COLUMNS = [
  { id: "problem", title: "Problem", value: (r: TuningRecord) => r.problem.text },
  { id: "family", title: "Family", value: (r: TuningRecord) => r.family },
  { id: "config", title: "Config", value: (r: TuningRecord) => configKey(r.config) },
  { id: "status", title: "Status", value: (r: TuningRecord) => r.status },
  { id: "medianNs", title: "Median", value: (r: TuningRecord) => r.medianNs },
  { id: "gflops", title: "GFLOP/s", value: (r: TuningRecord) => r.gflops },
  { id: "peakFraction", title: "% of peak", value: (r: TuningRecord) => r.peakFraction },
  {
    id: "device",
    title: "Device",
    value: (r: TuningRecord) => `${r.device.vendor} ${r.device.architecture}`.trim(),
  },
  { id: "createdAt", title: "Measured", value: (r: TuningRecord) => r.createdAt },
] as const satisfies readonly { id: string; title: string; value(r: TuningRecord): string | number | null }[];

export type ColumnId = (typeof COLUMNS)[number]["id"];

export interface TableQuery {
  /** Words that must all appear in the row's problem, family, config, status, device or message. */
  text: string;
  /** Only these statuses; empty means all. */
  statuses: readonly string[];
  sortBy: ColumnId;
  descending: boolean;
}

export const DEFAULT_QUERY: TableQuery = { text: "", statuses: [], sortBy: "medianNs", descending: false };

function haystack(r: TuningRecord): string {
  return [
    r.problem.text,
    r.family,
    configKey(r.config),
    r.status,
    r.device.vendor,
    r.device.architecture,
    r.message,
  ]
    .join(" ")
    .toLowerCase();
}

/** Compares two cell values; empty cells (null) always sort last, whatever the direction. */
function compare(a: string | number | null, b: string | number | null, descending: boolean): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const order =
    typeof a === "number" && typeof b === "number"
      ? a - b
      : String(a).localeCompare(String(b), "en", { numeric: true });
  return descending ? -order : order;
}

/** The rows to show, filtered then sorted (stable: equal rows keep their stored order). */
export function queryRecords(records: readonly TuningRecord[], query: TableQuery): TuningRecord[] {
  const words = query.text.toLowerCase().split(/\s+/).filter(Boolean);
  const statuses = new Set(query.statuses);
  const column = COLUMNS.find((c) => c.id === query.sortBy) ?? COLUMNS[0];
  return records
    .filter(
      (r) => (statuses.size === 0 || statuses.has(r.status)) && words.every((w) => haystack(r).includes(w)),
    )
    .map((r, i) => ({ r, i, key: column.value(r) }))
    .sort((a, b) => compare(a.key, b.key, query.descending) || a.i - b.i)
    .map(({ r }) => r);
}

/**
 * The records with "% of peak" taken against one peak per device, the highest its records carry:
 * each sweep measured a peak of its own, and rows against different peaks would not compare.
 */
export function onePeakPerDevice(records: readonly TuningRecord[]): TuningRecord[] {
  const device = (r: TuningRecord) => `${r.device.vendor}|${r.device.architecture}|${r.device.description}`;
  const peaks = new Map<string, number>();
  for (const r of records) {
    if (r.device.peakGflops) peaks.set(device(r), Math.max(r.device.peakGflops, peaks.get(device(r)) ?? 0));
  }
  return records.map((r) => {
    const peak = peaks.get(device(r));
    return { ...r, peakFraction: peak && r.gflops !== null ? r.gflops / peak : null };
  });
}

/** Clicking a header: a new column sorts ascending, the same column flips. */
export function toggleSort(query: TableQuery, column: ColumnId): TableQuery {
  return query.sortBy === column
    ? { ...query, descending: !query.descending }
    : { ...query, sortBy: column, descending: false };
}
