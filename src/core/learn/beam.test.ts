import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CONV_ASM_1X1U_PARAMS, convAsm1x1uSpace } from "../miopen/conv-asm-1x1u";
import type { MiopenProblem } from "../miopen/perfdb";
import { rng } from "../random";
import { canComplete, checkConfig, checkPrefix, rule, type TuningSpace } from "../space/space";
import { beamSearch, beamSearchMany, type Scorer, traceBeamSearchMany } from "./beam";

/** A seeded stand-in for the network: any distribution must come out valid after masking. */
function randomScorer(seed: number): Scorer {
  const random = rng(seed);
  return async (_, candidates) => candidates.map((values) => values.map(() => Math.log(random() + 1e-6)));
}

const powerOfTwo = (from: number, to: number) => fc.integer({ min: from, max: to }).map((e) => 2 ** e);

const problems = fc.record({
  direction: fc.constantFrom("F" as const, "B" as const),
  precision: fc.constantFrom("FP32" as const, "FP16" as const),
  c: fc.oneof(powerOfTwo(0, 11), fc.integer({ min: 1, max: 3000 })),
  k: fc.oneof(powerOfTwo(0, 11), fc.integer({ min: 1, max: 3000 })),
  n: fc.integer({ min: 1, max: 512 }),
  h: fc.integer({ min: 1, max: 230 }),
  stride: fc.constantFrom(1, 2),
});

function miopenProblem(p: {
  direction: "F" | "B";
  precision: "FP32" | "FP16";
  c: number;
  k: number;
  n: number;
  h: number;
  stride: number;
}): MiopenProblem {
  return {
    ...{ layout: "NCHW", precision: p.precision, direction: p.direction, spatialDim: 2 },
    ...{ c: p.c, h: p.h, w: p.h, d: 1, r: 1, s: 1, t: 1, k: p.k, n: p.n },
    ...{
      padH: 0,
      padW: 0,
      padD: 0,
      strideH: p.stride,
      strideW: p.stride,
      strideD: 0,
      dilH: 1,
      dilW: 1,
      dilD: 0,
    },
    ...{ bias: 0, groups: 1 },
  };
}

describe("constrained beam search", () => {
  it("emits only valid configs, best first, for random ConvAsm1x1U problems", async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(problems, fc.integer({ min: 1, max: 8 }), fc.nat(), async (p, width, seed) => {
        const space = convAsm1x1uSpace(miopenProblem(p));
        const result = await beamSearch({ space }, width, randomScorer(seed));
        if (!result.ok) return; // a problem may have no valid config at all (see the last test)
        answered++;
        expect(result.candidates.length).toBeGreaterThan(0);
        expect(result.candidates.length).toBeLessThanOrEqual(width);
        for (const c of result.candidates) {
          expect(Object.keys(c.config)).toEqual(CONV_ASM_1X1U_PARAMS);
          expect(checkConfig(space, c.config)).toEqual([]);
        }
        const logProbs = result.candidates.map((c) => c.logProb);
        expect(logProbs).toEqual([...logProbs].sort((a, b) => b - a));
        const distinct = new Set(result.candidates.map((c) => c.values.join()));
        expect(distinct.size).toBe(result.candidates.length);
      }),
      { numRuns: 60, seed: 7 },
    );
    expect(answered).toBeGreaterThan(30);
  });

  it("traced, keeps exactly the same candidates and masks only values with no valid completion", async () => {
    // A scorer that depends on the prefix and value alone, as a model does, however many values are asked.
    const hashed: Scorer = async (requests, candidates) =>
      candidates.map((values, r) =>
        values.map((v) => -(((requests[r]?.prefix.reduce((h, x) => h * 31 + x, v) ?? v) % 97) / 10)),
      );
    let masked = 0;
    await fc.assert(
      fc.asyncProperty(problems, fc.integer({ min: 1, max: 6 }), async (p, width) => {
        const space = convAsm1x1uSpace(miopenProblem(p));
        const [plain] = await beamSearchMany([{ space }], width, hashed);
        const [traced] = await traceBeamSearchMany([{ space }], width, hashed);
        const { trace, ...result } = traced as NonNullable<typeof traced>;
        expect(result).toEqual(plain);
        for (const step of trace) {
          for (const e of step.expansions) {
            for (const m of e.masked) {
              masked++;
              expect(canComplete(space, [...e.prefix, m.value])).toBe(false);
              const broken = checkPrefix(space, [...e.prefix, m.value]);
              expect(m.rule).toBe(broken?.rule ?? "dead-end");
            }
          }
        }
        if (plain?.ok)
          expect(trace.at(-1)?.kept.map((k) => k.values)).toEqual(plain.candidates.map((c) => c.values));
      }),
      { numRuns: 15, seed: 11 },
    );
    expect(masked).toBeGreaterThan(0);
  });

  it("keeps to the scorer's vocabulary and takes the most likely path first", async () => {
    const space = convAsm1x1uSpace(
      miopenProblem({ direction: "F", precision: "FP32", c: 256, k: 256, n: 16, h: 14, stride: 1 }),
    );
    // Prefers the largest value everywhere; the vocabulary forbids k_mult 32.
    const largest: Scorer = async (_, candidates) => candidates.map((values) => values.map((v) => v));
    const vocabulary = Object.fromEntries(
      space.params.map((p) => [p.name, p.values.filter((v) => !(p.name === "k_mult" && v === 32))]),
    );
    const result = await beamSearch({ space, vocabulary }, 4, largest);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    for (const c of result.candidates) expect(c.config.k_mult).not.toBe(32);
    expect(result.candidates[0]?.config.read_size).toBe(4);
  });

  it("says when no valid completion exists instead of emitting an invalid config", async () => {
    const impossible: TuningSpace = {
      params: [
        { name: "a", values: [1, 2], doc: "" },
        { name: "b", values: [1, 2], doc: "" },
      ],
      rules: [
        rule("sum", ["a", "b"], (c) => ((c.a as number) + (c.b as number) > 10 ? null : "sum too small")),
      ],
    };
    const possible: TuningSpace = { params: impossible.params, rules: [] };
    const [none, some] = await beamSearchMany(
      [{ space: impossible }, { space: possible }],
      3,
      randomScorer(1),
    );
    expect(none).toEqual({ ok: false, reason: "no-valid-completion", message: expect.any(String) });
    expect(some?.ok && some.candidates).toHaveLength(3);
    // A vocabulary that leaves out every valid value is just as impossible.
    const cut = await beamSearch({ space: possible, vocabulary: { a: [1], b: [] } }, 2, randomScorer(2));
    expect(cut.ok).toBe(false);
  });
});
