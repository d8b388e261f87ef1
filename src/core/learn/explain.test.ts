import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordedDevice, recordLanguage } from "../corpora/records";
import { parseProblem } from "../problem";
import { canComplete, checkPrefix } from "../space/space";
import { type LearnedModel, learnedModel, modelFromFiles } from "./artifacts";
import { restrictSpace, stepMass } from "./beam";
import { type Explanation, explainPrediction, gradientSaliency } from "./explain";
import { predictAcrossFamilies } from "./predictor";

// The recorded demo model (trained on H100 records) on a resnet50 layer of its recording.
let learned: LearnedModel;
let explained: Explanation;
const WIDTH = 4;
const query = () => ({
  problem: parseProblem("1x256x14x14,256x3x3,pad=1,layout=NHWC"),
  device: recordedDevice(learned.metadata),
});

beforeAll(async () => {
  await tf.setBackend("wasm");
  learned = learnedModel(
    await modelFromFiles({
      modelJson: readFileSync("public/demo/model/model.json", "utf8"),
      weights: new Uint8Array(readFileSync("public/demo/model/weights.bin")),
    }),
  );
  explained = await explainPrediction(learned, recordLanguage, query(), WIDTH);
});
afterAll(() => learned.model.dispose());

const logSumExp = (xs: readonly number[]) => {
  const top = Math.max(...xs);
  return top + Math.log(xs.reduce((s, x) => s + Math.exp(x - top), 0));
};

describe("the traced beam search on the demo model", () => {
  it("keeps exactly the untraced search's candidates, and its last kept beams are them", async () => {
    const { result, trace } = explained;
    const [plain] = await predictAcrossFamilies(
      learned.model,
      learned.tokenizer,
      [
        {
          features: recordLanguage.features(query()),
          spaces: recordLanguage.spaces(query(), learned.tokenizer),
        },
      ],
      WIDTH,
    );
    expect(result.ok && plain?.ok).toBe(true);
    if (!result.ok || !plain?.ok) return;
    expect(result.candidates).toEqual(plain.candidates);
    // Each family's last step keeps its beam's answer; the top K of all of them are the candidates.
    const lastKept = trace.beams.flatMap(({ family, familyLogProb, result: beam }) => {
      const last = beam.trace.at(-1);
      expect(last?.param).toBe(learned.tokenizer.params(family).at(-1));
      expect(last?.kept.map((k) => k.values)).toEqual(beam.ok && beam.candidates.map((c) => c.values));
      return (last?.kept ?? []).map((k) => ({
        family,
        values: k.values,
        logProb: k.logProb + familyLogProb,
      }));
    });
    const top = lastKept.sort((a, b) => b.logProb - a.logProb).slice(0, WIDTH);
    expect(top).toEqual(plain.candidates.map(({ family, values, logProb }) => ({ family, values, logProb })));
    // The family step: every family the model knows, a log-probability each; the allowed ones decoded.
    expect(trace.families.map((f) => f.family)).toEqual(learned.tokenizer.families);
    expect(trace.beams.map((b) => b.family)).toEqual(
      trace.families.filter((f) => f.allowed).map((f) => f.family),
    );
  });

  it("masks only values no valid config can follow, naming the rule, and its masses add up", async () => {
    const { trace } = explained;
    const spaces = recordLanguage.spaces(query(), learned.tokenizer);
    let masked = 0;
    for (const { family, result } of trace.beams) {
      const space = learned.tokenizer.decodingSpace(family, spaces[family] as never);
      const vocabulary = learned.tokenizer.vocabulary(family);
      const emittable = restrictSpace(space, vocabulary);
      result.trace.forEach((step, position) => {
        expect(step.param).toBe(space.params[position]?.name);
        // Every mass is the model's: allowed and masked values together hold at most all of it, and
        // after the likeliest prefix most of it (a prefix no training config had may spread it wider).
        const mass = (expansion: (typeof step.expansions)[number]) =>
          [...expansion.allowed, ...expansion.masked].reduce((s, v) => s + Math.exp(v.logProb), 0);
        const likeliest = step.expansions.reduce((a, b) => (b.logProb > a.logProb ? b : a));
        expect(mass(likeliest)).toBeGreaterThan(0.5);
        for (const expansion of step.expansions) {
          expect(mass(expansion)).toBeLessThanOrEqual(1 + 1e-5);
          for (const m of expansion.masked) {
            masked++;
            const prefix = [...expansion.prefix, m.value];
            expect(canComplete(emittable, prefix)).toBe(false);
            if (m.rule === "vocabulary") expect(vocabulary[step.param]).not.toContain(m.value);
            else if (m.rule === "dead-end") expect(checkPrefix(space, prefix)).toBeNull();
            else expect(checkPrefix(space, prefix)).toEqual({ rule: m.rule, message: m.message });
          }
          // Each kept child's score is its parent's plus the renormalised log-probability of its value.
          const norm = logSumExp(expansion.allowed.map((a) => a.logProb));
          for (const kept of step.kept.filter(
            (k) => k.values.slice(0, -1).join() === expansion.prefix.join(),
          )) {
            const value = expansion.allowed.find((a) => a.value === kept.values.at(-1));
            expect(kept.logProb).toBeCloseTo(expansion.logProb + (value?.logProb ?? Number.NaN) - norm, 9);
          }
        }
      });
    }
    // On this layer the rules do mask: the device's workgroup limits cut the tile sizes.
    expect(masked).toBeGreaterThan(0);
    // Each step's mass splits into allowed, masked and elsewhere, and the masks removed some of it.
    const masses = trace.beams.flatMap((b) => b.result.trace.map(stepMass));
    for (const m of masses) expect(m.allowed + m.masked + m.elsewhere).toBeCloseTo(1, 6);
    expect(Math.max(...masses.map((m) => m.masked))).toBeGreaterThan(0.01);
  });
  it("masks a family the problem rules out at the family step, saying why", async () => {
    // A reduction of 8 channels (C*R*S) is too short for split-K: only igemm decodes.
    const short = {
      problem: parseProblem("1x8x56x56,16x1x1,layout=NHWC"),
      device: recordedDevice(learned.metadata),
    };
    const { trace, result } = await explainPrediction(learned, recordLanguage, short, 2);
    expect(trace.families.find((f) => f.family === "splitk")).toMatchObject({
      allowed: false,
      refusal: "a reduction of 8 (C/groups*R*S) is too short to split; it needs 16",
    });
    expect(trace.beams.map((b) => b.family)).toEqual(["igemm"]);
    expect(result.ok && result.candidates.every((c) => c.family === "igemm")).toBe(true);
  });
});

describe("gradient saliency on the demo model", () => {
  it("weighs every feature for each decoded token, and the top feature moves the prediction more", async () => {
    const { result, saliency } = explained;
    if (!result.ok || !saliency) throw new Error("no candidate");
    const best = result.candidates[0];
    expect(saliency.features.map((f) => f.name)).toEqual(learned.tokenizer.json.features);
    expect(saliency.features.every((f) => f.label.length > 0)).toBe(true);
    expect(saliency.tokens.map((t) => t.name)).toEqual([
      "family",
      ...learned.tokenizer.params(best?.family ?? ""),
    ]);
    for (const token of saliency.tokens) {
      expect(token.weights).toHaveLength(learned.tokenizer.featureCount);
      expect(token.weights.every(Number.isFinite)).toBe(true);
      expect(token.weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 5);
      expect(Math.max(...token.weights)).toBeGreaterThan(1 / token.weights.length);
    }
    // The teacher-forced log-probabilities add up to the candidate's unmasked score's upper bound:
    // masking renormalises, so each masked log-probability is at least the model's own.
    const modelLogProb = saliency.tokens.reduce((s, t) => s + t.logProb, 0);
    expect(modelLogProb).toBeLessThanOrEqual((best?.logProb ?? 0) + 1e-4);
    // A feature's weight is what moving it does: stepping the most salient feature's count changes
    // the first parameter's log-probability more than stepping the least salient one's.
    const features = recordLanguage.features(query());
    const token = saliency.tokens[1] as (typeof saliency.tokens)[number];
    const order = token.weights.map((w, i) => [w, i] as const).sort((a, b) => b[0] - a[0]);
    const moved = (index: number) => {
      const name = saliency.features[index]?.name;
      const changed = features.map((f) => (f.name === name ? { ...f, value: f.value * 2 + 1 } : f));
      const again = gradientSaliency(learned, changed, best?.family ?? "", best?.config ?? {});
      return Math.abs((again.tokens[1]?.logProb ?? 0) - token.logProb);
    };
    expect(moved(order[0]?.[1] ?? 0)).toBeGreaterThan(moved(order.at(-1)?.[1] ?? 0));
  });
});
