/**
 * The browser's record store: IndexedDB (through idb), each candidate written as soon as it is measured
 * (and again once its drift check is done), so a reload mid-sweep loses at most the candidate in flight.
 * Keyed by candidate (recordKey).
 */
import { type DBSchema, type IDBPDatabase, openDB } from "idb";
import { recordKey, type TuningRecord } from "../core/dataset/record";

interface TunelabDb extends DBSchema {
  records: { key: string; value: TuningRecord };
}

let db: Promise<IDBPDatabase<TunelabDb>> | undefined;

function open(): Promise<IDBPDatabase<TunelabDb>> {
  db ??= openDB<TunelabDb>("tunelab", 1, {
    upgrade(database) {
      database.createObjectStore("records");
    },
  });
  return db;
}

export async function putRecord(record: TuningRecord): Promise<void> {
  try {
    await (await open()).put("records", record, recordKey(record));
  } catch (error) {
    // A full quota ends the sweep with what to do; every record stored before it stays.
    if ((error as DOMException).name === "QuotaExceededError") {
      throw new Error(
        "the browser's storage for this site is full: the candidates measured so far are kept; export the dataset and clear it (Dataset page), or free space, then resume the sweep",
      );
    }
    throw error;
  }
}

export async function allRecords(): Promise<TuningRecord[]> {
  return (await open()).getAll("records");
}

/** Adds the records not stored yet in one transaction (all or nothing); stored ones are kept as they are. */
export async function addNewRecords(
  records: readonly TuningRecord[],
): Promise<{ added: number; skipped: number }> {
  const tx = (await open()).transaction("records", "readwrite");
  let added = 0;
  for (const record of records) {
    const key = recordKey(record);
    if (await tx.store.getKey(key)) continue;
    await tx.store.put(record, key);
    added++;
  }
  await tx.done;
  return { added, skipped: records.length - added };
}

export async function clearRecords(): Promise<void> {
  await (await open()).clear("records");
}
