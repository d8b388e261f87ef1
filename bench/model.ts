/**
 * Model benchmark: training time for a fixed number of epochs on one MIOpen file, and the constrained
 * beam search's latency (one problem at a time, as `predict` runs it) for width K, on one tfjs backend.
 *   node bench/run.mjs bench/model.ts [--backend webgpu|wasm|cpu] [--data FILE] [--epochs E] [--units U]
 *     [--batch B] [--attention] [--beam K] [--problems P]
 *   npx tsx bench/model.ts [same options]
 * Prints one JSON object. --backend defaults to wasm, then cpu when wasm cannot start; a backend named
 * with --backend is that backend or an error, never another one.
 *
 * --backend webgpu runs tfjs's WebGPU backend on Dawn (the `webgpu` package), on the Vulkan driver
 * that VK_DRIVER_FILES (or VK_ICD_FILENAMES) names, else on SwiftShader when it is installed; the JSON
 * names the adapter. For a machine that has Node.js and node_modules/webgpu but no other packages:
 *   node bench/run.mjs --bundle /tmp/model-bench.mjs bench/model.ts
 * then, beside that machine's node_modules/webgpu (the bundle imports nothing else; --data is read
 * from disk):
 *   node model-bench.mjs --backend webgpu --data gfx906_60.db.gz
 */
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import initSqlJs from "sql.js";
import { nodeGpu } from "../src/cli/node-gpu";
import { miopenExample, solverParamNames, solverSpace } from "../src/core/miopen/examples";
import { splitMiopenRows, trainMiopenModel } from "../src/core/miopen/model";
import { openPerfDb, readSolverRows } from "../src/core/miopen/perfdb";
import { startBackend } from "../src/core/model/backend";
import { beamSearchMany, type Scorer } from "../src/core/model/beam";
import { miopenFeatures } from "../src/core/model/features";
import { type PredictionRequest, predictConfigs } from "../src/core/model/predictor";
import { buildSeq2Seq, decodingModels } from "../src/core/model/seq2seq";
import { START, Tokenizer } from "../src/core/model/tokenizer";
import {
  DEFAULT_TRAIN_OPTIONS,
  disposeBatch,
  encodeExamples,
  type TrainOptions,
} from "../src/core/model/train";
import { rng, shuffled } from "../src/core/random";

const BACKENDS = ["webgpu", "wasm", "cpu"];
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
    "async-reads": { type: "boolean", default: false },
  },
});
const SOLVER = "ConvAsm1x1U";

function fail(message: string): never {
  process.stderr.write(`bench/model.ts: ${message}\n`);
  process.exit(1);
}

/**
 * A .wasm file's bytes when this runs as a bundle (esbuild's binary loader embeds it); undefined under
 * tsx, where tfjs and sql.js find their .wasm files in node_modules themselves.
 */
async function embedded(load: () => Promise<{ default: Uint8Array }>): Promise<Uint8Array | undefined> {
  try {
    return (await load()).default;
  } catch {
    return undefined;
  }
}

// Emscripten's Node glue reads __dirname, which an ES-module bundle lacks.
(globalThis as { __dirname?: string }).__dirname ??= dirname(fileURLToPath(import.meta.url));

/** What the adapter says of itself: the GPU and driver the numbers belong to. */
type AdapterDescription = Partial<Record<"vendor" | "architecture" | "device" | "description", string>>;

/**
 * Dawn's GPU as `navigator.gpu` (tfjs's webgpu backend registers itself only when that exists at
 * import), then the backend. Returns the adapter's description.
 */
async function startWebGpu(): Promise<AdapterDescription> {
  const gpu = await nodeGpu();
  if (!gpu) {
    const reason = await import("webgpu").then(
      () => "its create() failed",
      (error: Error) => error.message,
    );
    fail(`--backend webgpu: Dawn (the \`webgpu\` package) is not usable: ${reason}`);
  }
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) {
    fail(
      "--backend webgpu: Dawn found no GPU adapter (is VK_DRIVER_FILES or VK_ICD_FILENAMES set to a working Vulkan driver?)",
    );
  }
  const { vendor, architecture, device, description } = adapter.info;
  const scope = globalThis as { navigator?: { gpu?: GPU } };
  if (!scope.navigator) Object.assign(globalThis, { navigator: { gpu } });
  else if (!scope.navigator.gpu)
    Object.defineProperty(scope.navigator, "gpu", { value: gpu, configurable: true });
  await import("@tensorflow/tfjs-backend-webgpu");
  return { vendor, architecture, device, description };
}

if (values.backend !== undefined && !BACKENDS.includes(values.backend)) {
  fail(`--backend ${values.backend}: expected one of ${BACKENDS.join(", ")}`);
}
let adapter: AdapterDescription | undefined;
let backend: string;
try {
  if (values.backend === "webgpu") {
    adapter = await startWebGpu();
  } else {
    const simd = await embedded(
      () => import("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm"),
    );
    if (simd) {
      // Node has SIMD and no wasm threads, so only the SIMD binary is ever fetched.
      const url = `data:application/wasm;base64,${Buffer.from(simd).toString("base64")}`;
      setWasmPaths(
        {
          "tfjs-backend-wasm.wasm": url,
          "tfjs-backend-wasm-simd.wasm": url,
          "tfjs-backend-wasm-threaded-simd.wasm": url,
        },
        true,
      );
    }
  }
  backend = await startBackend(values.backend ? [values.backend] : ["wasm", "cpu"]);
} catch (error) {
  fail(`--backend ${values.backend ?? "wasm,cpu"} could not start: ${(error as Error).message}`);
}

const sqlWasm = await embedded(() => import("sql.js/dist/sql-wasm.wasm"));
const SQL = await initSqlJs(
  sqlWasm
    ? {
        wasmBinary: sqlWasm.buffer.slice(
          sqlWasm.byteOffset,
          sqlWasm.byteOffset + sqlWasm.byteLength,
        ) as ArrayBuffer,
      }
    : undefined,
);
let file: Buffer;
try {
  file = readFileSync(values.data);
} catch (error) {
  fail(`--data ${values.data}: ${(error as Error).message}`);
}
const db = await openPerfDb(SQL, file, { gunzip: gunzipSync });
const rows = readSolverRows(db, SOLVER);
db.close();
const split = splitMiopenRows(rows, undefined, 1);
const epochs = Number(values.epochs);
const options: TrainOptions = {
  ...DEFAULT_TRAIN_OPTIONS,
  epochs,
  patience: epochs,
  units: Number(values.units),
  batchSize: Number(values.batch),
  attention: values.attention,
};
// tfjs's webgpu backend reads synchronously (dataSync) only through OffscreenCanvas, which Node lacks;
// the project's training and scorer read that way, so on webgpu this script runs the same steps with
// awaited reads (the same model, batches, optimizer and beam search).
const asyncReads = values["async-reads"] || backend === "webgpu";

/**
 * trainSeq2Seq's epochs (as trainMiopenModel calls it) with the validation pass read by `await data()`.
 * No best-weights restore or blend choice: neither changes the times measured here.
 */
async function trainAwaitingReads(): Promise<{
  model: tf.LayersModel;
  tokenizer: Tokenizer;
  history: { seconds: number }[];
  seconds: number;
}> {
  const started = performance.now() / 1000;
  const train = split.train.map(miopenExample);
  const families = [...new Set(train.map((e) => e.family))].sort();
  const paramNames = Object.fromEntries(
    families.map((f) => [f, solverParamNames(f, train.find((e) => e.family === f)?.values.length ?? 0)]),
  );
  const tokenizer = Tokenizer.fit(train, paramNames);
  const model = buildSeq2Seq(
    {
      featureSteps: tokenizer.featureCount,
      stepWidth: tokenizer.stepWidth,
      decoderLength: tokenizer.decoderLength,
      vocabulary: tokenizer.size,
    },
    options,
  );
  model.compile({ optimizer: tf.train.adam(options.learningRate), loss: "categoricalCrossentropy" });
  const trainBatch = encodeExamples(tokenizer, train);
  const validationBatch = encodeExamples(tokenizer, split.validation.map(miopenExample));
  const random = rng(options.seed);
  const history: { seconds: number }[] = [];
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const order = shuffled(
      random,
      train.map((_, i) => i),
    );
    for (let from = 0; from < order.length; from += options.batchSize) {
      const indices = tf.tensor1d(order.slice(from, from + options.batchSize), "int32");
      const batch = [trainBatch.problem, trainBatch.previous, trainBatch.next].map((t) =>
        tf.gather(t, indices),
      ) as [tf.Tensor, tf.Tensor, tf.Tensor];
      await model.trainOnBatch([batch[0], batch[1]], batch[2]);
      tf.dispose([indices, ...batch]);
      await tf.nextFrame();
    }
    const [loss, predicted] = tf.tidy(() => {
      const probs = model.predict([validationBatch.problem, validationBatch.previous], {
        batchSize: 1024,
      }) as tf.Tensor3D;
      return [tf.metrics.categoricalCrossentropy(validationBatch.next, probs).mean(), probs.argMax(-1)];
    });
    await Promise.all([loss.data(), predicted.data()]);
    tf.dispose([loss, predicted]);
    history.push({ seconds: performance.now() / 1000 - started });
  }
  disposeBatch(trainBatch);
  disposeBatch(validationBatch);
  return { model, tokenizer, history, seconds: performance.now() / 1000 - started };
}

/** withModelScorer's scorer for one problem, its decoder output read by `await data()`. */
async function beamAwaitingReads(request: PredictionRequest): Promise<void> {
  const { encoder, decoder, attention } = decoding;
  const { tokenizer } = trained;
  const steps = tokenizer.featureCount;
  const vocabularySize = tokenizer.size;
  const familyToken = tokenizer.familyId(SOLVER);
  const input = new Float32Array(steps * tokenizer.stepWidth);
  tokenizer.encodeFeatures(request.features, input);
  const [states, state] = tf.tidy(
    () => encoder.predict(tf.tensor3d(input, [1, steps, tokenizer.stepWidth])) as tf.Tensor[],
  ) as [tf.Tensor, tf.Tensor];
  const scorer: Scorer = async (requests, candidates) => {
    const length = (requests[0]?.prefix.length ?? 0) + 2;
    if (requests.some((r) => r.prefix.length + 2 !== length)) throw new Error("prefixes of mixed lengths");
    const previous = new Float32Array(requests.length * length * vocabularySize);
    requests.forEach((r, i) => {
      const tokens = [START, familyToken, ...r.prefix.map((v, p) => tokenizer.paramId(SOLVER, p, v) ?? 0)];
      tokens.forEach((id, t) => {
        previous[(i * length + t) * vocabularySize + id] = 1;
      });
    });
    const last = tf.tidy(() => {
      const rows = tf.zeros([requests.length], "int32") as tf.Tensor1D;
      const inputs = [
        tf.tensor3d(previous, [requests.length, length, vocabularySize]),
        tf.gather(state, rows),
      ];
      if (attention) inputs.push(tf.gather(states, rows));
      const output = decoder.predict(inputs) as tf.Tensor3D;
      return output.slice([0, length - 1, 0], [requests.length, 1, vocabularySize]);
    });
    const probs = (await last.data()) as Float32Array;
    last.dispose();
    return requests.map((r, i) =>
      (candidates[i] ?? []).map((value) => {
        const id = tokenizer.paramId(SOLVER, r.prefix.length, value);
        return id === undefined
          ? -Infinity
          : Math.log(Math.max(probs[i * vocabularySize + id] as number, 1e-30));
      }),
    );
  };
  try {
    await beamSearchMany([{ space: request.space, vocabulary }], width, scorer);
  } finally {
    tf.dispose([states, state]);
  }
}

const trained = asyncReads
  ? await trainAwaitingReads()
  : await trainMiopenModel(split, options, { file: values.data, backend });
const perEpoch = trained.history.map((h, i) => h.seconds - (trained.history[i - 1]?.seconds ?? 0));

const width = Number(values.beam);
const decoding = decodingModels(trained.model);
const vocabulary = trained.tokenizer.vocabulary(SOLVER);
const sample = split.holdout.slice(0, Number(values.problems));
/** One constrained beam search, as `predict` runs it; its wall time in ms. */
async function timeBeam(row: (typeof sample)[number]): Promise<number> {
  const started = performance.now();
  const request = {
    features: miopenFeatures(row.problem),
    space: solverSpace(SOLVER, row.problem, vocabulary),
  };
  if (asyncReads) await beamAwaitingReads(request);
  else await predictConfigs(decoding, trained.tokenizer, SOLVER, [request], width);
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
      adapter,
      vulkanDriver: process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES ?? null,
      webgpuCpuForward: tf.env().getBool("WEBGPU_CPU_FORWARD"),
    }),
    data: values.data,
    trainRows: split.train.length,
    units: Number(values.units),
    attention: values.attention,
    reads: asyncReads ? "awaited (bench loop)" : "dataSync (project code)",
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
