import { describe, expect, it } from "vitest";
import type { TuningSpace } from "../space/space";
import type { Feature } from "./features";
import { type Example, Tokenizer } from "./tokenizer";

const features = (c: number): Feature[] => [
  { name: "C", value: c, kind: "count" },
  { name: "fp16", value: 0, kind: "flag" },
];
const example = (c: number, config: Record<string, number>): Example => ({
  features: features(c),
  family: "tiles",
  config,
});
const NAMES = ["BM", "BN"];
const tokenizer = Tokenizer.fit(
  [example(8, { BM: 64, BN: 32 }), example(16, { BN: 64, BM: 128 })],
  () => NAMES,
);
const space = (names: string[]): TuningSpace => ({
  params: names.map((name) => ({ name, values: [32, 64, 128], doc: "" })),
  rules: [],
});

describe("tokens keyed by parameter name", () => {
  it("keeps each parameter's values by name, whatever order a config lists them in", () => {
    expect(tokenizer.json.families).toEqual([{ id: "tiles", params: NAMES }]);
    expect(tokenizer.vocabulary("tiles")).toEqual({ BM: [64, 128], BN: [32, 64] });
    expect(tokenizer.targetIds("tiles", { BN: 32, BM: 64 })).toEqual(
      tokenizer.targetIds("tiles", { BM: 64, BN: 32 }),
    );
    expect(tokenizer.sequence("tiles", { BN: 32, BM: 64 })).toEqual([64, 32]);
    // A feature with one value throughout training tells the model nothing: left out.
    expect(tokenizer.json.features).toEqual(["C"]);
  });

  it("covers a parameter's whole range when given it, beside the values the examples have", () => {
    const ranged = Tokenizer.fit(
      [example(8, { BM: 64, BN: 32 })],
      () => NAMES,
      () => ({ BN: [16, 32, 64] }),
    );
    expect(ranged.vocabulary("tiles")).toEqual({ BM: [64], BN: [16, 32, 64] });
    expect(ranged.sequence("tiles", { BM: 64, BN: 16 })).toEqual([64, 16]);
  });

  it("decodes a space in the model's order, and refuses one whose names differ, naming the difference", () => {
    expect(tokenizer.decodingSpace("tiles", space(["BN", "BM"])).params.map((p) => p.name)).toEqual(NAMES);
    expect(() => tokenizer.decodingSpace("tiles", space(["BM", "TILE_N"]))).toThrow(
      "the model was trained on tiles's parameters BM,BN; this tiles lacks BN and has TILE_N, which the model never saw",
    );
    expect(() => tokenizer.decodingSpace("other", space(NAMES))).toThrow("the model knows no family 'other'");
  });

  it("refuses an example that lacks a parameter or has one its family does not", () => {
    expect(() => Tokenizer.fit([example(8, { BM: 64 })], () => NAMES)).toThrow(
      "a tiles config has no value for BN",
    );
    expect(() => Tokenizer.fit([example(8, { BM: 64, BN: 32, BK: 8 })], () => NAMES)).toThrow(
      "tiles has no parameter BK",
    );
  });
});
