/**
 * Node side of the model commands: tfjs's wasm backend and sql.js with their .wasm files embedded in
 * the one-file CLI, perf-db files from disk, and model folders (model.json + weights.bin from tf.io,
 * the data's licence when the model was trained on MIOpen data).
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import tfjsWasmSimd from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm";
import initSqlJs from "sql.js";
import sqlWasm from "sql.js/dist/sql-wasm.wasm";
import {
  type LearnedModel,
  learnedModel,
  MODEL_JSON,
  modelFromFiles,
  modelToFiles,
  WEIGHTS_BIN,
} from "../../core/learn/artifacts";
import { startBackend } from "../../core/learn/backend";
import {
  MIOPEN_NOTICE,
  openPerfDb,
  type PerfRow,
  readSolverRows,
  solverCounts,
  writePerfDb,
} from "../../core/miopen/perfdb";
import { loadTfjsWebgpu } from "../../gpu/tfjs-baseline";
import { CliError, type OptionSpec } from "../command";
import { writeFileAtomic } from "../files";
import { nodeGpu } from "../node-gpu";

export const MIOPEN_LICENSE = "LICENSE-MIOpen.txt";

/** Emscripten's Node glue reads __dirname, which an ES-module bundle lacks; the .wasm comes embedded anyway. */
function provideDirname(): void {
  const scope = globalThis as { __dirname?: string };
  scope.__dirname ??= dirname(fileURLToPath(import.meta.url));
}

/** The tfjs backends the model commands can run on in Node. */
const NODE_BACKENDS = ["wasm", "cpu", "webgpu"];

export const BACKEND_OPTION: Record<string, OptionSpec> = {
  backend: {
    type: "string",
    value: "B",
    description:
      "tfjs backend: wasm (default; cpu when wasm cannot start), cpu, or webgpu (Dawn, on the Vulkan driver VK_DRIVER_FILES names, else SwiftShader)",
  },
};

let wasmPathsSet = false;

/** Points tfjs's wasm backend at its embedded binary, once. */
function setWasmBinary(): void {
  if (wasmPathsSet) return;
  wasmPathsSet = true;
  provideDirname();
  // Node has SIMD and no wasm threads, so only the SIMD binary is ever fetched.
  const url = `data:application/wasm;base64,${Buffer.from(tfjsWasmSimd).toString("base64")}`;
  setWasmPaths(
    {
      "tfjs-backend-wasm.wasm": url,
      "tfjs-backend-wasm-simd.wasm": url,
      "tfjs-backend-wasm-threaded-simd.wasm": url,
    },
    true,
  );
}

/**
 * Starts tfjs on `requested` (--backend) when given: that one or a CliError, never another. Else on
 * wasm (about 8x the cpu backend here), cpu when wasm cannot start. Returns the backend's name.
 */
export async function startNodeBackend(requested?: string | boolean): Promise<string> {
  if (requested !== undefined && (typeof requested !== "string" || !NODE_BACKENDS.includes(requested))) {
    throw new CliError(`--backend: expected one of ${NODE_BACKENDS.join(", ")}, got '${String(requested)}'`);
  }
  setWasmBinary();
  if (requested === "webgpu") {
    const gpu = await nodeGpu();
    if (!gpu) throw new CliError("--backend webgpu: Dawn (the `webgpu` package) could not start", 1);
    await loadTfjsWebgpu(gpu);
  }
  try {
    return await startBackend(requested ? [requested] : ["wasm", "cpu"]);
  } catch (error) {
    throw new CliError((error as Error).message, 1);
  }
}

let sql: ReturnType<typeof initSqlJs> | undefined;
function sqlJs(): ReturnType<typeof initSqlJs> {
  provideDirname();
  sql ??= initSqlJs({
    wasmBinary: sqlWasm.buffer.slice(
      sqlWasm.byteOffset,
      sqlWasm.byteOffset + sqlWasm.byteLength,
    ) as ArrayBuffer,
  });
  return sql;
}

function readBytes(file: string, what: string): Buffer {
  if (!existsSync(file)) throw new CliError(`${what} '${file}' does not exist`);
  return readFileSync(file);
}

/** The rows of one solver (or the file's most common one) of a .db or .db.gz MIOpen perf database. */
export async function readPerfRows(
  file: string,
  solver: string | undefined,
): Promise<{ solver: string; rows: PerfRow[] }> {
  if (!/\.db(\.gz)?$/.test(file))
    throw new CliError(`--data ${file}: expected a .db or .db.gz MIOpen perf database`);
  const SQL = await sqlJs();
  let db: Awaited<ReturnType<typeof openPerfDb>>;
  try {
    db = await openPerfDb(SQL, readBytes(file, "--data"), { gunzip: (b) => gunzipSync(b), name: file });
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  try {
    const chosen = solver ?? solverCounts(db)[0]?.solver;
    if (!chosen) throw new CliError(`${file} has no perf_db rows`);
    return { solver: chosen, rows: readSolverRows(db, chosen) };
  } catch (error) {
    throw error instanceof CliError ? error : new CliError(`${file}: ${(error as Error).message}`);
  } finally {
    db.close();
  }
}

/** Writes rows as a MIOpen-schema database (an extract: its licence goes beside it). */
export async function writePerfRows(file: string, rows: readonly PerfRow[]): Promise<void> {
  await writeFileAtomic(file, writePerfDb(await sqlJs(), rows));
  await writeFileAtomic(join(dirname(file), MIOPEN_LICENSE), MIOPEN_NOTICE);
}

/** The last line of `train`: where the model is, and how to score it. */
export function scoreHint(out: string, holdout: string | null): string {
  return holdout
    ? `model in ${out}; score it on the held-out problems with: eval --model ${out} --data ${holdout}`
    : `model in ${out}; no problems held out (--holdout 0): score it with eval on another file's problems`;
}

export async function saveModelDir(dir: string, { model, metadata }: LearnedModel): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const files = await modelToFiles(model, metadata);
  // weights.bin first: model.json, written last, names the weights that are already in place.
  await writeFileAtomic(join(dir, WEIGHTS_BIN), files.weights);
  await writeFileAtomic(join(dir, MODEL_JSON), files.modelJson);
  // The data's licence travels with what was learnt from it.
  if (metadata.source.kind === "miopen") await writeFileAtomic(join(dir, MIOPEN_LICENSE), MIOPEN_NOTICE);
}

export async function loadModelDir(dir: string): Promise<LearnedModel> {
  const modelJson = readBytes(join(dir, MODEL_JSON), "model file").toString("utf8");
  const weights = new Uint8Array(readBytes(join(dir, WEIGHTS_BIN), "weights file"));
  try {
    return learnedModel(await modelFromFiles({ modelJson, weights }));
  } catch (error) {
    throw new CliError(`${dir}: ${(error as Error).message}`);
  }
}
