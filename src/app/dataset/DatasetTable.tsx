import { useId, useMemo, useState } from "react";
import { CANDIDATE_STATUSES, type TuningRecord } from "../../core/dataset/record";
import { configText, count, duration } from "../format";
import {
  COLUMNS,
  type ColumnId,
  DEFAULT_QUERY,
  onePeakPerDevice,
  queryRecords,
  type TableQuery,
  toggleSort,
} from "./table";

const PAGE_ROWS = 200;

function cell(r: TuningRecord, id: ColumnId): string {
  switch (id) {
    case "medianNs":
      return r.medianNs === null ? "—" : duration(r.medianNs);
    case "gflops":
      return r.gflops === null ? "—" : r.gflops.toPrecision(3);
    case "peakFraction":
      return r.peakFraction === null ? "—" : `${(r.peakFraction * 100).toPrecision(2)}%`;
    case "createdAt":
      return new Date(r.createdAt).toLocaleString("en-GB", { dateStyle: "short", timeStyle: "short" });
    case "config":
      return configText(r.config);
    default:
      return String(COLUMNS.find((c) => c.id === id)?.value(r) ?? "");
  }
}

const NUMERIC = new Set<ColumnId>(["medianNs", "gflops", "peakFraction"]);

/** Records in a table: filter by words and status, sort by any column (headers are buttons). */
export function DatasetTable({ records }: { records: readonly TuningRecord[] }) {
  const id = useId();
  const [query, setQuery] = useState<TableQuery>(DEFAULT_QUERY);
  const comparable = useMemo(() => onePeakPerDevice(records), [records]);
  const rows = useMemo(() => queryRecords(comparable, query), [comparable, query]);
  const present = useMemo(() => new Set(records.map((r) => r.status)), [records]);
  const toggleStatus = (status: string) =>
    setQuery((q) => ({
      ...q,
      statuses: q.statuses.includes(status)
        ? q.statuses.filter((s) => s !== status)
        : [...q.statuses, status],
    }));
  return (
    <div>
      <div className="table-tools">
        <div style={{ flex: 1, minWidth: "16rem" }}>
          <label className="field-label" htmlFor={`${id}-filter`}>
            Filter records
          </label>
          <input
            id={`${id}-filter`}
            className="text-input"
            type="search"
            placeholder="words in the problem, family, config, status or message"
            value={query.text}
            onChange={(e) => setQuery((q) => ({ ...q, text: e.target.value }))}
          />
        </div>
        <fieldset className="status-filter">
          <legend className="field-label">Status</legend>
          {CANDIDATE_STATUSES.filter((s) => present.has(s)).map((status) => (
            <button
              key={status}
              type="button"
              className={`chip ${status === "ok" ? "" : "chip-bad"}`}
              aria-pressed={query.statuses.includes(status)}
              onClick={() => toggleStatus(status)}
            >
              {status}
            </button>
          ))}
        </fieldset>
      </div>
      <p className="muted" aria-live="polite" data-testid="row-count">
        {count(rows.length)} of {count(records.length)} records
        {rows.length > PAGE_ROWS ? ` (showing the first ${PAGE_ROWS})` : ""}
      </p>
      <div className="table-scroll">
        <table className="table">
          <caption className="sr-only">Tuning records</caption>
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th
                  key={c.id}
                  scope="col"
                  className={NUMERIC.has(c.id) ? "num" : undefined}
                  aria-sort={query.sortBy === c.id ? (query.descending ? "descending" : "ascending") : "none"}
                >
                  <button
                    type="button"
                    className="sort-button"
                    onClick={() => setQuery((q) => toggleSort(q, c.id))}
                  >
                    {c.title}
                    <span aria-hidden="true">
                      {query.sortBy === c.id ? (query.descending ? " ▾" : " ▴") : ""}
                    </span>
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, PAGE_ROWS).map((r, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their position
              <tr key={i} title={r.message || undefined}>
                {COLUMNS.map((c) => (
                  <td
                    key={c.id}
                    className={`${NUMERIC.has(c.id) ? "num" : ""} ${c.id === "config" || c.id === "problem" ? "mono" : ""}`}
                  >
                    {c.id === "status" ? (
                      <span className={`chip ${r.status === "ok" ? "chip-accent" : "chip-bad"}`}>
                        {r.status}
                      </span>
                    ) : (
                      cell(r, c.id)
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
