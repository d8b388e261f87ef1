/**
 * The model trained on records, through the browser's loading path: public/demo is served over HTTP
 * (as Vite serves it), model.json and weights.bin are read and checked from there as the worker's
 * loadModel reads them, and the constrained beam search across families gives valid configs.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readJsonl } from "../dataset/io";
import { configKey, type TuningRecord } from "../dataset/record";
import { familyById } from "../families/index";
import { artifactsAt, learnedModel, modelFromArtifacts } from "../learn/artifacts";
import { fineTuningCorpus, predict } from "../learn/pipeline";
import { predictAcrossFamilies } from "../learn/predictor";
import { checkConfig } from "../space/space";
import { recordCorpus, recordLanguage } from "./records";

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
    const examples = recordCorpus(records, "dataset.jsonl").examples;
    expect(examples).toHaveLength(new Set(records.map((r) => r.problem.text)).size);
    for (const e of examples) {
      const times = records
        .filter((r) => r.problem.text === e.group && r.status === "ok")
        .map((r) => r.medianNs);
      expect(e.timing?.bestNs).toBe(Math.min(...(times as number[])));
    }
    // The fastest candidate of the first problem failing verification hands the target to the next.
    const [first] = examples;
    const fastest = records.find(
      (r) => r.problem.text === first?.group && r.medianNs === first?.timing?.bestNs,
    );
    const failed: TuningRecord = { ...(fastest as TuningRecord), status: "wrong-result", medianNs: null };
    const [again] = recordCorpus([failed, ...records.filter((r) => r !== fastest)], "edited").examples;
    expect(again?.group).toBe(first?.group);
    expect(again?.timing?.bestNs).toBeGreaterThan(first?.timing?.bestNs as number);
  });
});

describe("the demo model loaded over HTTP, as the browser loads it", () => {
  it("is where recording.json says, and predicts valid configs across families", async () => {
    const recording = JSON.parse(await fetchText("recording.json")) as { model: string; dataset: string };
    const learned = learnedModel(
      await modelFromArtifacts(await artifactsAt(new URL(recording.model, base).href)),
    );
    expect(learned.metadata.source.kind).toBe("tunelab");
    const [device] = learned.metadata.source.devices ?? [];
    expect(device?.vendor).toBe("nvidia");
    const examples = recordCorpus(readJsonl(await fetchText(recording.dataset)), recording.dataset).examples;
    const width = 4;
    const queries = examples.map((e) => e.query);
    const results = await predict(learned, recordLanguage, queries, width);
    // The model's own beam, best first, before the neighbour blend chosen on the validation problems.
    const alone = await predict(learned, recordLanguage, queries, width, null);
    expect(learned.metadata.neighbours?.weight).toBeGreaterThan(0);
    let exact = 0;
    results.forEach((result, i) => {
      const e = examples[i];
      const own = alone[i];
      if (!e || !own) throw new Error("a result without an example");
      const c = e.query;
      expect(result.ok && own.ok, e.group).toBe(true);
      if (!result.ok || !own.ok) return;
      expect(result.candidates).toHaveLength(width);
      const logProbs = own.candidates.map((k) => k.logProb);
      expect(logProbs).toEqual([...logProbs].sort((a, b) => b - a));
      // The blend re-orders the beam's candidates; it adds none and drops none.
      const keys = (list: typeof own.candidates) =>
        list.map((k) => `${k.family} ${configKey(k.config)}`).sort();
      expect(keys(result.candidates)).toEqual(keys(own.candidates));
      for (const k of result.candidates) {
        const family = familyById(k.family);
        expect(family.unsupported(c.problem)).toBeNull();
        expect(checkConfig(family.space(c.problem, c.device.limits), k.config)).toEqual([]);
      }
      const top = result.candidates[0];
      if (top?.family === e.family && configKey(top.config) === configKey(e.config)) exact++;
    });
    // Far above chance (the spaces hold hundreds to thousands of configs per family): the top
    // candidate is a problem's exhaustive best config for 23 of the 52 recorded problems.
    expect(exact / examples.length).toBeGreaterThanOrEqual(0.44);
    learned.model.dispose();
  });

  it("meets a space by parameter name: decodes one in another order alike, refuses one with other names", async () => {
    const recording = JSON.parse(await fetchText("recording.json")) as { model: string };
    const model = await modelFromArtifacts(await artifactsAt(new URL(recording.model, base).href));
    const { tokenizer } = learnedModel(model);
    const igemm = familyById("igemm");
    const [e] = recordCorpus(readJsonl(await fetchText("dataset.jsonl")), "dataset.jsonl").examples;
    if (!e) throw new Error("no recorded example");
    const space = igemm.space(e.query.problem, e.query.device.limits);
    const request = (params: typeof space.params) => [
      { features: recordLanguage.features(e.query), spaces: { igemm: { ...space, params } } },
    ];
    const [first, second, ...rest] = space.params;
    if (!first || !second) throw new Error("igemm has parameters");
    // The same names in another order: the model decodes them in its own order, to the same answer.
    const [asTrained] = await predictAcrossFamilies(model, tokenizer, request(space.params), 3);
    const [reordered] = await predictAcrossFamilies(model, tokenizer, request([second, first, ...rest]), 3);
    expect(reordered).toEqual(asTrained);
    expect(asTrained?.ok).toBe(true);
    await expect(
      predictAcrossFamilies(model, tokenizer, request([{ ...first, name: "TILE_M" }, second, ...rest]), 2),
    ).rejects.toThrow(`this igemm lacks ${first.name} and has TILE_M, which the model never saw`);
    model.dispose();
  });
});

describe("fine-tuning the demo model on the recording", () => {
  it("keeps the problems its vocabulary covers and names the values that leave the others out", async () => {
    const recording = JSON.parse(await fetchText("recording.json")) as { model: string; dataset: string };
    const learned = learnedModel(
      await modelFromArtifacts(await artifactsAt(new URL(recording.model, base).href)),
    );
    // The recording's tensor-core problems beside its igemm and split-K ones: a family the model never learnt.
    const records = [
      ...readJsonl(await fetchText(recording.dataset)),
      ...readJsonl(await fetchText("tensor-cores.jsonl")),
    ];
    const { corpus: kept, leftOut } = fineTuningCorpus(learned, recordCorpus(records, recording.dataset));
    // Every igemm and split-K value has a token (the corpus gives each family's whole range), so only
    // the tensor-core problems are left out, all 52 others kept: among them 32x64x56x56,64x3x3, fastest
    // with a tile (BM=256) that none of the 41 problems the model learnt had.
    expect(leftOut).toEqual({ examples: 46, of: 98, tokens: [{ token: "mma", examples: 46 }] });
    expect(kept.examples).toHaveLength(52);
    expect(kept.examples.map((e) => e.group)).toContain("32x64x56x56,64x3x3,pad=1,layout=NHWC");
    expect(learned.tokenizer.vocabulary("igemm").BM).toEqual([16, 32, 64, 128, 256]);
    for (const e of kept.examples) {
      const known = learned.tokenizer.vocabulary(e.family);
      for (const [name, value] of Object.entries(e.config)) expect(known[name]).toContain(value);
    }
    learned.model.dispose();
  });
});
