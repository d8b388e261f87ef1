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

/** Rows per page: enough to scroll through, few enough that sorting and filtering stay instant. */
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
export function DatasetTable({
  records,
  pageRows = PAGE_ROWS,
}: {
  records: readonly TuningRecord[];
  /** Rows per page. */
  pageRows?: number;
}) {
  const id = useId();
  const [query, setQueryState] = useState<TableQuery>(DEFAULT_QUERY);
  const [page, setPage] = useState(0);
  // A new filter or order starts again on the first page.
  const setQuery = (next: (q: TableQuery) => TableQuery) => {
    setQueryState(next);
    setPage(0);
  };
  const comparable = useMemo(() => onePeakPerDevice(records), [records]);
  const rows = useMemo(() => queryRecords(comparable, query), [comparable, query]);
  const pageCount = Math.max(1, Math.ceil(rows.length / pageRows));
  // Records can shrink under the table (a clear, a filter elsewhere): stay on a page that exists.
  const shownPage = Math.min(page, pageCount - 1);
  const first = shownPage * pageRows;
  const shownRows = rows.slice(first, first + pageRows);
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
      <div className="table-status">
        <p className="muted" aria-live="polite" data-testid="row-count">
          {count(rows.length)} of {count(records.length)} records
          {pageCount > 1 ? `; rows ${count(first + 1)}–${count(first + shownRows.length)}` : ""}
        </p>
        {pageCount > 1 && <Pager page={shownPage} pageCount={pageCount} onPage={setPage} />}
      </div>
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
            {shownRows.map((r, i) => (
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

/** First, previous, next and last page, and which page this is. */
function Pager({ page, pageCount, onPage }: { page: number; pageCount: number; onPage(page: number): void }) {
  const last = pageCount - 1;
  const go = (label: string, to: number, text: string) => (
    <button
      type="button"
      className="button secondary small"
      aria-label={label}
      disabled={to === page || to < 0 || to > last}
      onClick={() => onPage(to)}
    >
      {text}
    </button>
  );
  return (
    <nav className="pager" aria-label="Record pages">
      {go("First page", 0, "«")}
      {go("Previous page", page - 1, "‹")}
      <span data-testid="page-number">
        Page {count(page + 1)} of {count(pageCount)}
      </span>
      {go("Next page", page + 1, "›")}
      {go("Last page", last, "»")}
    </nav>
  );
}
