/**
 * Model benchmark: training time for a fixed number of epochs on one MIOpen file, and the constrained
 * beam search's latency (one problem at a time, as `predict` runs it) for width K, on one tfjs backend.
 *   node bench/run.mjs bench/model.ts [--backend webgpu|wasm|cpu] [--data FILE] [--epochs E] [--units U]
 *     [--batch B] [--attention] [--beam K] [--problems P]
 * Prints one JSON object. It trains and decodes with the project's own code, on the backend the CLI's
 * --backend starts: wasm by default (cpu when wasm cannot start); a named backend is that backend or an
 * error, never another one. webgpu runs on Dawn (the `webgpu` package), on the Vulkan driver that
 * VK_DRIVER_FILES (or VK_ICD_FILENAMES) names, else on SwiftShader when it is installed; the JSON
 * names the adapter. For a machine that has Node.js and node_modules/webgpu but no other packages:
 *   node bench/run.mjs --bundle /tmp/model-bench.mjs bench/model.ts
 * then, beside that machine's node_modules/webgpu (the bundle imports nothing else; --data is read
 * from disk):
 *   node model-bench.mjs --backend webgpu --data gfx906_60.db.gz
 */
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { readPerfRows, startNodeBackend } from "../src/cli/commands/model-node";
import { miopenCorpus, miopenLanguage } from "../src/core/corpora/miopen";
import { DEFAULT_TRAIN_OPTIONS } from "../src/core/learn/defaults";
import { splitCorpus, trainModel } from "../src/core/learn/pipeline";
import { predictAcrossFamilies } from "../src/core/learn/predictor";
import { decodingModels } from "../src/core/learn/seq2seq";
import type { TrainOptions } from "../src/core/learn/train";
import type { PerfRow } from "../src/core/miopen/perfdb";

const { values } = parseArgs({
  options: {
    backend: { type: "string" },
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

function fail(message: string): never {
  process.stderr.write(`bench/model.ts: ${message}\n`);
  process.exit(1);
}

let backend: string;
try {
  backend = await startNodeBackend(values.backend);
} catch (error) {
  fail((error as Error).message);
}
// What the GPU says of itself, so the numbers name the card and driver they belong to.
const adapter =
  backend === "webgpu"
    ? (await (globalThis as { navigator: { gpu: GPU } }).navigator.gpu.requestAdapter())?.info
    : undefined;

let rows: PerfRow[];
try {
  ({ rows } = await readPerfRows(values.data, SOLVER));
} catch (error) {
  fail(`--data ${values.data}: ${(error as Error).message}`);
}
const corpus = miopenCorpus(rows, { file: values.data });
const split = splitCorpus(corpus, 1);
const epochs = Number(values.epochs);
const options: TrainOptions = {
  ...DEFAULT_TRAIN_OPTIONS,
  epochs,
  patience: epochs,
  units: Number(values.units),
  batchSize: Number(values.batch),
  attention: values.attention,
};
const trained = await trainModel(corpus, split, options, backend);
const perEpoch = trained.history.map((h, i) => h.seconds - (trained.history[i - 1]?.seconds ?? 0));

const width = Number(values.beam);
const decoding = decodingModels(trained.model);
const sample = split.holdout.slice(0, Number(values.problems));
/** One constrained beam search, as `predict` runs it; its wall time in ms. */
async function timeBeam(example: (typeof sample)[number]): Promise<number> {
  const started = performance.now();
  const request = {
    features: miopenLanguage.features(example.query),
    spaces: miopenLanguage.spaces(example.query, trained.tokenizer),
  };
  await predictAcrossFamilies(decoding, trained.tokenizer, [request], width);
  return performance.now() - started;
}
// The first search pays one-time costs (webgpu: shader compilation); reported apart, not in the latencies.
const firstMs = sample[0] ? await timeBeam(sample[0]) : 0;
const latencies: number[] = [];
for (const row of sample) latencies.push(await timeBeam(row));
latencies.sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
const round = (x: number) => Math.round(x * 10) / 10;
console.log(
  JSON.stringify({
    backend,
    ...(adapter && {
      adapter: {
        vendor: adapter.vendor,
        architecture: adapter.architecture,
        device: adapter.device,
        description: adapter.description,
      },
      vulkanDriver: process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES ?? null,
      webgpuCpuForward: tf.env().getBool("WEBGPU_CPU_FORWARD"),
    }),
    data: values.data,
    trainRows: split.train.length,
    units: Number(values.units),
    attention: values.attention,
    epochs: trained.history.length,
    trainSeconds: round(trained.seconds),
    secondsPerEpoch: perEpoch.map(round),
    beam: width,
    problems: sample.length,
    beamFirstMs: round(firstMs),
    beamLatencyMs: { median: round(at(0.5)), p90: round(at(0.9)) },
  }),
);
trained.model.dispose();
// Dawn's instance keeps Node's event loop alive; the numbers are out.
process.exit(0);
