/**
 * A data file as a corpus for the model commands: tunelab records (.jsonl) or a MIOpen perf database
 * (.db, .db.gz). Each knows how to write back the held-out part of itself, in its own format, so that
 * `eval` scores the model on problems it never saw.
 */
import { join } from "node:path";
import { miopenCorpus, shapeKey } from "../../core/corpora/miopen";
import { recordCorpus } from "../../core/corpora/records";
import { recordWriter } from "../../core/dataset/io";
import type { ModelSource } from "../../core/learn/artifacts";
import type { Corpus, CorpusExample } from "../../core/learn/corpus";
import { CliError } from "../command";
import { writeFileAtomic } from "../files";
import { readPerfRows, writePerfRows } from "./model-node";
import { readRecordFile } from "./store";

export interface CorpusFile {
  corpus: Corpus<unknown>;
  /** What one example is called in messages and in `train`'s JSON (its counts' key). */
  unit: "problems" | "rows";
  /** What `train`'s JSON says of the data beyond the counts (MIOpen: the solver and directions). */
  about: Record<string, unknown>;
  /** The problems (groups) of the records read to be held out whole (`readCorpusFile`'s `heldOut`), or null. */
  heldOut: ReadonlySet<string> | null;
  /** Writes the held-out examples' own data into the model folder; returns the file, or null when none. */
  writeHoldout(dir: string, held: readonly CorpusExample<unknown>[]): Promise<string | null>;
}

export const HOLDOUT_JSONL = "holdout.jsonl";
export const HOLDOUT_DB = "holdout.db";

const isRecordFile = (file: string) => file.toLowerCase().endsWith(".jsonl");

/** The corpus a file holds, by its name: records (.jsonl) or a MIOpen perf database. */
export const corpusKindOf = (file: string): ModelSource["kind"] =>
  isRecordFile(file) ? "tunelab" : "miopen";

/**
 * Reads --data: records, or the rows of one solver (default the file's most common) in the chosen
 * directions. `heldOut`, a second records file (another network's, say), joins the corpus with its
 * problems marked to be held out whole.
 */
export async function readCorpusFile(
  file: string,
  options: {
    solver?: string | undefined;
    directions?: string[] | undefined;
    heldOut?: string | undefined;
  } = {},
): Promise<CorpusFile> {
  if (!isRecordFile(file)) {
    if (options.heldOut) throw new CliError(`--holdout-data goes with records (.jsonl), not ${file}`);
    return readPerfDb(file, options);
  }
  return readRecords(file, options.heldOut);
}

async function readRecords(file: string, heldOutFile: string | undefined): Promise<CorpusFile> {
  const read = async (path: string, option: string) => {
    const records = await readRecordFile(path);
    if (!records.length) throw new CliError(`${option} ${path}: no records (missing or empty file)`);
    return records;
  };
  const held = heldOutFile ? await read(heldOutFile, "--holdout-data") : [];
  const records = [...(await read(file, "--data")), ...held];
  const corpus = recordCorpus(records, file);
  if (!corpus.examples.length)
    throw new CliError(`${file} has no problem with a verified (status ok) record`);
  return {
    corpus,
    unit: "problems",
    about: {},
    heldOut: heldOutFile ? new Set(held.map((r) => r.problem.text)) : null,
    async writeHoldout(dir, held) {
      if (!held.length) return null;
      const texts = new Set(held.map((e) => e.group));
      const path = join(dir, HOLDOUT_JSONL);
      const line = recordWriter("jsonl").record;
      await writeFileAtomic(path, records.filter((r) => texts.has(r.problem.text)).map(line));
      return path;
    },
  };
}

async function readPerfDb(
  file: string,
  options: { solver?: string | undefined; directions?: string[] | undefined },
): Promise<CorpusFile> {
  const { solver, rows } = await readPerfRows(file, options.solver);
  let corpus: Corpus<unknown>;
  try {
    corpus = miopenCorpus(rows, { file, directions: options.directions });
  } catch (error) {
    throw new CliError(`${file} ${solver}: ${(error as Error).message}`);
  }
  const directions = options.directions ?? [...new Set(rows.map((r) => r.problem.direction))].sort();
  return {
    corpus,
    unit: "rows",
    about: { solver, directions },
    heldOut: null,
    async writeHoldout(dir, held) {
      if (!held.length) return null;
      const shapes = new Set(held.map((e) => e.group));
      const path = join(dir, HOLDOUT_DB);
      await writePerfRows(
        path,
        rows.filter((r) => shapes.has(shapeKey(r.problem)) && directions.includes(r.problem.direction)),
      );
      return path;
    },
  };
}
