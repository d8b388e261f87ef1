import { useMemo, useRef, useState } from "react";
import { type DatasetFormat, writeRecords } from "../../../core/dataset/io";
import type { TuningRecord } from "../../../core/dataset/record";
import { Callout, Card, FilePicker, GuardedButton, Stat } from "../../components/ui";
import { DatasetTable } from "../../dataset/DatasetTable";
import { downloadFile } from "../../download";
import { bytes, count } from "../../format";
import { useLab } from "../../store";
import { shownRecords } from "../../store/records";
import { measured } from "../../sweep/derive";
import { TuningCostCard } from "./TuningCostCard";

/** Rejected records listed after an import; the rest are counted. */
const MAX_REJECTED_SHOWN = 20;

function summarizeRecords(records: readonly TuningRecord[]) {
  return {
    candidates: records.length,
    problems: new Set(records.map((r) => r.problem.text)).size,
    timed: measured(records).length,
  };
}

/** Saves text as a file through a temporary link (no server involved). */
const MIME: Record<DatasetFormat, string> = {
  jsonl: "application/x-ndjson",
  json: "application/json",
  csv: "text/csv",
};

export default function DatasetPage() {
  const records = useLab(shownRecords);
  const demo = useLab((s) => s.view.demo);
  const demoData = useLab((s) => s.demoData);
  const setView = useLab((s) => s.setView);
  const importState = useLab((s) => s.importState);
  const importFile = useLab((s) => s.importFile);
  const [skipInvalid, setSkipInvalid] = useState(false);
  const clearRecords = useLab((s) => s.clearRecords);
  const miopenFile = useLab((s) => s.miopenFile);
  const goTo = useLab((s) => s.goTo);
  const summary = useMemo(() => summarizeRecords(records), [records]);
  const [format, setFormat] = useState<DatasetFormat>("jsonl");
  const confirm = useRef<HTMLDialogElement>(null);
  const failed = summary.candidates - summary.timed;

  return (
    <div className="page-grid">
      <Card
        title="Dataset"
        className="span-2"
        subtitle={
          demo
            ? "The recorded dataset (read-only)."
            : "Every candidate measured on this device, kept in this browser (IndexedDB)."
        }
        actions={
          <>
            <label className="inline-field">
              <span className="field-label">Format</span>
              <select
                className="select"
                value={format}
                onChange={(e) => setFormat(e.target.value as DatasetFormat)}
              >
                <option value="jsonl">JSONL</option>
                <option value="json">JSON</option>
                <option value="csv">CSV</option>
              </select>
            </label>
            <GuardedButton
              blockedBy={records.length ? null : "Nothing to export yet."}
              onClick={() =>
                downloadFile(writeRecords(records, format), `tunelab-dataset.${format}`, MIME[format])
              }
            >
              Export
            </GuardedButton>
            {!demo && (
              <>
                <FilePicker
                  label="Dataset file to import"
                  accept=".jsonl,.json,.csv,.db,.db.gz,.gz"
                  disabled={importState.state === "importing"}
                  onFile={(file) => importFile(file, { skipInvalid })}
                >
                  Import…
                </FilePicker>
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={skipInvalid}
                    onChange={(e) => setSkipInvalid(e.target.checked)}
                  />
                  Import the valid records of a file with bad ones
                </label>
                <GuardedButton
                  className="button danger"
                  blockedBy={records.length ? null : "Nothing to clear."}
                  onClick={() => confirm.current?.showModal()}
                >
                  Clear…
                </GuardedButton>
              </>
            )}
          </>
        }
      >
        <div className="stat-row">
          <Stat label="Records" value={count(summary.candidates)} testId="record-count" />
          <Stat label="Problems" value={count(summary.problems)} />
          <Stat label="Timed" value={count(summary.timed)} />
          <Stat label="Failed" value={count(failed)} />
        </div>
        {importState.state === "importing" && <p aria-live="polite">Importing {importState.name}…</p>}
        {importState.state === "done" && (
          <Callout tone="info" title="Imported">
            {count(importState.added)} records from {importState.name}
            {importState.skipped ? `, ${count(importState.skipped)} already stored` : ""}
            {importState.rejected.length ? `, ${count(importState.rejected.length)} rejected:` : "."}
            {importState.rejected.length > 0 && (
              <ul data-testid="import-rejected">
                {importState.rejected.slice(0, MAX_REJECTED_SHOWN).map((r) => (
                  <li key={r.line}>{r.reason}</li>
                ))}
                {importState.rejected.length > MAX_REJECTED_SHOWN && (
                  <li>and {count(importState.rejected.length - MAX_REJECTED_SHOWN)} more</li>
                )}
              </ul>
            )}
          </Callout>
        )}
        {importState.state === "failed" && (
          <Callout tone="bad" title={`Could not import ${importState.name}`}>
            {importState.message}
          </Callout>
        )}
        {records.length ? (
          <DatasetTable records={records} />
        ) : (
          <>
            <p className="muted">
              No records yet: run a sweep, or import a file (JSONL, JSON, CSV or a MIOpen perf-db).
            </p>
            {demoData.state === "available" && (
              <button type="button" className="button secondary" onClick={() => setView({ demo: true })}>
                Show the recorded demo
              </button>
            )}
          </>
        )}
      </Card>
      <TuningCostCard />
      {miopenFile && (
        <Card
          title="MIOpen perf database"
          subtitle="Tuned configs of AMD's MIOpen solvers: the kind of data the tuning model learns from."
        >
          <p>
            <span className="mono">{miopenFile.name}</span> · {bytes(miopenFile.bytes.length)}
          </p>
          <button type="button" className="button secondary" onClick={() => goTo("train")}>
            Train on it
          </button>
        </Card>
      )}
      <dialog ref={confirm} aria-labelledby="clear-title">
        <h2 id="clear-title">Clear the dataset?</h2>
        <p>
          This deletes all {count(records.length)} records stored in this browser. Export them first to keep a
          copy.
        </p>
        <form method="dialog" className="card-actions" style={{ justifyContent: "flex-end" }}>
          <button type="submit" className="button secondary">
            Keep them
          </button>
          <button type="submit" className="button danger" onClick={() => clearRecords()}>
            Delete {count(records.length)} records
          </button>
        </form>
      </dialog>
    </div>
  );
}
