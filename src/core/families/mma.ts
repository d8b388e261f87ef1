/**
 * Tensor cores from WGSL: an implicit GEMM whose inner product is the subgroup-matrix multiply
 * (chromium_experimental_subgroup_matrix). f16 operands are staged through workgroup memory and
 * accumulated in f32 matrices; the output is stored in f16 (or as f32 partial sums under split-K).
 * Its space is read from the device's reported matrix shapes and subgroup size, so a recorded device
 * description is enough to explore it on a machine without such hardware.
 */
import mmaTemplate from "../../../shaders/mma.wgsl";
import type { ConvProblem } from "../problem";
import { type Config, type ParamDef, rule, type TuningSpace } from "../space/space";
import {
  ceilDiv,
  fillTemplate,
  halfPrecisionRule,
  param,
  problemConstants,
  shaderKey,
  spreadDispatch,
  storageType,
  wgslConstants,
} from "./codegen";
import {
  type DeviceLimits,
  type KernelFamily,
  type KernelPlan,
  SUBGROUP_MATRIX_FEATURE,
  type SubgroupMatrixConfig,
} from "./family";
import {
  gemmOutputScalar,
  gemmShape,
  loadSplit,
  type Operand,
  outputBinding,
  outputVectorized,
  splitBlockSetup,
  tileOverhang,
} from "./gemm";
import { filterOperand, filterVectorizable, inputOperand, inputVectorizable } from "./igemm";
import { REDUCE_WG, reduceWgsl, splitRules } from "./splitk";

const PARAMS: ParamDef[] = [
  {
    name: "MM",
    values: [8, 16, 32],
    doc: "rows of one matrix multiply (output pixels): one of the device's shapes",
  },
  { name: "MN", values: [8, 16, 32], doc: "columns of one matrix multiply (output channels)" },
  { name: "MK", values: [8, 16, 32], doc: "depth of one matrix multiply (channel-taps)" },
  { name: "WM", values: [1, 2, 4], doc: "subgroups of the workgroup along the output pixels" },
  { name: "WN", values: [1, 2, 4], doc: "subgroups of the workgroup along the output channels" },
  { name: "TM", values: [1, 2, 4, 8], doc: "result matrices each subgroup holds along the output pixels" },
  { name: "TN", values: [1, 2, 4, 8], doc: "result matrices each subgroup holds along the output channels" },
  {
    name: "GA",
    values: [0, 1],
    doc: "1: left matrices read straight from the input (1x1 convolutions), not staged in workgroup memory",
  },
  {
    name: "GB",
    values: [0, 1],
    doc: "1: right matrices read straight from the filter, not staged in workgroup memory",
  },
  {
    name: "BK",
    values: [16, 32, 64],
    doc: "reduction depth per step (staged in workgroup memory unless read directly)",
  },
  {
    name: "DB",
    values: [0, 1],
    doc: "double-buffered workgroup memory: fetch the next slice while multiplying",
  },
  { name: "PAD", values: [0, 8], doc: "f16 elements of padding per staged row, against bank conflicts" },
  {
    name: "SK",
    values: [1, 2, 4, 8, 16],
    doc: "slices of the reduction, each its own workgroups (1: unsplit)",
  },
];

/** The f16 -> f32 matrix shapes a device's subgroup matrices take. */
export function matrixShapes(limits: DeviceLimits): SubgroupMatrixConfig[] {
  return limits.subgroupMatrixConfigs.filter(
    (c) => c.componentType === "f16" && c.resultComponentType === "f32",
  );
}

/** Everything a config fixes, computed once and read by the rules and the emitter. */
export interface MmaTiling {
  mm: number;
  mn: number;
  mk: number;
  wm: number;
  wn: number;
  tm: number;
  tn: number;
  /** Operands read straight from storage rather than staged: A (the input) and B (the filter). */
  ga: boolean;
  gb: boolean;
  bk: number;
  db: boolean;
  pad: number;
  splits: number;
  /** Workgroup tile: output pixels and channels. */
  bm: number;
  bn: number;
  subgroups: number;
  /** Invocations per subgroup the kernel is written for (the device's one subgroup size). */
  subgroup: number;
  threads: number;
  /** f16 elements from one staged row to the next. */
  stride: number;
}

export function mmaTiling(c: Config, limits: DeviceLimits): MmaTiling {
  const t = {
    mm: param(c, "MM"),
    mn: param(c, "MN"),
    mk: param(c, "MK"),
    wm: param(c, "WM"),
    wn: param(c, "WN"),
    tm: param(c, "TM"),
    tn: param(c, "TN"),
    ga: param(c, "GA") === 1,
    gb: param(c, "GB") === 1,
    bk: param(c, "BK"),
    db: param(c, "DB") === 1,
    pad: param(c, "PAD"),
    splits: param(c, "SK"),
    subgroup: limits.subgroupMaxSize,
  };
  return {
    ...t,
    bm: t.wm * t.tm * t.mm,
    bn: t.wn * t.tn * t.mn,
    subgroups: t.wm * t.wn,
    threads: t.wm * t.wn * t.subgroup,
    stride: t.bk + t.pad,
  };
}

/** Bytes of workgroup memory: the staged f16 slices (twice when double-buffered) and each subgroup's f32 result tile. */
export function mmaWorkgroupBytes(t: MmaTiling): number {
  const stagedRows = (t.ga ? 0 : t.bm) + (t.gb ? 0 : t.bn);
  return 2 * stagedRows * t.stride * (t.db ? 2 : 1) + 4 * t.subgroups * t.mm * t.mn;
}

/** Why the input cannot be read as a plain row-major matrix (the left operand straight from memory), or null. */
function directInputRefusal(p: ConvProblem): string | null {
  const plain = p.r === 1 && p.s === 1 && p.strideH === 1 && p.strideW === 1 && p.padH === 0 && p.padW === 0;
  if (!plain || p.groups !== 1) return "GA=1 needs a 1x1 convolution with stride 1, no padding and one group";
  return p.c % 8 === 0 ? null : `GA=1 needs C divisible by 8 (16-byte rows), not ${p.c}`;
}

/**
 * Registers an invocation of this kernel may hold (NVIDIA allows 255): more than the scalar GEMMs'
 * budget, since tensor-core GEMMs near their peak hold 64x64 results per subgroup (128 f32
 * registers an invocation) so that each staged operand feeds many matrix multiplies.
 */
const MMA_REGISTER_BUDGET = 224;

/** Rough registers per invocation: result fragments in f32, operand fragments in packed f16, and addressing. */
function registerEstimate(t: Pick<MmaTiling, "mm" | "mn" | "mk" | "tm" | "tn" | "subgroup">): number {
  const results = (t.tm * t.tn * t.mm * t.mn) / t.subgroup;
  const operands = ((t.tm * t.mm + t.tn * t.mn) * t.mk) / 2 / t.subgroup;
  return Math.ceil(results + operands) + 24;
}

/** Placeholders for the parameters a rule does not read, so a partial config still makes a tiling. */
const UNSET: Config = Object.fromEntries(PARAMS.map((p) => [p.name, p.values[0] as number]));

const TILE_M = ["MM", "WM", "TM"];
const TILE_N = ["MN", "WN", "TN"];

function space(problem: ConvProblem, limits: DeviceLimits): TuningSpace {
  const shape = gemmShape(problem);
  const shapes = matrixShapes(limits);
  // Rules judge partial configs: the parameters a rule does not read take placeholder values.
  const tiling = (c: Config) => mmaTiling({ ...UNSET, ...c }, limits);
  const widths = { a: inputVectorizable(problem) ? 4 : 1, b: filterVectorizable(shape) ? 4 : 1 };
  return {
    params: PARAMS,
    rules: [
      ...halfPrecisionRule(problem, limits),
      rule("subgroup-matrix", [], () =>
        shapes.length && limits.subgroups
          ? null
          : `this device offers no f16 subgroup matrices (WebGPU's ${SUBGROUP_MATRIX_FEATURE}: Chrome with --enable-unsafe-webgpu on a GPU that has them; the CLI with --unsafe-features)`,
      ),
      rule("subgroup-size", [], () =>
        limits.subgroupMaxSize > 0 && limits.subgroupMinSize === limits.subgroupMaxSize
          ? null
          : `the kernel is written for one subgroup size; the device reports ${limits.subgroupMinSize}-${limits.subgroupMaxSize}`,
      ),
      rule("matrix-shape", ["MM", "MN", "MK"], (c) =>
        shapes.some((s) => s.M === c.MM && s.N === c.MN && s.K === c.MK)
          ? null
          : `${c.MM}x${c.MN}x${c.MK} (MxNxK) is not one of the device's f16 matrix shapes (${shapes.map((s) => `${s.M}x${s.N}x${s.K}`).join(", ") || "none"})`,
      ),
      rule("invocations", ["WM", "WN"], (c) => {
        const threads = (c.WM as number) * (c.WN as number) * limits.subgroupMaxSize;
        const most = Math.min(limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
        return threads <= most
          ? null
          : `WM*WN=${(c.WM as number) * (c.WN as number)} subgroups of ${limits.subgroupMaxSize} make ${threads} invocations, over the device's ${most}`;
      }),
      rule("tile-m", TILE_M, (c) => tileOverhang("BM (WM*TM*MM)", tiling(c).bm, shape.m, 32)),
      rule("tile-n", TILE_N, (c) => tileOverhang("BN (WN*TN*MN)", tiling(c).bn, shape.n, 32)),
      rule("k-step", ["MK", "BK"], (c) =>
        (c.BK as number) % (c.MK as number) !== 0
          ? `BK=${c.BK} is not a multiple of the matrix depth MK=${c.MK}`
          : tileOverhang("BK", c.BK as number, shape.k, 16),
      ),
      rule("register-pressure", ["MM", "MN", "MK", "TM", "TN"], (c) => {
        const estimate = registerEstimate(tiling(c));
        return estimate <= MMA_REGISTER_BUDGET
          ? null
          : `about ${estimate} registers per invocation for TM*TN=${(c.TM as number) * (c.TN as number)} result matrices of ${c.MM}x${c.MN} exceed the budget of ${MMA_REGISTER_BUDGET}`;
      }),
      rule("dispatch", [...TILE_M, ...TILE_N], (c) => {
        const t = tiling(c);
        const x = ceilDiv(shape.m, t.bm);
        const y = ceilDiv(shape.n, t.bn);
        const most = limits.maxComputeWorkgroupsPerDimension;
        return Math.max(x, y) <= most
          ? null
          : `dispatch ${x}x${y} exceeds maxComputeWorkgroupsPerDimension=${most}`;
      }),
      rule("direct-a", ["GA"], (c) => (c.GA === 1 ? directInputRefusal(problem) : null)),
      rule("direct-b", ["GB"], (c) =>
        c.GB === 1 && shape.k % 8 !== 0
          ? `GB=1 needs filter rows (C/groups*R*S=${shape.k}) divisible by 8 (16-byte rows)`
          : null,
      ),
      rule("staging", ["GA", "GB", "DB", "PAD"], (c) =>
        c.GA === 1 && c.GB === 1 && (c.DB === 1 || c.PAD !== 0)
          ? "DB and PAD shape the staged slices: with both operands read directly they must be 0"
          : null,
      ),
      // A staged operand is zero past the reduction's end; with neither staged, the last step must not overrun it.
      rule("direct-depth", ["GA", "GB", "BK"], (c) =>
        c.GA === 1 && c.GB === 1 && shape.k % (c.BK as number) !== 0
          ? `with both operands read directly, BK=${c.BK} must divide the reduction (${shape.k})`
          : null,
      ),
      rule("load-split", [...TILE_M, ...TILE_N, "GA", "GB", "BK"], (c) => {
        const t = tiling(c);
        for (const [name, rows, width, direct] of [
          ["A", t.bm, widths.a, t.ga],
          ["B", t.bn, widths.b, t.gb],
        ] as const) {
          if (direct) continue;
          if (!loadSplit("k", width, rows, t.bk, t.threads))
            return `the ${rows}x${t.bk} ${name} slice in width-${width} loads does not split evenly over ${t.threads} invocations`;
        }
        return null;
      }),
      rule("workgroup-storage", [...TILE_M, ...TILE_N, "GA", "GB", "BK", "DB", "PAD"], (c) => {
        const bytes = mmaWorkgroupBytes(tiling(c));
        return bytes <= limits.maxComputeWorkgroupStorageSize
          ? null
          : `${bytes} bytes of workgroup memory exceed maxComputeWorkgroupStorageSize=${limits.maxComputeWorkgroupStorageSize}`;
      }),
      ...splitRules(problem, limits, {
        needs: [...TILE_M, ...TILE_N],
        m: (c) => tiling(c).bm,
        n: (c) => tiling(c).bn,
      }),
    ],
  };
}

/** Global-to-workgroup staging of one operand into its row-major f16 slice (rows x BK, stride STRIDE). */
function stagingCode(name: "a" | "b", op: Operand, rows: number, t: MmaTiling, block: string) {
  const split = loadSplit("k", op.width, rows, t.bk, t.threads);
  if (!split)
    throw new Error(`operand ${name}: ${rows}x${t.bk} does not split over ${t.threads} invocations`);
  const groups = t.bk / op.width;
  const rowStride = t.threads / groups;
  const tile = name === "a" ? "tileA" : "tileB";
  const setup = [`let ${name}K = (t % ${groups}u) * ${op.width}u;`];
  const rowsOf = Array.from({ length: split.rows }, (_, j) => j);
  for (const j of rowsOf) setup.push(`let ${name}Row${j} = t / ${groups}u + ${j * rowStride}u;`);
  for (const j of rowsOf) setup.push(...op.rowSetup(`${name}${j}_`, `${block} + ${name}Row${j}`));
  const type = storageType("f16", op.width);
  return {
    setup,
    staging: rowsOf.map((j) => `var ${name}Stage${j}: ${type};`),
    fetch: (kt: string) =>
      rowsOf.map((j) => `${name}Stage${j} = ${op.fetch(`${name}${j}_`, `${kt} * BK + ${name}K`)};`),
    stage: (buffer: string) =>
      rowsOf.flatMap((j) => {
        const slot = `${buffer}${name}Row${j} * STRIDE + ${name}K`;
        if (op.width === 1) return [`${tile}[${slot}] = ${name}Stage${j};`];
        return ["x", "y", "z", "w"].map((lane, e) => `${tile}[${slot} + ${e}u] = ${name}Stage${j}.${lane};`);
      }),
  };
}

/** The WGSL of the tensor-core pass; with SK > 1 it writes SK partial outputs for the reduce pass. */
export function mmaWgsl(problem: ConvProblem, config: Config, limits: DeviceLimits): string {
  const shape = gemmShape(problem);
  const t = mmaTiling(config, limits);
  const a = inputOperand(problem, shape, t.bm, t.bk, inputVectorizable(problem) ? 4 : 1, "f16");
  const b = filterOperand(problem, shape, t.bn, t.bk, filterVectorizable(shape) ? 4 : 1, "f16");
  const A = t.ga ? null : stagingCode("a", a, t.bm, t, "mBlock");
  const B = t.gb ? null : stagingCode("b", b, t.bn, t, "nBlock");
  const staged = [A, B].flatMap((op) => (op ? [op] : []));
  const each = (f: (op: NonNullable<typeof A>) => string[]) => staged.flatMap(f);
  const mi = Array.from({ length: t.tm }, (_, i) => i);
  const nj = Array.from({ length: t.tn }, (_, j) => j);
  const split = t.splits > 1;
  const [first, end] = split ? ["kBegin", "kEnd"] : ["0u", "K_TILES"];
  const indent = (lines: string[], depth: number) => lines.map((l) => `${"  ".repeat(depth)}${l}`);

  const left = `subgroup_matrix_left<f16, ${t.mk}, ${t.mm}>`;
  const right = `subgroup_matrix_right<f16, ${t.mn}, ${t.mk}>`;
  const result = `subgroup_matrix_result<f32, ${t.mn}, ${t.mm}>`;
  // A left matrix from the staged slice, or straight from the input (a row-major matrix of C columns).
  const leftAt = (i: number, bufA: string, step: number) =>
    t.ga
      ? `subgroupMatrixLoad<${left}, row_major>(&input, aRow${i} + kt * BK + ${step * t.mk}u, C)`
      : `subgroupMatrixLoad<${left}, row_major>(&tileA, ${bufA}(sgM * ${t.tm * t.mm}u + ${i * t.mm}u) * STRIDE + ${step * t.mk}u, STRIDE)`;
  // A right matrix from the staged slice, or straight from the filter (its rows are the matrix's columns).
  const rightAt = (j: number, bufB: string, step: number) =>
    t.gb
      ? `subgroupMatrixLoad<${right}, col_major>(&weights, bRow${j} + kt * BK + ${step * t.mk}u, K_GROUP)`
      : `subgroupMatrixLoad<${right}, col_major>(&tileB, ${bufB}(sgN * ${t.tn * t.mn}u + ${j * t.mn}u) * STRIDE + ${step * t.mk}u, STRIDE)`;
  const directRows = [
    ...(t.ga ? mi.map((i) => `let aRow${i} = (mBlock + sgM * ${t.tm * t.mm}u + ${i * t.mm}u) * C;`) : []),
    ...(t.gb
      ? nj.map((j) => `let bRow${j} = (g * KG + nBlock + sgN * ${t.tn * t.mn}u + ${j * t.mn}u) * K_GROUP;`)
      : []),
  ];
  const multiply = (bufA: string, bufB: string) =>
    Array.from({ length: t.bk / t.mk }, (_, step) => [
      "{",
      ...indent(
        [
          ...mi.map((i) => `let a${i} = ${leftAt(i, bufA, step)};`),
          ...nj.map((j) => `let b${j} = ${rightAt(j, bufB, step)};`),
          ...mi.flatMap((i) =>
            nj.map((j) => `acc_${i}_${j} = subgroupMatrixMultiplyAccumulate(a${i}, b${j}, acc_${i}_${j});`),
          ),
        ],
        1,
      ),
      "}",
    ]).flat();

  const sliceA = t.bm * t.stride;
  const sliceB = t.bn * t.stride;
  // Staged operands go through workgroup memory between barriers; with none staged the loop only multiplies.
  const mainLoop = !staged.length
    ? [...directRows, `for (var kt = ${first}; kt < ${end}; kt++) {`, ...indent(multiply("", ""), 1), "}"]
    : !t.db
      ? [
          ...directRows,
          ...each((op) => op.staging),
          `for (var kt = ${first}; kt < ${end}; kt++) {`,
          ...indent(
            [...each((op) => op.fetch("kt")), ...each((op) => op.stage("")), "workgroupBarrier();"],
            1,
          ),
          ...indent(multiply("", ""), 1),
          "  workgroupBarrier();",
          "}",
        ]
      : [
          ...directRows,
          ...each((op) => op.staging),
          ...each((op) => op.fetch(first)),
          ...each((op) => op.stage("")),
          "workgroupBarrier();",
          `for (var kt = ${first}; kt < ${end}; kt++) {`,
          `  let parity = (kt - ${first}) & 1u;`,
          `  let more = kt + 1u < ${end};`,
          "  if (more) {",
          ...indent(
            each((op) => op.fetch("(kt + 1u)")),
            2,
          ),
          "  }",
          ...indent(multiply(`parity * ${sliceA}u + `, `parity * ${sliceB}u + `), 1),
          "  if (more) {",
          ...indent(
            [
              ...(A ? A.stage(`(1u - parity) * ${sliceA}u + `) : []),
              ...(B ? B.stage(`(1u - parity) * ${sliceB}u + `) : []),
            ],
            2,
          ),
          "  }",
          "  workgroupBarrier();",
          "}",
        ];

  // Each result matrix leaves through the subgroup's f32 tile: stored, then read back by its invocations,
  // which convert, bounds-check and write to the output (vec4s along the channels where they line up).
  const scalar = gemmOutputScalar(problem, t.splits);
  const vector = outputVectorized(problem, shape);
  const width = vector ? 4 : 1;
  const base = split ? "sliceBase + " : "";
  const value = vector
    ? scalar === "f32"
      ? "vec4<f32>(tileC[c], tileC[c + 1u], tileC[c + 2u], tileC[c + 3u])"
      : "vec4<f16>(vec4<f32>(tileC[c], tileC[c + 1u], tileC[c + 2u], tileC[c + 3u]))"
    : scalar === "f32"
      ? "tileC[c]"
      : "f16(tileC[c])";
  const store = mi.flatMap((i) =>
    nj.flatMap((j) => [
      `subgroupMatrixStore<row_major>(&tileC, sg * ${t.mm * t.mn}u, acc_${i}_${j}, ${t.mn}u);`,
      "workgroupBarrier();",
      `for (var e = lane; e < ${(t.mm * t.mn) / width}u; e += SUBGROUP) {`,
      `  let row = e / ${t.mn / width}u;`,
      `  let col = (e % ${t.mn / width}u) * ${width}u;`,
      `  let m = mBlock + (sgM * ${t.tm}u + ${i}u) * ${t.mm}u + row;`,
      `  let n = nBlock + (sgN * ${t.tn}u + ${j}u) * ${t.mn}u + col;`,
      `  let c = sg * ${t.mm * t.mn}u + row * ${t.mn}u + col;`,
      vector
        ? `  if (m < M_TOTAL && n < KG) { output[${base}(m * K + g * KG + n) / 4u] = ${value}; }`
        : `  if (m < M_TOTAL && n < KG) { output[${base}m * K + g * KG + n] = ${value}; }`,
      "}",
      "workgroupBarrier();",
    ]),
  );

  const kTiles = ceilDiv(shape.k, t.bk);
  const blockSetup = splitBlockSetup(t.splits);
  const constants = {
    ...problemConstants(problem),
    M_TOTAL: shape.m,
    K_GROUP: shape.k,
    PQ: shape.m / problem.n,
    BM: t.bm,
    BN: t.bn,
    BK: t.bk,
    WN: t.wn,
    SUBGROUP: t.subgroup,
    THREADS: t.threads,
    STRIDE: t.stride,
    K_TILES: kTiles,
    TILE_C: t.subgroups * t.mm * t.mn,
    ...(split
      ? {
          SPLITS: t.splits,
          TILES_PER_SPLIT: ceilDiv(kTiles, t.splits),
          OUTPUT_SLOTS: (problem.k * shape.m) / width,
        }
      : {}),
  };
  return fillTemplate(mmaTemplate, {
    CONSTANTS: wgslConstants(constants, ["PAD_H", "PAD_W"]),
    DECLARATIONS: [
      t.ga ? "@group(0) @binding(0) var<storage, read> input: array<f16>;" : a.declarations,
      t.gb ? "@group(0) @binding(1) var<storage, read> weights: array<f16>;" : b.declarations,
      outputBinding(problem, shape, 2, scalar),
      ...(A ? [`var<workgroup> tileA: array<f16, ${sliceA * (t.db ? 2 : 1)}>;`] : []),
      ...(B ? [`var<workgroup> tileB: array<f16, ${sliceB * (t.db ? 2 : 1)}>;`] : []),
      "var<workgroup> tileC: array<f32, TILE_C>;",
    ].join("\n\n"),
    BLOCK_SETUP: indent(blockSetup, 1).join("\n"),
    LOAD_SETUP: indent(
      each((op) => op.setup),
      1,
    ).join("\n"),
    ACCUMULATORS: indent(
      mi.flatMap((i) => nj.map((j) => `var acc_${i}_${j} = ${result}();`)),
      1,
    ).join("\n"),
    MAIN_LOOP: indent(mainLoop, 1).join("\n"),
    STORE: indent(store, 1).join("\n"),
  });
}

export const mmaFamily: KernelFamily = {
  id: "mma",
  title: "Tensor-core implicit GEMM",
  roof: "matrix",
  description:
    "The implicit GEMM on the GPU's matrix units, through WebGPU's subgroup matrices: a workgroup of WM x WN subgroups stages BK-deep slices of the gathered input and of the filter in f16 workgroup memory, and each subgroup multiplies MM x MK by MK x MN matrices into TM x TN result matrices held in f32. The matrix shape must be one the device reports; WM, WN, TM and TN set the workgroup tile and how much each subgroup reuses its operands; PAD skews the staged rows against bank conflicts, DB double-buffers the slices, and SK splits a long reduction over more workgroups (a second pass sums the f32 partial outputs). f16 NHWC problems only; the results are rounded to f16 once, at the end.",
  unsupported: (problem) => {
    if (problem.precision !== "f16")
      return "f16 problems only: the matrix units multiply f16 (add precision=f16)";
    if (problem.layout !== "NHWC") return "NHWC only: the staged slices read channels contiguously";
    return null;
  },
  space,
  plan(problem, config, limits): KernelPlan {
    const shape = gemmShape(problem);
    const t = mmaTiling(config, limits);
    const gemm = {
      label: "mma",
      wgsl: mmaWgsl(problem, config, limits),
      entryPoint: "main",
      dispatch: [ceilDiv(shape.m, t.bm), ceilDiv(shape.n, t.bn), shape.groups * t.splits] as [
        number,
        number,
        number,
      ],
    };
    const key = shaderKey("mma", problem, space(problem, limits), config);
    if (t.splits === 1) {
      return {
        family: "mma",
        shaderKey: key,
        passes: [{ ...gemm, bindings: ["input", "filter", "output"] }],
        scratch: [],
      };
    }
    const reduce = reduceWgsl(problem, t.splits);
    return {
      family: "mma",
      shaderKey: key,
      passes: [
        { ...gemm, bindings: ["input", "filter", "partial"] },
        {
          label: "reduce",
          wgsl: reduce.wgsl,
          entryPoint: "reduce",
          dispatch: spreadDispatch(reduce.slots, REDUCE_WG, limits),
          bindings: ["partial", "output"],
        },
      ],
      scratch: [{ name: "partial", bytes: t.splits * shape.m * problem.k * 4 }],
    };
  },
};
