import directWgsl from "../../../shaders/direct.wgsl";
import { type ConvProblem, outputSize } from "../problem";
import { type Config, rule, type TuningSpace } from "../space/space";
import {
  allOf,
  ceilDiv,
  f32Only,
  fillTemplate,
  param,
  pow2Range,
  problemConstants,
  shaderKey,
  wgslConstants,
} from "./codegen";
import type { DeviceLimits, KernelFamily, KernelPlan } from "./family";

/** Registers one invocation may hold before the estimate calls it spilling. */
const REGISTER_BUDGET = 128;
/** Fewer invocations than one 32-wide SIMD group leave lanes idle on every GPU worth tuning. */
const MIN_INVOCATIONS = 32;

function geometry(problem: ConvProblem, config: Config) {
  const { p: P, q: Q } = outputSize(problem);
  const tq = param(config, "TQ");
  const qTiles = ceilDiv(Q, tq);
  return { P, Q, qTiles, pixelTiles: problem.n * P * qTiles, kg: problem.k / problem.groups };
}

function space(problem: ConvProblem, limits: DeviceLimits): TuningSpace {
  const kg = problem.k / problem.groups;
  const { q: Q } = outputSize(problem);
  return {
    params: [
      { name: "TK", values: [1, 2, 4, 8], doc: "output channels each invocation accumulates (filter reuse)" },
      {
        name: "TQ",
        values: [1, 2, 4, 8, 16],
        doc: "adjacent output pixels of a row per invocation (input reuse)",
      },
      { name: "WGX", values: pow2Range(1, 256), doc: "workgroup invocations along output pixels" },
      { name: "WGY", values: pow2Range(1, 64), doc: "workgroup invocations along output channels" },
    ],
    rules: [
      rule("channel-tile", ["TK"], (c) =>
        (c.TK as number) <= 1 || (c.TK as number) < 2 * kg
          ? null
          : `TK=${c.TK} leaves most of the tile idle: a group has only ${kg} output channels`,
      ),
      rule("pixel-tile", ["TQ"], (c) =>
        (c.TQ as number) <= 1 || (c.TQ as number) < 2 * Q
          ? null
          : `TQ=${c.TQ} leaves most of the tile idle: an output row has only ${Q} pixels`,
      ),
      rule("register-pressure", ["TK", "TQ"], (c) => {
        const tk = c.TK as number;
        const tq = c.TQ as number;
        const estimate = tk * tq + tk + tq + 16;
        return estimate <= REGISTER_BUDGET
          ? null
          : `TK*TQ=${tk * tq} accumulators need about ${estimate} registers (budget ${REGISTER_BUDGET})`;
      }),
      rule("workgroup-size-x", ["WGX"], (c) =>
        (c.WGX as number) <= limits.maxComputeWorkgroupSizeX
          ? null
          : `WGX=${c.WGX} exceeds maxComputeWorkgroupSizeX=${limits.maxComputeWorkgroupSizeX}`,
      ),
      rule("idle-pixel-invocations", ["TQ", "WGX"], (c) => {
        const tiles = geometry(problem, c).pixelTiles;
        // up to MIN_INVOCATIONS stay allowed: a depthwise layer has a single channel tile (WGY=1)
        return (c.WGX as number) <= MIN_INVOCATIONS || (c.WGX as number) < 2 * tiles
          ? null
          : `WGX=${c.WGX} exceeds the ${tiles} pixel tiles of TQ=${c.TQ}: most invocations idle`;
      }),
      rule("workgroup-size-y", ["WGY"], (c) =>
        (c.WGY as number) <= limits.maxComputeWorkgroupSizeY
          ? null
          : `WGY=${c.WGY} exceeds maxComputeWorkgroupSizeY=${limits.maxComputeWorkgroupSizeY}`,
      ),
      rule("idle-channel-invocations", ["TK", "WGY"], (c) => {
        const tiles = ceilDiv(kg, c.TK as number);
        return (c.WGY as number) <= tiles
          ? null
          : `WGY=${c.WGY} exceeds the ${tiles} channel tiles of TK=${c.TK}: invocations would idle`;
      }),
      rule("invocations", ["WGX", "WGY"], (c) => {
        const n = (c.WGX as number) * (c.WGY as number);
        if (n > limits.maxComputeInvocationsPerWorkgroup)
          return `WGX*WGY=${n} exceeds maxComputeInvocationsPerWorkgroup=${limits.maxComputeInvocationsPerWorkgroup}`;
        return n >= MIN_INVOCATIONS
          ? null
          : `WGX*WGY=${n} is below ${MIN_INVOCATIONS} invocations per workgroup`;
      }),
      rule("dispatch", ["TK", "TQ", "WGX", "WGY"], (c) => {
        const [x, y, z] = dispatchOf(problem, c);
        const most = Math.max(x, y, z);
        return most <= limits.maxComputeWorkgroupsPerDimension
          ? null
          : `dispatch ${x}x${y}x${z} exceeds maxComputeWorkgroupsPerDimension=${limits.maxComputeWorkgroupsPerDimension}`;
      }),
    ],
  };
}

function dispatchOf(problem: ConvProblem, config: Config): [number, number, number] {
  const { pixelTiles, kg } = geometry(problem, config);
  return [
    ceilDiv(pixelTiles, param(config, "WGX")),
    ceilDiv(ceilDiv(kg, param(config, "TK")), param(config, "WGY")),
    problem.groups,
  ];
}

/** The WGSL of one config: the template with the loops unrolled over the TK x TQ tile. */
export function directWgslFor(problem: ConvProblem, config: Config): string {
  const tk = param(config, "TK");
  const tq = param(config, "TQ");
  const { Q, qTiles, pixelTiles, kg } = geometry(problem, config);
  const nhwc = problem.layout === "NHWC";
  const padded = problem.padH > 0 || problem.padW > 0;
  // Columns past the row end exist only when TQ does not divide Q; channels past KG when TK does not divide it.
  const ragged = Q % tq !== 0;
  const raggedK = kg % tk !== 0;
  const ks = Array.from({ length: tk }, (_, i) => i);
  const qs = Array.from({ length: tq }, (_, j) => j);

  const accumulators = ks.flatMap((i) => qs.map((j) => `  var acc_${i}_${j} = 0.0;`)).join("\n");
  const channel = (i: number) => (raggedK ? `min(k0 + ${i}u, KG - 1u)` : `k0 + ${i}u`);
  const filterIndex = (i: number) =>
    nhwc
      ? `((g * KG + ${channel(i)}) * R * S + r * S + s) * CG + c`
      : `((g * KG + ${channel(i)}) * CG + c) * R * S + r * S + s`;
  const inputIndex = (col: string) =>
    nhwc
      ? `((n * H + u32(ih)) * W + u32(${col})) * C + g * CG + c`
      : `((n * C + g * CG + c) * H + u32(ih)) * W + u32(${col})`;
  const columnInRange = (j: number) =>
    allOf([padded && `iw_${j} >= 0`, (padded || ragged) && `iw_${j} < i32(W)`]);
  const body = [
    ...ks.map((i) => `let f_${i} = weights[${filterIndex(i)}];`),
    ...qs.flatMap((j) => {
      const load = `input[${inputIndex(`iw_${j}`)}]`;
      const inRange = columnInRange(j);
      return [
        `let iw_${j} = iw0 + i32(${j * problem.strideW}u + s * DIL_W);`,
        inRange === "true"
          ? `let x_${j} = ${load};`
          : `var x_${j} = 0.0;\nif (${inRange}) { x_${j} = ${load}; }`,
      ];
    }),
    ...ks.flatMap((i) => qs.map((j) => `acc_${i}_${j} = fma(f_${i}, x_${j}, acc_${i}_${j});`)),
  ];
  const rowCheck = padded ? "if (ih < 0 || ih >= i32(H)) { continue; }" : "";
  const rowOf = "let ih = ih0 + i32(r * DIL_H);";
  const loop = (v: string, bound: string, inner: string[]) => [
    `for (var ${v} = 0u; ${v} < ${bound}; ${v}++) {`,
    ...inner.map((l) => `  ${l}`),
    "}",
  ];
  const sLoop = loop(
    "s",
    "S",
    body.flatMap((l) => l.split("\n")),
  );
  const loops = nhwc
    ? loop("r", "R", [
        rowOf,
        rowCheck,
        ...loop(
          "s",
          "S",
          loop(
            "c",
            "CG",
            body.flatMap((l) => l.split("\n")),
          ),
        ),
      ])
    : loop("c", "CG", loop("r", "R", [rowOf, rowCheck, ...sLoop]));

  const outputIndex = (i: number, j: number) =>
    nhwc
      ? `((n * P + p) * Q + q0 + ${j}u) * K + g * KG + k0 + ${i}u`
      : `((n * K + g * KG + k0 + ${i}u) * P + p) * Q + q0 + ${j}u`;
  const store = ks.flatMap((i) =>
    qs.map((j) => {
      const inRange = allOf([ragged && `q0 + ${j}u < Q`, raggedK && `k0 + ${i}u < KG`]);
      const write = `output[${outputIndex(i, j)}] = acc_${i}_${j};`;
      return inRange === "true" ? `  ${write}` : `  if (${inRange}) { ${write} }`;
    }),
  );

  const constants = {
    ...problemConstants(problem),
    TK: tk,
    TQ: tq,
    WGX: param(config, "WGX"),
    WGY: param(config, "WGY"),
    Q_TILES: qTiles,
    PIXEL_TILES: pixelTiles,
  };
  return fillTemplate(directWgsl, {
    CONSTANTS: wgslConstants(constants),
    ACCUMULATORS: accumulators,
    LOOPS: loops
      .filter((l) => l.trim() !== "")
      .map((l) => `  ${l}`)
      .join("\n"),
    STORE: store.join("\n"),
  });
}

export const directFamily: KernelFamily = {
  id: "direct",
  title: "Direct convolution",
  description:
    "Each invocation reads the input and filter straight from storage and accumulates a tile of TQ adjacent output pixels by TK output channels, so every filter value is reused TQ times and every input value TK times from registers. No workgroup memory and no staging: the baseline that wins on depthwise and other grouped layers with few channels per group, where a GEMM's tiles would sit mostly idle. WGX and WGY shape the workgroup over pixels and channels.",
  unsupported: f32Only,
  space,
  plan(problem, config, limits): KernelPlan {
    const s = space(problem, limits);
    const wgsl = directWgslFor(problem, config);
    return {
      family: "direct",
      shaderKey: shaderKey("direct", problem, s, config),
      passes: [
        {
          label: "direct",
          wgsl,
          entryPoint: "main",
          dispatch: dispatchOf(problem, config),
          bindings: ["input", "filter", "output"],
        },
      ],
      scratch: [],
    };
  },
};
