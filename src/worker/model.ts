/// <reference lib="webworker" />
/**
 * The model's Worker: the model API (model-api.ts) over comlink, with the browser's tfjs backends,
 * sql.js and IndexedDB; apart from the GPU engine's Worker so that tfjs loads only when someone
 * trains or predicts. tfjs backends in order of preference: webgpu, wasm, cpu.
 */
import "../core/dataset/no-eval";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-webgpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import wasmPlainUrl from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url";
import wasmSimdUrl from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url";
import wasmThreadedUrl from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url";
import { expose } from "comlink";
import initSqlJs from "sql.js";
import sqlWasmUrl from "sql.js/dist/sql-wasm-browser.wasm?url";
import { artifactsAt } from "../core/learn/artifacts";
import { startBackend } from "../core/learn/backend";
import { openPerfDb } from "../core/miopen/perfdb";
import { gunzip, modelApi } from "./model-api";

export type { ModelWorkerApi, NamedFile, TrainingData, TrainSummary } from "./model-api";

/**
 * tfjs warns at every save that an RNN given its initial state inside its input list "was passed
 * non-serializable keyword arguments"; the model keeps that link (src/core/learn/seq2seq.ts says why),
 * so this one message is noise in the page's console. Every other warning passes through.
 */
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === "string" && /^Layer \w+ was passed non-serializable keyword arguments/.test(args[0]))
    return;
  warn(...args);
};

let backend: Promise<string> | undefined;

/**
 * Starts tfjs once. On a software adapter (SwiftShader) tfjs's webgpu backend is far slower than
 * wasm, so it is dropped there and the preference order falls through to wasm.
 */
function modelBackend(): Promise<string> {
  backend ??= (async () => {
    const adapter = await self.navigator.gpu?.requestAdapter();
    const fallback = (adapter?.info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter;
    if (!adapter || fallback) tf.removeBackend("webgpu");
    // Vite serves the wasm binaries; tfjs must know where before the backend starts.
    setWasmPaths({
      "tfjs-backend-wasm.wasm": wasmPlainUrl,
      "tfjs-backend-wasm-simd.wasm": wasmSimdUrl,
      "tfjs-backend-wasm-threaded-simd.wasm": wasmThreadedUrl,
    });
    return startBackend(["webgpu", "wasm", "cpu"]);
  })();
  return backend;
}

export const modelWorkerApi = modelApi({
  backend: modelBackend,
  openPerfDb: async (bytes, name) => {
    const SQL = await initSqlJs({ locateFile: () => sqlWasmUrl });
    return openPerfDb(SQL, bytes, { gunzip, name });
  },
  load: artifactsAt,
  save: async (model, url) => {
    await model.save(url);
  },
  list: async () => Object.keys(await tf.io.listModels()).filter((url) => url.startsWith("indexeddb://")),
});

expose(modelWorkerApi);
