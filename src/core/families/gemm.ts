/**
 * The register-tiled GEMM shared by the igemm and im2col families (shaders/gemm.wgsl): tiling,
 * its rules, and the code for the k-loop and the output store. What differs between the families
 * is how a tile's operands are fetched from storage: an `Operand` says that.
 */
import gemmTemplate from "../../../shaders/gemm.wgsl";
import { type ConvProblem, outputSize } from "../problem";
import { type Config, type ParamDef, type Rule, rule } from "../space/space";
import {
  allOf,
  ceilDiv,
  enablesFor,
  fillTemplate,
  param,
  problemConstants,
  type StorageScalar,
  storageScalar,
  storageType,
  wgslConstants,
} from "./codegen";
import type { DeviceLimits } from "./family";

/** Registers one invocation may hold before the estimate calls it spilling (NVIDIA allows 255). */
export const REGISTER_BUDGET = 160;
const MIN_INVOCATIONS = 32;

export const GEMM_TILE_PARAMS: ParamDef[] = [
  { name: "BM", values: [16, 32, 64, 128, 256], doc: "output pixels per workgroup tile (GEMM M)" },
  { name: "BN", values: [16, 32, 64, 128, 256], doc: "output channels per workgroup tile (GEMM N)" },
  { name: "BK", values: [4, 8, 16, 32], doc: "reduction depth staged in workgroup memory per step (GEMM K)" },
  { name: "TM", values: [4, 8], doc: "output pixels per invocation (register micro-tile rows)" },
  { name: "TN", values: [4, 8], doc: "output channels per invocation (register micro-tile columns)" },
];
export const GEMM_MEMORY_PARAMS: ParamDef[] = [
  { name: "PAD", values: [0, 4], doc: "floats of padding per workgroup-memory row, against bank conflicts" },
  {
    name: "DB",
    values: [0, 1],
    doc: "double-buffered workgroup memory: fetch the next slice while computing",
  },
];

/** The GEMM view of a convolution. */
export interface GemmShape {
  /** Output pixels, N*P*Q. */
  m: number;
  /** Output channels per group. */
  n: number;
  /** Reduction length per group: C/groups * R * S. */
  k: number;
  groups: number;
}

export function gemmShape(p: ConvProblem): GemmShape {
  const { p: P, q: Q } = outputSize(p);
  return { m: p.n * P * Q, n: p.k / p.groups, k: (p.c / p.groups) * p.r * p.s, groups: p.groups };
}

/**
 * How an operand's tile is read from storage. Each invocation fetches `width` consecutive k values
 * of a row (`along: "k"`), or single values with neighbouring invocations on neighbouring rows
 * (`along: "rows"`, for tensors contiguous along m such as NCHW input).
 */
export interface Operand {
  along: "k" | "rows";
  width: 1 | 4;
  /** Its binding and any helper functions `fetch` calls. */
  declarations: string;
  /** Statements computing per-row state into variables prefixed `${v}`, for global row index `row`. */
  rowSetup(v: string, row: string): string[];
  /** Expression for the f32 (width 1) or vec4<f32> (width 4) at k index `kk` of the row whose state is `${v}` (converted from f16 storage). */
  fetch(v: string, kk: string): string;
}

export interface TileConfig {
  bm: number;
  bn: number;
  bk: number;
  tm: number;
  tn: number;
  pad: number;
  db: boolean;
}

export function tileConfig(config: Config): TileConfig {
  return {
    bm: param(config, "BM"),
    bn: param(config, "BN"),
    bk: param(config, "BK"),
    tm: param(config, "TM"),
    tn: param(config, "TN"),
    pad: param(config, "PAD"),
    db: param(config, "DB") === 1,
  };
}

const threadsOf = (c: Config) =>
  ((c.BM as number) / (c.TM as number)) * ((c.BN as number) / (c.TN as number));

/** How one operand's BK x rows slice is split over the invocations. */
export interface LoadSplit {
  /** Distinct rows each invocation loads. */
  rows: number;
  /** Loads per row. */
  perRow: number;
}

export function loadSplit(
  along: "k" | "rows",
  width: number,
  rows: number,
  bk: number,
  threads: number,
): LoadSplit | null {
  const total = (rows * bk) / width;
  if (total % threads !== 0 || total < threads) return null;
  if (along === "k") {
    const groups = bk / width;
    if (groups < 1 || threads % groups !== 0) return null;
    return { rows: total / threads, perRow: 1 };
  }
  if (threads >= rows) return threads % rows === 0 ? { rows: 1, perRow: total / threads } : null;
  return rows % threads === 0 ? { rows: rows / threads, perRow: bk } : null;
}

/**
 * Why a tile is too large for the extent it tiles (half of it or more would idle), or null. Tiles up to
 * `smallest` stay allowed; `tiny` (when given) allows up to it for an extent below `smallest`.
 */
export function tileOverhang(
  name: string,
  tile: number,
  extent: number,
  smallest: number,
  tiny = smallest,
): string | null {
  return tile <= (extent < smallest ? tiny : smallest) || tile < 2 * extent
    ? null
    : `${name}=${tile} is at least twice the ${extent} it tiles: half of the tile or more idles`;
}

/**
 * Rules every tiled GEMM obeys. `widths` gives the load width each operand would use for a config
 * (known once the parameters it reads are decoded); `extraStorage` the scratch buffers' bytes (im2col).
 */
export function gemmRules(
  shape: GemmShape,
  limits: DeviceLimits,
  loads: {
    a: (c: Config) => { along: "k" | "rows"; width: number };
    b: (c: Config) => { along: "k" | "rows"; width: number };
    needs: readonly string[];
  },
): Rule[] {
  return [
    // Below 16 rows or channels, tiles up to 32 stay allowed so that tiny problems keep a space of at
    // least one warp's worth. From 16 on a 32-wide tile is half idle: on yolov3-tiny's 16-channel stem
    // every BN=32 config ran at most 0.645x its best (H200), yet cost models picked them (docs/MODEL.md).
    rule("tile-m", ["BM"], (c) => tileOverhang("BM", c.BM as number, shape.m, 16, 32)),
    rule("tile-n", ["BN"], (c) => tileOverhang("BN", c.BN as number, shape.n, 16, 32)),
    rule("tile-k", ["BK"], (c) => tileOverhang("BK", c.BK as number, shape.k, 4)),
    rule("invocations", ["BM", "BN", "TM", "TN"], (c) => {
      const n = threadsOf(c);
      if (n > limits.maxComputeInvocationsPerWorkgroup)
        return `(BM/TM)*(BN/TN)=${n} invocations exceed maxComputeInvocationsPerWorkgroup=${limits.maxComputeInvocationsPerWorkgroup}`;
      if (n > limits.maxComputeWorkgroupSizeX)
        return `(BM/TM)*(BN/TN)=${n} invocations exceed maxComputeWorkgroupSizeX=${limits.maxComputeWorkgroupSizeX}`;
      return n >= MIN_INVOCATIONS ? null : `(BM/TM)*(BN/TN)=${n} invocations is below ${MIN_INVOCATIONS}`;
    }),
    rule("dispatch", ["BM", "BN"], (c) => {
      const x = ceilDiv(shape.m, c.BM as number);
      const y = ceilDiv(shape.n, c.BN as number);
      const most = limits.maxComputeWorkgroupsPerDimension;
      return Math.max(x, y, shape.groups) <= most
        ? null
        : `dispatch ${x}x${y}x${shape.groups} exceeds maxComputeWorkgroupsPerDimension=${most}`;
    }),
    rule("load-split", ["BM", "BN", "BK", "TM", "TN", ...loads.needs], (c) => {
      const threads = threadsOf(c);
      for (const [name, rows, load] of [
        ["A", c.BM as number, loads.a(c)],
        ["B", c.BN as number, loads.b(c)],
      ] as const) {
        if (!loadSplit(load.along, load.width, rows, c.BK as number, threads))
          return `the ${rows}x${c.BK} ${name} slice in width-${load.width} loads does not split evenly over ${threads} invocations`;
      }
      return null;
    }),
    rule("register-pressure", ["BM", "BN", "BK", "TM", "TN", ...loads.needs], (c) => {
      const estimate = registerEstimate(c, loads.a(c), loads.b(c));
      return estimate <= REGISTER_BUDGET
        ? null
        : `about ${estimate} registers per invocation (TM*TN=${(c.TM as number) * (c.TN as number)} accumulators plus staging) exceed the budget of ${REGISTER_BUDGET}`;
    }),
    rule("workgroup-storage", ["BM", "BN", "BK", "PAD", "DB"], (c) => {
      const bytes = workgroupBytes({
        bm: c.BM as number,
        bn: c.BN as number,
        bk: c.BK as number,
        pad: c.PAD as number,
        db: c.DB === 1,
      });
      return bytes <= limits.maxComputeWorkgroupStorageSize
        ? null
        : `${bytes} bytes of workgroup memory exceed maxComputeWorkgroupStorageSize=${limits.maxComputeWorkgroupStorageSize}`;
    }),
  ];
}

function registerEstimate(
  c: Config,
  a: { along: "k" | "rows"; width: number },
  b: { along: "k" | "rows"; width: number },
): number {
  const threads = threadsOf(c);
  const tm = c.TM as number;
  const tn = c.TN as number;
  const staging = (((c.BM as number) + (c.BN as number)) * (c.BK as number)) / threads;
  const split = loadSplit(a.along, a.width, c.BM as number, c.BK as number, threads);
  const rowState =
    4 * (split?.rows ?? 1) +
    2 * (loadSplit(b.along, b.width, c.BN as number, c.BK as number, threads)?.rows ?? 1);
  return tm * tn + tm + tn + staging + rowState + 12;
}

/** Bytes of the staged slices (twice when double-buffered): what the micro-tile is does not matter. */
export function workgroupBytes(t: Omit<TileConfig, "tm" | "tn">): number {
  const rowsA = t.bm / 4 + t.pad / 4;
  const rowsB = t.bn / 4 + t.pad / 4;
  return 16 * t.bk * (rowsA + rowsB) * (t.db ? 2 : 1);
}

/** Code for the fetch-and-stage of one operand. */
function operandCode(
  name: "A" | "B",
  op: Operand,
  rows: number,
  t: TileConfig,
  threads: number,
  block: string,
) {
  const split = loadSplit(op.along, op.width, rows, t.bk, threads);
  if (!split) throw new Error(`operand ${name}: ${rows}x${t.bk} does not split over ${threads} invocations`);
  const tile = name === "A" ? "tileA" : "tileB";
  const stride = rows / 4 + t.pad / 4;
  const lower = name.toLowerCase();
  const setup: string[] = [];
  // (row expression, k expression) per load, in a fixed order.
  const loads: { row: number; k: string }[] = [];
  if (op.along === "k") {
    const groups = t.bk / op.width;
    const rowStride = threads / groups;
    setup.push(`let ${lower}K = (t % ${groups}u) * ${op.width}u;`);
    for (let j = 0; j < split.rows; j++) {
      setup.push(`let ${lower}Row${j} = t / ${groups}u + ${j * rowStride}u;`);
      loads.push({ row: j, k: `${lower}K` });
    }
  } else {
    const kStride = Math.max(1, threads / rows);
    for (let j = 0; j < split.rows; j++) setup.push(`let ${lower}Row${j} = t % ${rows}u + ${j * threads}u;`);
    setup.push(`let ${lower}K = t / ${rows}u;`);
    for (let j = 0; j < split.rows; j++)
      for (let i = 0; i < split.perRow; i++) loads.push({ row: j, k: `${lower}K + ${i * kStride}u` });
  }
  for (let j = 0; j < split.rows; j++)
    setup.push(...op.rowSetup(`${lower}${j}_`, `${block} + ${lower}Row${j}`));
  const type = op.width === 4 ? "vec4<f32>" : "f32";
  const staging = loads.map((_, i) => `var ${lower}Stage${i}: ${type};`);
  const fetch = (kt: string) =>
    loads.map((l, i) => `${lower}Stage${i} = ${op.fetch(`${lower}${l.row}_`, `${kt} * BK + ${l.k}`)};`);
  const stage = (buffer: string) =>
    loads.flatMap((l, i) => {
      const slot = (e: number) =>
        `${tile}[(${buffer}${l.k}${e ? ` + ${e}u` : ""}) * ${stride}u + ${lower}Row${l.row} / 4u][${lower}Row${l.row} % 4u]`;
      if (op.width === 1) return [`${slot(0)} = ${lower}Stage${i};`];
      return ["x", "y", "z", "w"].map((comp, e) => `${slot(e)} = ${lower}Stage${i}.${comp};`);
    });
  return { setup, staging, fetch, stage };
}

export interface GemmKernel {
  problem: ConvProblem;
  shape: GemmShape;
  tiles: TileConfig;
  a: Operand;
  b: Operand;
  /** Bindings (in the order of the pass's `bindings`) and the helper functions the operands call. */
  declarations: string;
  /** Extra constants the operands' code reads. */
  constants: Record<string, number>;
  /**
   * Split-K: workgroups z = group * splits + slice, each reducing its slice of the k tiles into its
   * own copy of the output (`output` is then a scratch buffer of `splits` outputs). Default 1.
   */
  splits?: number;
}

/** The scalar a GEMM pass writes: split-K's partial sums stay f32, a finished output takes the problem's. */
export const gemmOutputScalar = (problem: ConvProblem, splits: number): StorageScalar =>
  splits > 1 ? "f32" : storageScalar(problem);

/** The WGSL of one GEMM pass. */
export function gemmWgsl(kernel: GemmKernel): string {
  const { problem, shape, tiles: t, a, b } = kernel;
  const threads = (t.bm / t.tm) * (t.bn / t.tn);
  const A = operandCode("A", a, t.bm, t, threads, "mBlock");
  const B = operandCode("B", b, t.bn, t, threads, "nBlock");
  const rowsA = t.bm / 4 + t.pad / 4;
  const rowsB = t.bn / 4 + t.pad / 4;
  const mi = Array.from({ length: t.tm / 4 }, (_, i) => i);
  const nj = Array.from({ length: t.tn / 4 }, (_, j) => j);
  const lanes = ["x", "y", "z", "w"] as const;

  // acc_i_e_j: rows 4i+e of the micro-tile (interleaved by BM/TM vec4s), columns vec4 j.
  const accumulators = mi.flatMap((i) =>
    lanes.flatMap((_, e) => nj.map((j) => `  var acc_${i}_${e}_${j} = vec4<f32>(0.0);`)),
  );
  const compute = (buffer: string) => {
    const lines: string[] = [];
    for (let k = 0; k < t.bk; k++) {
      for (const i of mi)
        lines.push(`a_${i} = tileA[(${buffer}${k}u) * ${rowsA}u + tm + ${i * (t.bm / t.tm)}u];`);
      for (const j of nj)
        lines.push(`b_${j} = tileB[(${buffer}${k}u) * ${rowsB}u + tn + ${j * (t.bn / t.tn)}u];`);
      for (const i of mi)
        for (const [e, lane] of lanes.entries())
          for (const j of nj)
            lines.push(`acc_${i}_${e}_${j} = fma(vec4<f32>(a_${i}.${lane}), b_${j}, acc_${i}_${e}_${j});`);
    }
    return lines;
  };
  const operandsDecl = [
    ...mi.map((i) => `var a_${i}: vec4<f32>;`),
    ...nj.map((j) => `var b_${j}: vec4<f32>;`),
  ];
  const kTiles = ceilDiv(shape.k, t.bk);
  const splits = kernel.splits ?? 1;
  // The k tiles this workgroup walks: all of them, or its slice of them under split-K.
  const [first, end] = splits > 1 ? ["kBegin", "kEnd"] : ["0u", "K_TILES"];
  const indent = (lines: string[], depth: number) => lines.map((l) => `${"  ".repeat(depth)}${l}`);
  const slice = t.bk; // k rows per buffer
  let mainLoop: string[];
  if (!t.db) {
    mainLoop = [
      ...operandsDecl,
      ...A.staging,
      ...B.staging,
      `for (var kt = ${first}; kt < ${end}; kt++) {`,
      ...indent(
        [...A.fetch("kt"), ...B.fetch("kt"), ...A.stage(""), ...B.stage(""), "workgroupBarrier();"],
        1,
      ),
      ...indent(compute(""), 1),
      "  workgroupBarrier();",
      "}",
    ];
  } else {
    mainLoop = [
      ...operandsDecl,
      ...A.staging,
      ...B.staging,
      ...A.fetch(first),
      ...B.fetch(first),
      ...A.stage(""),
      ...B.stage(""),
      "workgroupBarrier();",
      `for (var kt = ${first}; kt < ${end}; kt++) {`,
      `  let current = (${splits > 1 ? "(kt - kBegin)" : "kt"} & 1u) * ${slice}u;`,
      `  let next = ${slice}u - current;`,
      `  let more = kt + 1u < ${end};`,
      "  if (more) {",
      ...indent([...A.fetch("(kt + 1u)"), ...B.fetch("(kt + 1u)")], 2),
      "  }",
      ...indent(compute("current + "), 1),
      "  if (more) {",
      ...indent([...A.stage("next + "), ...B.stage("next + ")], 2),
      "  }",
      "  workgroupBarrier();",
      "}",
    ];
  }

  const vector = outputVectorized(problem, shape);
  const outputSlots = (problem.k * shape.m) / (vector ? 4 : 1);
  const store = storeCode(
    problem,
    shape,
    t,
    splits > 1 ? "sliceBase + " : "",
    gemmOutputScalar(problem, splits),
  );
  const blockSetup = splitBlockSetup(splits);
  const constants = {
    ...problemConstants(problem),
    ...kernel.constants,
    M_TOTAL: shape.m,
    N_GROUP: shape.n,
    K_GROUP: shape.k,
    PQ: shape.m / problem.n,
    BM: t.bm,
    BN: t.bn,
    BK: t.bk,
    TM: t.tm,
    TN: t.tn,
    THREADS: threads,
    K_TILES: kTiles,
    ...(splits > 1
      ? { SPLITS: splits, TILES_PER_SPLIT: ceilDiv(kTiles, splits), OUTPUT_SLOTS: outputSlots }
      : {}),
    TILE_A_VEC4S: t.bk * rowsA * (t.db ? 2 : 1),
    TILE_B_VEC4S: t.bk * rowsB * (t.db ? 2 : 1),
  };
  return fillTemplate(gemmTemplate, {
    ENABLES: enablesFor(storageScalar(problem)),
    CONSTANTS: wgslConstants(constants, ["PAD_H", "PAD_W"]),
    DECLARATIONS: kernel.declarations,
    BLOCK_SETUP: indent(blockSetup, 1).join("\n"),
    LOAD_SETUP: indent([...A.setup, ...B.setup], 1).join("\n"),
    ACCUMULATORS: accumulators.join("\n"),
    MAIN_LOOP: indent(mainLoop, 1).join("\n"),
    STORE: indent(store, 1).join("\n"),
  });
}

/**
 * The workgroup's group `g` and, under split-K (workgroups z = group * SPLITS + slice), its slice of the
 * k tiles [kBegin, kEnd) and where its partial output starts.
 */
export function splitBlockSetup(splits: number): string[] {
  return splits > 1
    ? [
        "let g = wg.z / SPLITS;",
        "let slice = wg.z % SPLITS;",
        "let kBegin = slice * TILES_PER_SPLIT;",
        "let kEnd = min(kBegin + TILES_PER_SPLIT, K_TILES);",
        "let sliceBase = slice * OUTPUT_SLOTS;",
      ]
    : ["let g = wg.z;"];
}

/** Whether the output store can write vec4s: along n for NHWC, along m (one image) for NCHW. */
export function outputVectorized(problem: ConvProblem, shape: GemmShape): boolean {
  return problem.layout === "NHWC" ? shape.n % 4 === 0 : (shape.m / problem.n) % 4 === 0;
}

/** The output binding for a GEMM pass writing `scalar`s. */
export function outputBinding(
  problem: ConvProblem,
  shape: GemmShape,
  binding: number,
  scalar: StorageScalar,
): string {
  const type = storageType(scalar, outputVectorized(problem, shape) ? 4 : 1);
  return `@group(0) @binding(${binding}) var<storage, read_write> output: array<${type}>;`;
}

/** The output store; `base` prefixes every index (a slice's offset under split-K). */
function storeCode(
  problem: ConvProblem,
  shape: GemmShape,
  t: TileConfig,
  base: string,
  scalar: StorageScalar,
): string[] {
  // f32 accumulators, converted where the output is stored in f16.
  const as = (value: string, width: number) =>
    scalar === "f32" ? value : `${storageType(scalar, width)}(${value})`;
  const raggedM = shape.m % t.bm !== 0;
  const raggedN = shape.n % t.bn !== 0;
  const vector = outputVectorized(problem, shape);
  const lanes = ["x", "y", "z", "w"] as const;
  const lines: string[] = [];
  for (let i = 0; i < t.tm / 4; i++) {
    lines.push(`let m_${i} = mBlock + (tm + ${i * (t.bm / t.tm)}u) * 4u;`);
    if (problem.layout === "NCHW") lines.push(`let img_${i} = m_${i} / PQ;`, `let pq_${i} = m_${i} % PQ;`);
  }
  for (let j = 0; j < t.tn / 4; j++)
    lines.push(`let n_${j} = g * KG + nBlock + (tn + ${j * (t.bn / t.tn)}u) * 4u;`);
  const guard = (conditions: (string | false)[], body: string) => {
    const cond = allOf(conditions);
    return cond === "true" ? body : `if (${cond}) { ${body} }`;
  };
  const nInGroup = (j: number, f: number) => `n_${j} + ${f}u - g * KG < KG`;
  for (let i = 0; i < t.tm / 4; i++) {
    for (let j = 0; j < t.tn / 4; j++) {
      if (problem.layout === "NHWC") {
        for (const [e] of lanes.entries()) {
          const acc = `acc_${i}_${e}_${j}`;
          const row = `(m_${i} + ${e}u)`;
          if (vector) {
            lines.push(
              guard(
                [raggedM && `${row} < M_TOTAL`, raggedN && nInGroup(j, 0)],
                `output[${base}(${row} * K + n_${j}) / 4u] = ${as(acc, 4)};`,
              ),
            );
          } else {
            for (const [f, lane] of lanes.entries())
              lines.push(
                guard(
                  [raggedM && `${row} < M_TOTAL`, (raggedN || shape.n % 4 !== 0) && nInGroup(j, f)],
                  `output[${base}${row} * K + n_${j} + ${f}u] = ${as(`${acc}.${lane}`, 1)};`,
                ),
              );
          }
        }
      } else {
        for (const [f, lane] of lanes.entries()) {
          const channel = `n_${j} + ${f}u`;
          const nCheck = (raggedN || shape.n % 4 !== 0) && nInGroup(j, f);
          if (vector) {
            const value = `vec4<f32>(${lanes.map((_, e) => `acc_${i}_${e}_${j}.${lane}`).join(", ")})`;
            lines.push(
              guard(
                [raggedM && `m_${i} < M_TOTAL`, nCheck],
                `output[${base}((img_${i} * K + ${channel}) * PQ + pq_${i}) / 4u] = ${as(value, 4)};`,
              ),
            );
          } else {
            for (const [e] of lanes.entries()) {
              const row = `m_${i} + ${e}u`;
              lines.push(
                guard(
                  [raggedM && `${row} < M_TOTAL`, nCheck],
                  `output[${base}(((${row}) / PQ) * K + ${channel}) * PQ + (${row}) % PQ] = ${as(`acc_${i}_${e}_${j}.${lane}`, 1)};`,
                ),
              );
            }
          }
        }
      }
    }
  }
  return lines;
}
