/**
 * The two languages of tuning-as-translation. Encoder side: a problem's features, one step each
 * (a one-hot of the feature's slot plus its value encoding). Decoder side: START, the family (or MIOpen
 * solver), then the family's parameter values in the order the model was trained on, then END. Every
 * (family, parameter name, value) has its own token, so each parameter has its own vocabulary, and a
 * live space meets the model by parameter name, never by position.
 */
import type { Config, TuningSpace } from "../space/space";
import { encodeValue, type Feature, VALUE_WIDTH } from "./features";

/** One training or scoring example: a problem's features and a tuned config of one family. */
export interface Example {
  features: Feature[];
  family: string;
  config: Config;
}

export type Token =
  | { kind: "start" }
  | { kind: "end" }
  | { kind: "family"; family: string }
  | { kind: "param"; family: string; param: string; value: number };

export interface TokenizerJson {
  version: 1;
  features: string[];
  /** Each family's parameter names, in the order the decoder emits them. */
  families: { id: string; params: string[] }[];
  /** Param-value tokens per family, one list per name of `params` in that order (ids follow START, END, families). */
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
    for (const { id, params } of json.families) {
      (json.values[id] ?? []).forEach((values, i) => {
        const param = params[i];
        if (param === undefined)
          throw new Error(`the model's ${id} has values for more parameters than names`);
        for (const value of values) this.tokens.push({ kind: "param", family: id, param, value });
      });
    }
    this.tokens.forEach((token, id) => {
      this.ids.set(tokenKey(token), id);
    });
  }

  /**
   * Builds the vocabularies from training examples: each parameter keeps the values seen for it, and
   * every value `paramValues` gives for it (a family's whole range, where known).
   */
  static fit(
    examples: readonly Example[],
    paramNames: (family: string) => readonly string[],
    paramValues?: (family: string) => Readonly<Record<string, readonly number[]>>,
  ): Tokenizer {
    const first = examples[0];
    if (!first) throw new Error("cannot build a tokenizer from no examples");
    const names = first.features.map((f) => f.name);
    // A feature with one value throughout training tells the model nothing: leave it out of the input.
    const features = names.filter((_, i) =>
      examples.some((e) => e.features[i]?.value !== first.features[i]?.value),
    );
    const seen = new Map<string, Map<string, Set<number>>>();
    for (const example of examples) {
      const own = example.features.map((f) => f.name).join();
      if (own !== names.join()) throw new Error(`examples disagree on their features (${own})`);
      let sets = seen.get(example.family);
      if (!sets) {
        const range = paramValues?.(example.family) ?? {};
        sets = new Map(paramNames(example.family).map((name) => [name, new Set<number>(range[name])]));
        seen.set(example.family, sets);
      }
      for (const [name, set] of sets) set.add(paramValue(example.config, name, example.family));
      const extra = Object.keys(example.config).filter((name) => !sets.has(name));
      if (extra.length) throw new Error(`${example.family} has no parameter ${extra.join(", ")}`);
    }
    const families = [...seen.keys()].sort().map((id) => ({ id, params: [...(seen.get(id)?.keys() ?? [])] }));
    const values = Object.fromEntries(
      [...seen].map(([id, sets]) => [id, [...sets.values()].map((s) => [...s].sort((a, b) => a - b))]),
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

  get families(): string[] {
    return this.json.families.map((f) => f.id);
  }

  /** A family's parameter names in decoding order. */
  params(family: string): string[] {
    const known = this.json.families.find((f) => f.id === family);
    if (!known) {
      throw new Error(`the model knows no family '${family}' (it knows ${this.families.join(", ")})`);
    }
    return known.params;
  }

  /**
   * The space as the model decodes it: its parameters in the model's order (rules read names, so
   * they hold in any order). A space whose names differ from the ones the model was trained on is
   * refused with a message naming the difference: the model has no tokens for a name it never saw.
   */
  decodingSpace(family: string, space: TuningSpace): TuningSpace {
    const saved = this.params(family);
    const live = space.params.map((p) => p.name);
    if (saved.join() === live.join()) return space;
    const missing = saved.filter((name) => !live.includes(name));
    const added = live.filter((name) => !saved.includes(name));
    if (!missing.length && !added.length) {
      const byName = new Map(space.params.map((p) => [p.name, p]));
      return { ...space, params: saved.map((name) => byName.get(name) as TuningSpace["params"][number]) };
    }
    const differences = [
      ...(missing.length ? [`lacks ${missing.join(", ")}`] : []),
      ...(added.length ? [`has ${added.join(", ")}, which the model never saw`] : []),
    ];
    throw new Error(
      `the model was trained on ${family}'s parameters ${saved.join(",")}; this ${family} ${differences.join(" and ")}: train the model again on this space`,
    );
  }

  /** Values the model can emit for each parameter of a family, by name. */
  vocabulary(family: string): Record<string, number[]> {
    const values = this.json.values[family] ?? [];
    return Object.fromEntries(this.params(family).map((name, i) => [name, values[i] ?? []]));
  }

  /**
   * What a tuned config needs that this vocabulary lacks, as `family`, `family P=v` or `family P`
   * (a parameter the model never saw): a model's tokens are fixed when it is first trained.
   */
  unknownTokens(family: string, config: Config): string[] {
    if (!this.families.includes(family)) return [family];
    const vocabulary = this.vocabulary(family);
    const names = Object.keys(vocabulary);
    return [
      ...Object.keys(config)
        .filter((name) => !names.includes(name))
        .map((name) => `${family} ${name}`),
      ...names
        .filter((name) => !vocabulary[name]?.includes(paramValue(config, name, family)))
        .map((name) => `${family} ${name}=${config[name]}`),
    ];
  }

  /** A config's values in the model's decoding order. */
  sequence(family: string, config: Config): number[] {
    return this.params(family).map((name) => paramValue(config, name, family));
  }

  familyId(family: string): number {
    const id = this.ids.get(tokenKey({ kind: "family", family }));
    if (id === undefined) throw new Error(`the model knows no family '${family}'`);
    return id;
  }

  paramId(family: string, param: string, value: number): number | undefined {
    return this.ids.get(tokenKey({ kind: "param", family, param, value }));
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
   * Decoder target ids: family, each parameter's value, END, padded with END. Values outside the
   * vocabulary (unseen in training) have no token: undefined marks them.
   */
  targetIds(family: string, config: Config): (number | undefined)[] {
    const ids: (number | undefined)[] = [this.familyId(family)];
    for (const name of this.params(family))
      ids.push(this.paramId(family, name, paramValue(config, name, family)));
    while (ids.length < this.decoderLength) ids.push(END);
    return ids;
  }
}

function paramValue(config: Config, name: string, family: string): number {
  const value = config[name];
  if (value === undefined) throw new Error(`a ${family} config has no value for ${name}`);
  return value;
}

function tokenKey(token: Token): string {
  switch (token.kind) {
    case "start":
    case "end":
      return token.kind;
    case "family":
      return `f:${token.family}`;
    case "param":
      return `p:${token.family}:${token.param}:${token.value}`;
  }
}
