/**
 * Tuning spaces: ordered parameters with finite domains, and rules over them. A rule is judged as soon
 * as every parameter it reads has a value, so the same rules serve enumeration, whole-config
 * validation and the beam search's per-step masks (a prefix is kept only if a valid completion exists).
 */

export type Config = Record<string, number>;

export interface ParamDef {
  name: string;
  values: readonly number[];
  /** One line on what the parameter changes in the kernel. */
  doc: string;
}

export interface Rule {
  /** Stable identifier, e.g. "workgroup-storage". */
  id: string;
  /** Parameters the rule reads; it is judged once all of them are decoded. */
  needs: readonly string[];
  /** Returns null when the config obeys the rule, else why not (naming the values). */
  check(config: Config): string | null;
}

export interface TuningSpace {
  params: readonly ParamDef[];
  rules: readonly Rule[];
}

export interface Violation {
  rule: string;
  message: string;
}

export function rule(id: string, needs: readonly string[], check: (config: Config) => string | null): Rule {
  return { id, needs, check };
}

/** The rules to judge right after each position is decoded (a rule reading an unknown parameter is refused). */
function rulesOfPositions(space: TuningSpace): Rule[][] {
  const position = new Map(space.params.map((p, i) => [p.name, i]));
  const byPosition: Rule[][] = space.params.map(() => []);
  for (const r of space.rules) {
    let last = -1;
    for (const name of r.needs) {
      const i = position.get(name);
      if (i === undefined) throw new Error(`rule ${r.id} reads unknown parameter ${name}`);
      last = Math.max(last, i);
    }
    byPosition[Math.max(last, 0)]?.push(r);
  }
  return byPosition;
}

const compiled = new WeakMap<TuningSpace, Rule[][]>();
/** The rules judged after each position: the validator's order, which any walk of the space shares. */
export function rulesByPosition(space: TuningSpace): Rule[][] {
  let r = compiled.get(space);
  if (!r) {
    r = rulesOfPositions(space);
    compiled.set(space, r);
  }
  return r;
}

/** Why a whole space is empty before any parameter is chosen (a rule that reads none fails, like a missing feature), or null. */
export function spaceRefusal(space: TuningSpace): string | null {
  for (const r of space.rules) {
    const why = r.needs.length === 0 ? r.check({}) : null;
    if (why) return why;
  }
  return null;
}

export function toConfig(space: TuningSpace, values: readonly number[]): Config {
  const config: Config = {};
  values.forEach((v, i) => {
    const p = space.params[i];
    if (p) config[p.name] = v;
  });
  return config;
}

export function toValues(space: TuningSpace, config: Config): number[] {
  return space.params.map((p) => {
    const v = config[p.name];
    if (v === undefined) throw new Error(`config has no value for ${p.name}`);
    return v;
  });
}

/** Judges the value just placed at position `values.length - 1`, given the earlier ones are valid. */
function checkLast(space: TuningSpace, values: readonly number[], config: Config): Violation | null {
  const i = values.length - 1;
  const param = space.params[i];
  const value = values[i];
  if (!param || value === undefined) return { rule: "length", message: `no parameter at position ${i}` };
  if (!param.values.includes(value)) {
    return { rule: "domain", message: `${param.name}=${value} is not one of ${param.values.join(", ")}` };
  }
  for (const r of rulesByPosition(space)[i] ?? []) {
    const message = r.check(config);
    if (message !== null) return { rule: r.id, message };
  }
  return null;
}

/** The first rule a prefix of values breaks, or null when none is broken so far. */
export function checkPrefix(space: TuningSpace, values: readonly number[]): Violation | null {
  const config: Config = {};
  for (let i = 0; i < values.length; i++) {
    const param = space.params[i];
    if (!param)
      return { rule: "length", message: `${values.length} values for ${space.params.length} parameters` };
    config[param.name] = values[i] as number;
    const violation = checkLast(space, values.slice(0, i + 1), config);
    if (violation) return violation;
  }
  return null;
}

/** Every rule a whole config breaks (empty when valid). */
export function checkConfig(space: TuningSpace, config: Config): Violation[] {
  const violations: Violation[] = [];
  for (const p of space.params) {
    const v = config[p.name];
    if (v === undefined) violations.push({ rule: "missing", message: `no value for ${p.name}` });
    else if (!p.values.includes(v)) {
      violations.push({ rule: "domain", message: `${p.name}=${v} is not one of ${p.values.join(", ")}` });
    }
  }
  const known = new Set(space.params.map((p) => p.name));
  for (const name of Object.keys(config)) {
    if (!known.has(name)) violations.push({ rule: "unknown", message: `unknown parameter ${name}` });
  }
  if (violations.length) return violations;
  for (const r of space.rules) {
    const message = r.check(config);
    if (message !== null) violations.push({ rule: r.id, message });
  }
  return violations;
}

/** Depth-first walk of every valid completion of `prefix`; stops early when `visit` returns true. */
function walk(
  space: TuningSpace,
  prefix: number[],
  config: Config,
  visit: (values: number[]) => boolean,
): boolean {
  const i = prefix.length;
  const param = space.params[i];
  if (!param) return visit(prefix);
  for (const v of param.values) {
    prefix.push(v);
    config[param.name] = v;
    const ok = checkLast(space, prefix, config) === null;
    if (ok && walk(space, prefix, config, visit)) {
      prefix.pop();
      delete config[param.name];
      return true;
    }
    prefix.pop();
    delete config[param.name];
  }
  return false;
}

function prefixConfig(space: TuningSpace, prefix: readonly number[]): Config | null {
  return checkPrefix(space, prefix) ? null : toConfig(space, prefix);
}

/** Whether at least one valid full config starts with `prefix`. */
export function canComplete(space: TuningSpace, prefix: readonly number[]): boolean {
  const config = prefixConfig(space, prefix);
  return config !== null && walk(space, [...prefix], config, () => true);
}

/** The values of the next parameter that keep a valid completion reachable: the beam search's mask. */
export function allowedNext(space: TuningSpace, prefix: readonly number[]): number[] {
  const param = space.params[prefix.length];
  if (!param || checkPrefix(space, prefix)) return [];
  return param.values.filter((v) => canComplete(space, [...prefix, v]));
}

/** Every valid config, in domain order. */
export function* enumerate(space: TuningSpace): Generator<Config> {
  const found: number[][] = [];
  // walk() is callback-based; collect lazily in chunks per first value to keep memory bounded.
  const first = space.params[0];
  if (!first) return;
  for (const v of first.values) {
    found.length = 0;
    const prefix = [v];
    const config = prefixConfig(space, prefix);
    if (!config) continue;
    walk(space, prefix, config, (values) => {
      found.push([...values]);
      return false;
    });
    for (const values of found) yield toConfig(space, values);
  }
}

export function spaceSize(space: TuningSpace): number {
  let n = 0;
  for (const _ of enumerate(space)) n++;
  return n;
}

/**
 * One random valid config, choosing uniformly among the allowed values at each step (not uniform over
 * the space: enumerate and pick for that). Null when the space is empty.
 */
export function sampleConfig(space: TuningSpace, random: () => number): Config | null {
  const values: number[] = [];
  while (values.length < space.params.length) {
    const options = allowedNext(space, values);
    if (!options.length) return null;
    values.push(options[Math.floor(random() * options.length)] as number);
  }
  return toConfig(space, values);
}

/** The raw cross-product size, before rules: what the constraints cut down from. */
export function rawSize(space: TuningSpace): number {
  return space.params.reduce((n, p) => n * p.values.length, 1);
}
