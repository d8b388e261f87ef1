/**
 * The two languages of tuning-as-translation. Encoder side: a problem's features, one step each
 * (a one-hot of the feature's slot plus its value encoding). Decoder side: START, the family (or MIOpen
 * solver), then the family's parameter values in their fixed order, then END. Every (family, position,
 * value) has its own token, so each position has its own vocabulary.
 */
import type { TuningSpace } from "../space/space";
import { encodeValue, type Feature, VALUE_WIDTH } from "./features";

/** One training or scoring example: a problem's features and a tuned config of one family. */
export interface Example {
  features: Feature[];
  family: string;
  values: number[];
}

export type Token =
  | { kind: "start" }
  | { kind: "end" }
  | { kind: "family"; family: string }
  | { kind: "param"; family: string; position: number; value: number };

export interface TokenizerJson {
  version: 1;
  features: string[];
  families: { id: string; params: string[] }[];
  /** Param-value tokens per family and position, in token order (ids follow START, END, families). */
  values: Record<string, number[][]>;
}

export const START = 0;
export const END = 1;

export class Tokenizer {
  readonly tokens: Token[];
  private readonly ids = new Map<string, number>();

  constructor(readonly json: TokenizerJson) {
    this.tokens = [{ kind: "start" }, { kind: "end" }];
    for (const { id } of json.families) this.tokens.push({ kind: "family", family: id });
    for (const { id } of json.families) {
      (json.values[id] ?? []).forEach((values, position) => {
        for (const value of values) this.tokens.push({ kind: "param", family: id, position, value });
      });
    }
    this.tokens.forEach((token, id) => {
      this.ids.set(tokenKey(token), id);
    });
  }

  /** Builds the vocabularies from training examples: each position keeps the values seen there. */
  static fit(examples: readonly Example[], paramNames: Record<string, readonly string[]>): Tokenizer {
    const first = examples[0];
    if (!first) throw new Error("cannot build a tokenizer from no examples");
    const names = first.features.map((f) => f.name);
    // A feature with one value throughout training tells the model nothing: leave it out of the input.
    const features = names.filter((_, i) =>
      examples.some((e) => e.features[i]?.value !== first.features[i]?.value),
    );
    const seen = new Map<string, Set<number>[]>();
    for (const example of examples) {
      const own = example.features.map((f) => f.name).join();
      if (own !== names.join()) throw new Error(`examples disagree on their features (${own})`);
      const params = paramNames[example.family];
      if (!params) throw new Error(`no parameter names for family '${example.family}'`);
      if (example.values.length !== params.length) {
        throw new Error(
          `${example.family} has ${params.length} parameters, an example has ${example.values.length} values`,
        );
      }
      let sets = seen.get(example.family);
      if (!sets) {
        sets = params.map(() => new Set<number>());
        seen.set(example.family, sets);
      }
      example.values.forEach((v, i) => {
        sets[i]?.add(v);
      });
    }
    const families = [...seen.keys()].sort().map((id) => ({ id, params: [...(paramNames[id] ?? [])] }));
    const values = Object.fromEntries(
      [...seen].map(([id, sets]) => [id, sets.map((s) => [...s].sort((a, b) => a - b))]),
    );
    return new Tokenizer({ version: 1, features, families, values });
  }

  get size(): number {
    return this.tokens.length;
  }

  get featureCount(): number {
    return this.json.features.length;
  }

  /** Width of one encoder step: the feature's slot (one-hot) and its value. */
  get stepWidth(): number {
    return this.featureCount + VALUE_WIDTH;
  }

  /** Decoder length: START or family or a parameter, for the longest family, and END. */
  get decoderLength(): number {
    return 2 + Math.max(...this.json.families.map((f) => f.params.length));
  }

  family(id: string): { id: string; params: string[] } {
    const family = this.json.families.find((f) => f.id === id);
    if (!family) {
      throw new Error(
        `the model knows no family '${id}' (it knows ${this.json.families.map((f) => f.id).join(", ")})`,
      );
    }
    return family;
  }

  /**
   * Refuses a space whose parameters are not the ones the model was trained on, in the same order:
   * tokens are per position, so a renamed, added, dropped or reordered parameter would silently
   * decode into the wrong values. The message names the difference.
   */
  checkSpace(family: string, space: Pick<TuningSpace, "params">): void {
    const saved = this.family(family).params;
    const live = space.params.map((p) => p.name);
    if (saved.join() === live.join()) return;
    const missing = saved.filter((name) => !live.includes(name));
    const added = live.filter((name) => !saved.includes(name));
    const differences = [
      ...(missing.length ? [`lacks ${missing.join(", ")}`] : []),
      ...(added.length ? [`has ${added.join(", ")}, which the model never saw`] : []),
    ];
    const detail = differences.length ? differences.join(" and ") : `orders them ${live.join(",")}`;
    throw new Error(
      `the model was trained on ${family}'s parameters ${saved.join(",")}; this ${family} ${detail}: train the model again on this space`,
    );
  }

  /** Values the model can emit at each parameter position of a family. */
  vocabulary(family: string): number[][] {
    this.family(family);
    return this.json.values[family] ?? [];
  }

  id(token: Token): number | undefined {
    return this.ids.get(tokenKey(token));
  }

  familyId(family: string): number {
    const id = this.id({ kind: "family", family });
    if (id === undefined) throw new Error(`the model knows no family '${family}'`);
    return id;
  }

  paramId(family: string, position: number, value: number): number | undefined {
    return this.id({ kind: "param", family, position, value });
  }

  /** Encoder input, row-major [featureCount][stepWidth], from the model's features (in its order). */
  encodeFeatures(features: readonly Feature[], into = new Float32Array(this.featureCount * this.stepWidth)) {
    const byName = new Map(features.map((f) => [f.name, f]));
    const width = this.stepWidth;
    this.json.features.forEach((name, i) => {
      const feature = byName.get(name);
      if (!feature) throw new Error(`the problem lacks feature '${name}', which the model reads`);
      into[i * width + i] = 1;
      into.set(encodeValue(feature), i * width + this.featureCount);
    });
    return into;
  }

  /**
   * Decoder target ids: family, each value, END, padded with END. Values outside the vocabulary
   * (unseen in training) have no token: undefined marks them.
   */
  targetIds(family: string, values: readonly number[]): (number | undefined)[] {
    const ids: (number | undefined)[] = [this.familyId(family)];
    values.forEach((v, position) => {
      ids.push(this.paramId(family, position, v));
    });
    while (ids.length < this.decoderLength) ids.push(END);
    return ids;
  }
}

function tokenKey(token: Token): string {
  switch (token.kind) {
    case "start":
    case "end":
      return token.kind;
    case "family":
      return `f:${token.family}`;
    case "param":
      return `p:${token.family}:${token.position}:${token.value}`;
  }
}
