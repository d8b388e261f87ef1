/**
 * MIOpen performance databases (SQLite): table `config` holds convolution problems, `perf_db` the tuned
 * parameter string of each solver for each problem. Read with sql.js so the same code runs in Node and
 * in the browser; the caller supplies the sql.js module and, for .db.gz files, a gunzip function
 * (Node's zlib or the browser's DecompressionStream), which keeps this module free of both.
 */
import type initSqlJs from "sql.js";

type SqlJsStatic = initSqlJs.SqlJsStatic;
type Database = initSqlJs.Database;

export type MiopenDirection = "F" | "B" | "W";
export type MiopenPrecision = "FP32" | "FP16" | "BF16";

/** One row of `config`, with MIOpen's own meaning for every field (C = in_channels, K = out_channels). */
export interface MiopenProblem {
  layout: string;
  precision: MiopenPrecision;
  direction: MiopenDirection;
  spatialDim: number;
  c: number;
  h: number;
  w: number;
  d: number;
  r: number;
  s: number;
  t: number;
  k: number;
  n: number;
  padH: number;
  padW: number;
  padD: number;
  strideH: number;
  strideW: number;
  strideD: number;
  dilH: number;
  dilW: number;
  dilD: number;
  bias: number;
  groups: number;
}

/** One tuned entry: a solver's parameter values for one problem. */
export interface PerfRow {
  solver: string;
  problem: MiopenProblem;
  params: number[];
}

/** The licence of MIOpen's databases: it travels with the data and with every extract of it. */
export const MIOPEN_NOTICE = `MIT License

Copyright (c) 2017 - 2022 Advanced Micro Devices, Inc. All rights Reserved.

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`;

/** `config` columns in table order, paired with the MiopenProblem field each fills. */
const COLUMNS = [
  ["layout", "layout"],
  ["data_type", "precision"],
  ["direction", "direction"],
  ["spatial_dim", "spatialDim"],
  ["in_channels", "c"],
  ["in_h", "h"],
  ["in_w", "w"],
  ["in_d", "d"],
  ["fil_h", "r"],
  ["fil_w", "s"],
  ["fil_d", "t"],
  ["out_channels", "k"],
  ["batchsize", "n"],
  ["pad_h", "padH"],
  ["pad_w", "padW"],
  ["pad_d", "padD"],
  ["conv_stride_h", "strideH"],
  ["conv_stride_w", "strideW"],
  ["conv_stride_d", "strideD"],
  ["dilation_h", "dilH"],
  ["dilation_w", "dilW"],
  ["dilation_d", "dilD"],
  ["bias", "bias"],
  ["group_count", "groups"],
] as const satisfies readonly (readonly [string, keyof MiopenProblem])[];

const TEXT_FIELDS = new Set<keyof MiopenProblem>(["layout", "precision", "direction"]);

export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

const SQLITE_MAGIC = "SQLite format 3\0";

export interface OpenOptions {
  /** Needed only for gzip-compressed files. */
  gunzip?: (bytes: Uint8Array) => Promise<Uint8Array> | Uint8Array;
  /** Named in error messages. */
  name?: string;
}

/** Opens a .db or .db.gz file's bytes; the caller closes the database. */
export async function openPerfDb(
  SQL: SqlJsStatic,
  bytes: Uint8Array,
  options: OpenOptions = {},
): Promise<Database> {
  const name = options.name ?? "database";
  let raw = bytes;
  if (isGzip(bytes)) {
    if (!options.gunzip) throw new Error(`${name} is gzip-compressed and no gunzip function was given`);
    raw = await options.gunzip(bytes);
  }
  const magic = String.fromCharCode(...raw.subarray(0, SQLITE_MAGIC.length));
  if (magic !== SQLITE_MAGIC)
    throw new Error(`${name} is not an SQLite database (nor a gzip-compressed one)`);
  const db = new SQL.Database(raw);
  const tables = new Set(
    (db.exec("SELECT name FROM sqlite_master WHERE type='table'")[0]?.values ?? []).map((v) => String(v[0])),
  );
  for (const table of ["config", "perf_db"]) {
    if (!tables.has(table)) {
      db.close();
      throw new Error(`${name} has no '${table}' table: not a MIOpen performance database`);
    }
  }
  return db;
}

/** How many tuned entries each solver has, most first. */
export interface SolverCount {
  solver: string;
  rows: number;
  /** The directions its rows have (F, B, W), in that order. */
  directions: MiopenDirection[];
}

/** The file's solvers, most rows first, with the directions each was tuned for. */
export function solverCounts(db: Database): SolverCount[] {
  const result = db.exec(
    "SELECT p.solver, COUNT(*), GROUP_CONCAT(DISTINCT c.direction) FROM perf_db p JOIN config c ON c.id = p.config GROUP BY p.solver ORDER BY 2 DESC, 1",
  );
  return (result[0]?.values ?? []).map(([solver, rows, directions]) => ({
    solver: String(solver),
    rows: Number(rows),
    directions: (["F", "B", "W"] as const).filter((d) => String(directions).split(",").includes(d)),
  }));
}

function parseParams(text: string, where: string): number[] {
  const values = text.split(",").map(Number);
  if (!values.every(Number.isInteger))
    throw new Error(`${where}: params '${text}' are not comma-separated integers`);
  return values;
}

/** Every tuned entry of one solver, joined with its problem, in config-id order. */
export function readSolverRows(db: Database, solver: string): PerfRow[] {
  const columns = COLUMNS.map(([column]) => `c.${column}`).join(", ");
  const statement = db.prepare(
    `SELECT ${columns}, p.params, p.config FROM perf_db p JOIN config c ON c.id = p.config WHERE p.solver = ? ORDER BY p.config`,
  );
  const rows: PerfRow[] = [];
  try {
    statement.bind([solver]);
    while (statement.step()) {
      const values = statement.get();
      const problem = {} as Record<keyof MiopenProblem, string | number>;
      COLUMNS.forEach(([column, field], i) => {
        const value = values[i];
        problem[field] = TEXT_FIELDS.has(field) ? String(value) : Number(value);
        if (!TEXT_FIELDS.has(field) && !Number.isFinite(problem[field])) {
          throw new Error(`config ${String(values.at(-1))}: ${column} is not a number`);
        }
      });
      const where = `perf_db ${solver} config ${String(values.at(-1))}`;
      rows.push({
        solver,
        problem: problem as unknown as MiopenProblem,
        params: parseParams(String(values.at(-2)), where),
      });
    }
  } finally {
    statement.free();
  }
  if (!rows.length) {
    const known = solverCounts(db)
      .slice(0, 8)
      .map((s) => s.solver)
      .join(", ");
    throw new Error(`no perf_db rows for solver '${solver}' (this file has e.g. ${known})`);
  }
  return rows;
}

/** A new database in MIOpen's schema holding just these rows: how extracts (held-out splits) are written. */
export function writePerfDb(SQL: SqlJsStatic, rows: readonly PerfRow[]): Uint8Array {
  const db = new SQL.Database();
  try {
    const columnDefs = COLUMNS.map(
      ([column, field]) => `\`${column}\` ${TEXT_FIELDS.has(field) ? "TEXT" : "INT"} NOT NULL`,
    );
    db.run(`CREATE TABLE config (id INTEGER PRIMARY KEY ASC, ${columnDefs.join(", ")})`);
    db.run(
      "CREATE TABLE perf_db (id INTEGER PRIMARY KEY ASC, solver TEXT NOT NULL, config INTEGER NOT NULL, params TEXT NOT NULL)",
    );
    db.run("CREATE UNIQUE INDEX idx_perf_db ON perf_db(solver, config)");
    const configIds = new Map<string, number>();
    const insertConfig = db.prepare(
      `INSERT INTO config (${COLUMNS.map(([c]) => c).join(", ")}) VALUES (${COLUMNS.map(() => "?").join(", ")})`,
    );
    const insertPerf = db.prepare("INSERT INTO perf_db (solver, config, params) VALUES (?, ?, ?)");
    db.run("BEGIN");
    for (const row of rows) {
      const fields = COLUMNS.map(([, field]) => row.problem[field]);
      const key = fields.join("|");
      let id = configIds.get(key);
      if (id === undefined) {
        insertConfig.run(fields);
        id = configIds.size + 1;
        configIds.set(key, id);
      }
      insertPerf.run([row.solver, id, row.params.join(",")]);
    }
    db.run("COMMIT");
    insertConfig.free();
    insertPerf.free();
    return db.export();
  } finally {
    db.close();
  }
}
