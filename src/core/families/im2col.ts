import im2colWgsl from "../../../shaders/im2col.wgsl";
import type { ConvProblem } from "../problem";
import { type Config, rule, type TuningSpace } from "../space/space";
import {
  allOf,
  f32Only,
  fillTemplate,
  param,
  problemConstants,
  roundUp,
  shaderKey,
  spreadDispatch,
  wgslConstants,
} from "./codegen";
import type { DeviceLimits, KernelFamily, KernelPass, KernelPlan } from "./family";
import {
  GEMM_MEMORY_PARAMS,
  GEMM_TILE_PARAMS,
  type GemmShape,
  gemmRules,
  gemmShape,
  gemmWgsl,
  type Operand,
  outputBinding,
  tileConfig,
} from "./gemm";

/** The zero-padded matrices' extents for a config: whole tiles in m, n and k. */
function padded(shape: GemmShape, config: Config) {
  return {
    mPad: roundUp(shape.m, param(config, "BM")),
    nPad: roundUp(shape.n, param(config, "BN")),
    kPad: roundUp(shape.k, param(config, "BK")),
  };
}

/** A row-major, zero-padded [GROUPS][rows][K_PAD] matrix of vec4s: no checks needed. */
function denseOperand(binding: number, name: string, rowsPerGroup: string): Operand {
  return {
    along: "k",
    width: 4,
    declarations: `@group(0) @binding(${binding}) var<storage, read> ${name}: array<vec4<f32>>;`,
    rowSetup: (v, row) => [`let ${v}base = (g * ${rowsPerGroup} + ${row}) * K_PAD;`],
    fetch: (v, kk) => `${name}[(${v}base + ${kk}) / 4u]`,
  };
}

function gatherBody(p: ConvProblem): string {
  const nhwc = p.layout === "NHWC";
  const inside = allOf([
    "ok",
    "kk < K_GROUP",
    p.padH > 0 && "ih >= 0",
    "ih < i32(H)",
    p.padW > 0 && "iw >= 0",
    "iw < i32(W)",
  ]);
  const index = nhwc
    ? "((n * H + u32(ih)) * W + u32(iw)) * C + g * CG + c"
    : "((n * C + g * CG + c) * H + u32(ih)) * W + u32(iw)";
  return [
    ...(nhwc
      ? ["let c = kk % CG;", "let rs = kk / CG;"]
      : ["let c = kk / (R * S);", "let rs = kk % (R * S);"]),
    "let ih = ih0 + i32((rs / S) * DIL_H);",
    "let iw = iw0 + i32((rs % S) * DIL_W);",
    `return select(0.0, input[min(${index}, N * C * H * W - 1u)], ${inside});`,
  ]
    .map((l) => `  ${l}`)
    .join("\n");
}

function storageCap(limits: DeviceLimits): number {
  return Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
}

function space(problem: ConvProblem, limits: DeviceLimits): TuningSpace {
  const shape = gemmShape(problem);
  const cap = storageCap(limits);
  return {
    params: [
      ...GEMM_TILE_PARAMS,
      ...GEMM_MEMORY_PARAMS,
      {
        name: "WG",
        values: [64, 128, 256],
        doc: "invocations per workgroup of the im2col and filter-packing passes",
      },
    ],
    rules: [
      rule("columns-size", ["BM", "BK"], (c) => {
        const bytes = shape.groups * roundUp(shape.m, c.BM as number) * roundUp(shape.k, c.BK as number) * 4;
        return bytes <= cap
          ? null
          : `the ${bytes}-byte patch matrix exceeds this device's ${cap}-byte buffer limit`;
      }),
      ...gemmRules(shape, limits, {
        a: () => ({ along: "k", width: 4 }),
        b: () => ({ along: "k", width: 4 }),
        needs: [],
      }),
      rule("staging-invocations", ["WG"], (c) =>
        (c.WG as number) <=
        Math.min(limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX)
          ? null
          : `WG=${c.WG} exceeds maxComputeInvocationsPerWorkgroup=${limits.maxComputeInvocationsPerWorkgroup}`,
      ),
    ],
  };
}

export function im2colPasses(problem: ConvProblem, config: Config, limits: DeviceLimits): KernelPass[] {
  const shape = gemmShape(problem);
  const { mPad, nPad, kPad } = padded(shape, config);
  const wg = param(config, "WG");
  const columnVec4s = (shape.groups * mPad * kPad) / 4;
  const packedVec4s = (shape.groups * nPad * kPad) / 4;
  const padConstants = { M_PAD: mPad, N_PAD: nPad, K_PAD: kPad };
  const staging = fillTemplate(im2colWgsl, {
    CONSTANTS: wgslConstants(
      {
        ...problemConstants(problem),
        ...padConstants,
        M_TOTAL: shape.m,
        K_GROUP: shape.k,
        PQ: shape.m / problem.n,
        WG: wg,
        COLUMN_VEC4S: columnVec4s,
        PACKED_VEC4S: packedVec4s,
      },
      ["PAD_H", "PAD_W"],
    ),
    GATHER: gatherBody(problem),
  });
  const a = denseOperand(0, "columns", "M_PAD");
  const b = denseOperand(1, "packed", "N_PAD");
  const gemm = gemmWgsl({
    problem,
    shape,
    tiles: tileConfig(config),
    a,
    b,
    declarations: [a.declarations, b.declarations, outputBinding(problem, shape, 2, "f32")].join("\n"),
    constants: padConstants,
  });
  return [
    {
      label: "pack_filter",
      wgsl: staging,
      entryPoint: "pack_filter",
      dispatch: spreadDispatch(packedVec4s, wg, limits),
      bindings: ["filter", "packed"],
    },
    {
      label: "im2col",
      wgsl: staging,
      entryPoint: "im2col",
      dispatch: spreadDispatch(columnVec4s, wg, limits),
      bindings: ["input", "columns"],
    },
    {
      label: "gemm",
      wgsl: gemm,
      entryPoint: "main",
      dispatch: [mPad / param(config, "BM"), nPad / param(config, "BN"), shape.groups],
      bindings: ["columns", "packed", "output"],
    },
  ];
}

export const im2colFamily: KernelFamily = {
  id: "im2col",
  title: "im2col + GEMM",
  description:
    "Three passes: im2col writes the patch matrix (output pixels x channel-taps) once, a second pass repacks the filter, both zero-padded to whole tiles, and then the same register-tiled GEMM as igemm runs with aligned vec4 loads on both operands and no bounds checks or index arithmetic in its loop. It wins where the implicit gather is costly or cannot vectorise: NCHW input, channel counts not divisible by 4 (the 3-channel stem, 7x7 filters with a reduction of 147), strides and dilations, and small images whose whole patch matrix stays in cache; it loses on big 3x3 layers, where the patch matrix costs R*S times the input's memory traffic.",
  unsupported: f32Only,
  space,
  plan(problem, config, limits): KernelPlan {
    const shape = gemmShape(problem);
    const { mPad, nPad, kPad } = padded(shape, config);
    return {
      family: "im2col",
      shaderKey: shaderKey("im2col", problem, space(problem, limits), config),
      passes: im2colPasses(problem, config, limits),
      scratch: [
        { name: "columns", bytes: shape.groups * mPad * kPad * 4 },
        { name: "packed", bytes: shape.groups * nPad * kPad * 4 },
      ],
    };
  },
};
