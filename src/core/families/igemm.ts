import type { ConvProblem } from "../problem";
import { type Config, rule, type TuningSpace } from "../space/space";
import {
  allOf,
  ceilDiv,
  halfPrecisionRule,
  param,
  type StorageScalar,
  shaderKey,
  storageScalar,
  storageType,
} from "./codegen";
import type { DeviceLimits, KernelFamily, KernelPlan } from "./family";
import {
  GEMM_MEMORY_PARAMS,
  GEMM_TILE_PARAMS,
  type GemmShape,
  gemmOutputScalar,
  gemmRules,
  gemmShape,
  gemmWgsl,
  type Operand,
  outputBinding,
  tileConfig,
} from "./gemm";

/**
 * A load from the problem's storage as the scalar the arithmetic uses: f32 for igemm (converted from
 * f16 storage), f16 as stored for the tensor-core family.
 */
function loadAs(p: ConvProblem, arithmetic: StorageScalar, width: number, load: string) {
  const type = storageType(arithmetic, width);
  return { type, load: arithmetic === storageScalar(p) ? load : `${type}(${load})` };
}

/** vec4 input loads need 4 consecutive k to be 4 consecutive, aligned elements: NHWC with C/groups % 4 == 0. */
export const inputVectorizable = (p: ConvProblem) => p.layout === "NHWC" && (p.c / p.groups) % 4 === 0;
/** The filter is [K][C/groups*R*S] in both layouts: vec4 loads need that row length divisible by 4. */
export const filterVectorizable = (shape: GemmShape) => shape.k % 4 === 0;

/** The input, gathered as the GEMM's A operand (rows: output pixels, k: channel-taps). */
export function inputOperand(
  p: ConvProblem,
  shape: GemmShape,
  bm: number,
  bk: number,
  width: 1 | 4,
  arithmetic: StorageScalar = "f32",
): Operand {
  const raggedM = shape.m % bm !== 0;
  const raggedK = shape.k % bk !== 0;
  const padded = p.padH > 0 || p.padW > 0;
  const inside = allOf([
    raggedM && "ok",
    raggedK && "kk < K_GROUP",
    padded && "ih >= 0",
    padded && "ih < i32(H)",
    padded && "iw >= 0",
    padded && "iw < i32(W)",
  ]);
  const nhwc = p.layout === "NHWC";
  const stored = storageType(storageScalar(p), width);
  // k runs over (c, r, s) for NCHW and (r, s, c) for NHWC, the filter's own order.
  const decompose = nhwc
    ? ["let c = kk % CG;", "let rs = kk / CG;"]
    : ["let c = kk / (R * S);", "let rs = kk % (R * S);"];
  const index = nhwc ? "base + (u32(ih) * W + u32(iw)) * C + c" : "base + c * H * W + u32(ih) * W + u32(iw)";
  const { type, load } = loadAs(
    p,
    arithmetic,
    width,
    width === 4 ? `input[(${index}) / 4u]` : `input[${index}]`,
  );
  const declarations = [
    `@group(0) @binding(0) var<storage, read> input: array<${stored}>;`,
    `fn loadA(base: u32, ih0: i32, iw0: i32, ok: bool, kk: u32) -> ${type} {`,
    ...decompose.map((l) => `  ${l}`),
    "  let ih = ih0 + i32((rs / S) * DIL_H);",
    "  let iw = iw0 + i32((rs % S) * DIL_W);",
    inside === "true" ? `  return ${load};` : `  return select(${type}(0.0), ${load}, ${inside});`,
    "}",
  ];
  return {
    along: nhwc ? "k" : "rows",
    width,
    declarations: declarations.join("\n"),
    rowSetup: (v, row) => [
      raggedM ? `let ${v}m = min(${row}, M_TOTAL - 1u);` : `let ${v}m = ${row};`,
      `let ${v}ok = ${raggedM ? `${row} < M_TOTAL` : "true"};`,
      `let ${v}pq = ${v}m % PQ;`,
      nhwc
        ? `let ${v}base = (${v}m / PQ) * H * W * C + g * CG;`
        : `let ${v}base = ((${v}m / PQ) * C + g * CG) * H * W;`,
      `let ${v}ih = i32((${v}pq / Q) * STRIDE_H) - PAD_H;`,
      `let ${v}iw = i32((${v}pq % Q) * STRIDE_W) - PAD_W;`,
    ],
    fetch: (v, kk) => `loadA(${v}base, ${v}ih, ${v}iw, ${v}ok, ${kk})`,
  };
}

/** The filter as the GEMM's B operand (rows: output channels, k: channel-taps). */
export function filterOperand(
  p: ConvProblem,
  shape: GemmShape,
  bn: number,
  bk: number,
  width: 1 | 4,
  arithmetic: StorageScalar = "f32",
): Operand {
  const raggedN = shape.n % bn !== 0;
  const raggedK = shape.k % bk !== 0;
  const inside = allOf([raggedN && "ok", raggedK && "kk < K_GROUP"]);
  const { type, load } = loadAs(
    p,
    arithmetic,
    width,
    width === 4 ? "weights[(base + kk) / 4u]" : "weights[base + kk]",
  );
  return {
    along: "k",
    width,
    declarations: [
      `@group(0) @binding(1) var<storage, read> weights: array<${storageType(storageScalar(p), width)}>;`,
      `fn loadB(base: u32, ok: bool, kk: u32) -> ${type} {`,
      inside === "true" ? `  return ${load};` : `  return select(${type}(0.0), ${load}, ${inside});`,
      "}",
    ].join("\n"),
    rowSetup: (v, row) => [
      `let ${v}ok = ${raggedN ? `${row} < KG` : "true"};`,
      `let ${v}base = (g * KG + ${raggedN ? `min(${row}, KG - 1u)` : row}) * K_GROUP;`,
    ],
    fetch: (v, kk) => `loadB(${v}base, ${v}ok, ${kk})`,
  };
}

/** igemm's space; split-K (splitk.ts) extends it. */
export function igemmSpace(problem: ConvProblem, limits: DeviceLimits): TuningSpace {
  const shape = gemmShape(problem);
  return {
    params: [
      ...GEMM_TILE_PARAMS,
      { name: "VA", values: [1, 4], doc: "input load width: vec4 along channels (NHWC, C/groups % 4 == 0)" },
      {
        name: "VB",
        values: [1, 4],
        doc: "filter load width: vec4 along the reduction (C/groups*R*S % 4 == 0)",
      },
      ...GEMM_MEMORY_PARAMS,
    ],
    rules: [
      rule("vector-input", ["VA"], (c) =>
        c.VA === 1 || inputVectorizable(problem)
          ? null
          : `VA=4 needs NHWC input with C/groups divisible by 4 (${problem.layout}, C/groups=${problem.c / problem.groups})`,
      ),
      rule("vector-filter", ["VB"], (c) =>
        c.VB === 1 || filterVectorizable(shape)
          ? null
          : `VB=4 needs C/groups*R*S divisible by 4 (it is ${shape.k})`,
      ),
      ...halfPrecisionRule(problem, limits),
      ...gemmRules(shape, limits, {
        a: (c) => ({ along: problem.layout === "NHWC" ? "k" : "rows", width: c.VA as number }),
        b: (c) => ({ along: "k", width: c.VB as number }),
        needs: ["VA", "VB"],
      }),
    ],
  };
}

/** The implicit GEMM pass; with `splits` > 1 it writes that many partial outputs (see gemm.ts). */
export function igemmWgslFor(problem: ConvProblem, config: Config, splits = 1): string {
  const shape = gemmShape(problem);
  const tiles = tileConfig(config);
  const a = inputOperand(problem, shape, tiles.bm, tiles.bk, param(config, "VA") === 4 ? 4 : 1);
  const b = filterOperand(problem, shape, tiles.bn, tiles.bk, param(config, "VB") === 4 ? 4 : 1);
  return gemmWgsl({
    problem,
    shape,
    tiles,
    a,
    b,
    declarations: [
      a.declarations,
      b.declarations,
      outputBinding(problem, shape, 2, gemmOutputScalar(problem, splits)),
    ].join("\n\n"),
    constants: {},
    splits,
  });
}

export const igemmFamily: KernelFamily = {
  id: "igemm",
  title: "Implicit GEMM",
  description:
    "The convolution as a matrix product (output pixels x output channels, reducing over channels and filter taps) without materialising the patch matrix: each workgroup stages BK-deep slices of the input, gathered on the fly, and of the filter in workgroup memory, and each invocation accumulates a TM x TN register tile from vec4 reads. BM, BN and BK trade reuse against occupancy and workgroup memory; VA/VB load vec4s where the layout allows; PAD skews rows against bank conflicts and DB double-buffers the slices so global loads overlap the arithmetic. Problem sizes are compile-time constants and bounds checks appear only where a tile does not divide its extent. f16 problems keep their tensors in f16 (half the memory traffic) and add in f32.",
  unsupported: () => null,
  space: igemmSpace,
  plan(problem, config, limits): KernelPlan {
    const shape = gemmShape(problem);
    return {
      family: "igemm",
      shaderKey: shaderKey("igemm", problem, igemmSpace(problem, limits), config),
      passes: [
        {
          label: "igemm",
          get wgsl() {
            return igemmWgslFor(problem, config);
          },
          entryPoint: "main",
          dispatch: [
            ceilDiv(shape.m, param(config, "BM")),
            ceilDiv(shape.n, param(config, "BN")),
            shape.groups,
          ],
          bindings: ["input", "filter", "output"],
        },
      ],
      scratch: [],
    };
  },
};
