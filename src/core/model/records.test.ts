/**
 * The model trained on records, through the browser's loading path: public/demo is served over HTTP
 * (as Vite serves it), tf.loadLayersModel reads model.json and weights.bin from there as the worker's
 * loadModel does, and the constrained beam search across families gives valid configs.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readJsonl } from "../dataset/io";
import type { TuningRecord } from "../dataset/record";
import { familyById } from "../families/index";
import { checkConfig } from "../space/space";
import { modelTokenizer, readMetadata } from "./artifacts";
import { predictConfigs } from "./predictor";
import { predictRecordConfigs, recordCases } from "./records";

const DEMO = "public/demo";
const TYPES: Record<string, string> = { ".json": "application/json", ".bin": "application/octet-stream" };
let server: Server;
let base: string;

beforeAll(async () => {
  await tf.setBackend("wasm");
  server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname));
    try {
      const body = readFileSync(join(DEMO, path));
      response.writeHead(200, { "content-type": TYPES[extname(path)] ?? "text/plain" }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const fetchText = async (path: string) => {
  const response = await fetch(new URL(path, base));
  expect(response.ok, path).toBe(true);
  return response.text();
};

describe("records as training targets", () => {
  const records = readJsonl(readFileSync(join(DEMO, "dataset.jsonl"), "utf8"));

  it("takes each problem's fastest verified record across families, ignoring failures", () => {
    const cases = recordCases(records);
    expect(cases).toHaveLength(new Set(records.map((r) => r.problem.text)).size);
    for (const c of cases) {
      const times = records
        .filter((r) => r.problem.text === c.text && r.status === "ok")
        .map((r) => r.medianNs);
      expect(c.bestNs).toBe(Math.min(...(times as number[])));
    }
    // The fastest candidate of the first problem failing verification hands the target to the next.
    const [first] = cases;
    const fastest = records.find((r) => r.problem.text === first?.text && r.medianNs === first?.bestNs);
    const failed: TuningRecord = { ...(fastest as TuningRecord), status: "wrong-result", medianNs: null };
    const [again] = recordCases([failed, ...records.filter((r) => r !== fastest)]);
    expect(again?.text).toBe(first?.text);
    expect(again?.bestNs).toBeGreaterThan(first?.bestNs as number);
  });
});

describe("the demo model loaded over HTTP, as the browser loads it", () => {
  it("is where recording.json says, and predicts valid configs across families", async () => {
    const recording = JSON.parse(await fetchText("recording.json")) as { model: string; dataset: string };
    const model = await tf.loadLayersModel(new URL(recording.model, base).href);
    const metadata = readMetadata(model);
    expect(metadata.source.kind).toBe("tunelab");
    const [device] = metadata.source.devices ?? [];
    expect(device?.vendor).toBe("nvidia");
    const cases = recordCases(readJsonl(await fetchText(recording.dataset)));
    const width = 4;
    const results = await predictRecordConfigs(model, modelTokenizer(model), cases, width);
    let exact = 0;
    results.forEach((result, i) => {
      const c = cases[i];
      if (!c) throw new Error("a result without a case");
      expect(result.ok, c.text).toBe(true);
      if (!result.ok) return;
      expect(result.candidates).toHaveLength(width);
      const logProbs = result.candidates.map((k) => k.logProb);
      expect(logProbs).toEqual([...logProbs].sort((a, b) => b - a));
      for (const k of result.candidates) {
        const family = familyById(k.family);
        expect(family.unsupported(c.problem)).toBeNull();
        expect(checkConfig(family.space(c.problem, c.device.limits), k.config)).toEqual([]);
      }
      const top = result.candidates[0];
      if (top?.family === c.example.family && top.values.join() === c.example.values.join()) exact++;
    });
    // Far above chance (the spaces hold hundreds to thousands of configs per family): the top
    // candidate is a problem's best known config for 19 of the 66 recorded problems, 20 of which are
    // layers the model never saw (2 of those exact), so the bound is a little under 19/66.
    expect(exact / cases.length).toBeGreaterThanOrEqual(0.25);
    model.dispose();
  });

  it("refuses a space whose parameters differ from the ones it was trained on, naming the difference", async () => {
    const recording = JSON.parse(await fetchText("recording.json")) as { model: string };
    const model = await tf.loadLayersModel(new URL(recording.model, base).href);
    const tokenizer = modelTokenizer(model);
    const igemm = familyById("igemm");
    const [c] = recordCases(readJsonl(await fetchText("dataset.jsonl")));
    if (!c) throw new Error("no recorded case");
    const space = igemm.space(c.problem, c.device.limits);
    const request = (params: typeof space.params) => [
      { features: c.example.features, space: { ...space, params } },
    ];
    const [first, second, ...rest] = space.params;
    if (!first || !second) throw new Error("igemm has parameters");
    await expect(
      predictConfigs(model, tokenizer, "igemm", request([second, first, ...rest]), 2),
    ).rejects.toThrow(`this igemm orders them ${[second, first, ...rest].map((p) => p.name).join(",")}`);
    await expect(
      predictConfigs(model, tokenizer, "igemm", request([{ ...first, name: "TILE_M" }, second, ...rest]), 2),
    ).rejects.toThrow(`this igemm lacks ${first.name} and has TILE_M, which the model never saw`);
    model.dispose();
  });
});
