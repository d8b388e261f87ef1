/**
 * Model benchmark on this machine: training time for a fixed number of epochs on one MIOpen file, and
 * the constrained beam search's latency (one problem at a time, as `predict` runs it) for width K.
 *   npx tsx bench/model.ts [--data FILE] [--epochs E] [--units U] [--attention] [--beam K] [--problems P]
 * Prints one JSON object.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";
import "@tensorflow/tfjs-backend-wasm";
import initSqlJs from "sql.js";
import { solverSpace } from "../src/core/miopen/examples";
import { splitMiopenRows, trainMiopenModel } from "../src/core/miopen/model";
import { openPerfDb, readSolverRows } from "../src/core/miopen/perfdb";
import { startBackend } from "../src/core/model/backend";
import { miopenFeatures } from "../src/core/model/features";
import { predictConfigs } from "../src/core/model/predictor";
import { decodingModels } from "../src/core/model/seq2seq";
import { DEFAULT_TRAIN_OPTIONS } from "../src/core/model/train";

const { values } = parseArgs({
  options: {
    data: { type: "string", default: "data/miopen/gfx906_60.db.gz" },
    epochs: { type: "string", default: "3" },
    units: { type: "string", default: "64" },
    batch: { type: "string", default: "256" },
    attention: { type: "boolean", default: false },
    beam: { type: "string", default: "8" },
    problems: { type: "string", default: "50" },
  },
});
const SOLVER = "ConvAsm1x1U";
const backend = await startBackend(["wasm", "cpu"]);
const SQL = await initSqlJs();
const db = await openPerfDb(SQL, readFileSync(values.data), { gunzip: gunzipSync });
const rows = readSolverRows(db, SOLVER);
db.close();
const split = splitMiopenRows(rows, undefined, 1);
const epochs = Number(values.epochs);
const trained = await trainMiopenModel(
  split,
  {
    ...DEFAULT_TRAIN_OPTIONS,
    epochs,
    patience: epochs,
    units: Number(values.units),
    batchSize: Number(values.batch),
    attention: values.attention,
  },
  { file: values.data, backend },
);
const perEpoch = trained.history.map((h, i) => h.seconds - (trained.history[i - 1]?.seconds ?? 0));

const width = Number(values.beam);
const decoding = decodingModels(trained.model);
const vocabulary = trained.tokenizer.vocabulary(SOLVER);
const sample = split.holdout.slice(0, Number(values.problems));
const latencies: number[] = [];
for (const row of sample) {
  const started = performance.now();
  await predictConfigs(
    decoding,
    trained.tokenizer,
    SOLVER,
    [{ features: miopenFeatures(row.problem), space: solverSpace(SOLVER, row.problem, vocabulary) }],
    width,
  );
  latencies.push(performance.now() - started);
}
latencies.sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
console.log(
  JSON.stringify({
    backend,
    data: values.data,
    trainRows: split.train.length,
    units: Number(values.units),
    attention: values.attention,
    epochs: trained.history.length,
    trainSeconds: Math.round(trained.seconds * 10) / 10,
    secondsPerEpoch: perEpoch.map((s) => Math.round(s * 10) / 10),
    beam: width,
    problems: sample.length,
    beamLatencyMs: { median: Math.round(at(0.5) * 10) / 10, p90: Math.round(at(0.9) * 10) / 10 },
  }),
);
trained.model.dispose();
