import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeDevice } from "../cli/node-gpu";
import type { DeviceLimits, KernelPlan } from "../core/families/family";
import { FAMILIES, familyById } from "../core/families/index";
import {
  type ConvProblem,
  formatProblem,
  makeProblem,
  outputSize,
  parseProblem,
  tensorElements,
} from "../core/problem";
import { rng } from "../core/random";
import { sampleConfig } from "../core/space/space";
import { toleranceFor } from "../core/tolerance";
import { KernelCache } from "./kernel";
import { deviceLimits } from "./limits";
import { verifyConfig, verifyPlan } from "./verify";

let device: GPUDevice;
let limits: DeviceLimits;
let cache: KernelCache;

beforeAll(async () => {
  const acquired = await nodeDevice();
  device = acquired.device;
  limits = deviceLimits(acquired.adapter);
  cache = new KernelCache(device);
});
afterAll(() => device?.destroy());

/** Small problems with odd and prime sizes, 1x1 to 5x5 filters, pads, strides, dilations, groups, both layouts. */
const problems: fc.Arbitrary<ConvProblem> = fc
  .record({
    n: fc.integer({ min: 1, max: 3 }),
    cPerGroup: fc.integer({ min: 1, max: 9 }),
    kPerGroup: fc.integer({ min: 1, max: 11 }),
    groups: fc.constantFrom(1, 1, 1, 2, 3),
    h: fc.integer({ min: 1, max: 13 }),
    w: fc.integer({ min: 1, max: 13 }),
    r: fc.constantFrom(1, 1, 2, 3, 3, 5),
    s: fc.constantFrom(1, 1, 2, 3, 3, 5),
    padH: fc.integer({ min: 0, max: 2 }),
    padW: fc.integer({ min: 0, max: 2 }),
    strideH: fc.integer({ min: 1, max: 3 }),
    strideW: fc.integer({ min: 1, max: 3 }),
    dilH: fc.integer({ min: 1, max: 2 }),
    dilW: fc.integer({ min: 1, max: 2 }),
    layout: fc.constantFrom("NCHW" as const, "NHWC" as const),
  })
  .map(({ cPerGroup, kPerGroup, groups, ...rest }) =>
    makeProblem({ ...rest, c: cPerGroup * groups, k: kPerGroup * groups, groups }),
  )
  .filter((p) => {
    const { p: oh, q: ow } = outputSize(p);
    return oh >= 1 && ow >= 1;
  });

// The tensor-core family needs subgroup matrices, which SwiftShader lacks: its kernels are verified on the
// H200 (bench/h200/tensor-cores.sh), its spaces and WGSL in src/core/families/mma.test.ts.
describe.each(FAMILIES.filter((f) => f.roof !== "matrix").map((f) => f.id))("family %s on Dawn", (id) => {
  const family = familyById(id);

  it("matches the reference on random problems and random valid configs", async () => {
    await fc.assert(
      fc.asyncProperty(problems, fc.integer({ min: 0, max: 2 ** 31 }), async (problem, seed) => {
        fc.pre(family.unsupported(problem) === null); // e.g. splitk declines reductions too short to split
        const config = sampleConfig(family.space(problem, limits), rng(seed));
        expect(config, `empty space for ${formatProblem(problem)}`).not.toBeNull();
        if (!config) return;
        const result = await verifyConfig(cache, family, problem, config, limits, { seed });
        expect(result, `${formatProblem(problem)} ${JSON.stringify(config)}`).toMatchObject({ ok: true });
      }),
      { numRuns: 25, seed: 20260501, endOnFailure: true },
    );
  });
});

describe("verification", () => {
  const problem = parseProblem("1x4x6x6,8x3x3,pad=1,layout=NHWC");

  it("catches a kernel that leaves outputs unwritten and one that computes the wrong thing", async () => {
    const igemm = familyById("igemm");
    const config = { BM: 32, BN: 16, BK: 8, TM: 4, TN: 4, VA: 4, VB: 4, PAD: 0, DB: 0 };
    const plan = igemm.plan(problem, config, limits);
    const pass = plan.passes[0];
    if (!pass) throw new Error("no pass");
    // 36 output pixels need two 32-pixel workgroups; dispatching one leaves 4 rows unwritten.
    const skipped = {
      ...plan,
      shaderKey: `${plan.shaderKey}|no-dispatch`,
      passes: [{ ...pass, dispatch: [1, 1, 1] as [number, number, number] }],
    };
    expect(await verifyPlan(cache, problem, skipped)).toMatchObject({ ok: false, kind: "unwritten" });
    // A filter index off by one: every element written, the values wrong.
    const wrong = pass.wgsl.replace("weights[(base + kk) / 4u]", "weights[(base + kk) / 4u + 1u]");
    expect(wrong).not.toBe(pass.wgsl);
    const broken = { ...plan, shaderKey: `${plan.shaderKey}|wrong`, passes: [{ ...pass, wgsl: wrong }] };
    expect(await verifyPlan(cache, problem, broken)).toMatchObject({ ok: false, kind: "mismatch" });
  });

  it("returns compile failures and invalid configs as values", async () => {
    const direct = familyById("direct");
    const plan = direct.plan(problem, { TK: 2, TQ: 2, WGX: 16, WGY: 2 }, limits);
    const bad = {
      ...plan,
      shaderKey: "bad",
      passes: plan.passes.map((p) => ({ ...p, wgsl: `${p.wgsl}\nfn oops( {` })),
    };
    expect(await verifyPlan(cache, problem, bad)).toMatchObject({ ok: false, kind: "compile" });
    const invalid = await verifyConfig(cache, direct, problem, { TK: 2, TQ: 2, WGX: 256, WGY: 4 }, limits);
    expect(invalid).toMatchObject({ ok: false, kind: "invalid" });
    if (!invalid.ok)
      expect(invalid.message).toContain(
        "invocations: WGX*WGY=1024 exceeds maxComputeInvocationsPerWorkgroup",
      );
  });

  it("checks every element of a large problem against the GPU reference", async () => {
    const large = parseProblem("1x32x24x24,32x3x3,pad=1");
    const result = await verifyConfig(
      cache,
      familyById("igemm"),
      large,
      { BM: 64, BN: 32, BK: 16, TM: 4, TN: 4, VA: 1, VB: 4, PAD: 4, DB: 1 },
      limits,
      { maxCpuReferenceMacs: 1e5 },
    );
    expect(result).toMatchObject({ ok: true, reference: "gpu", compared: tensorElements(large).output });
  });

  it("catches a kernel with a single wrong output element, on every seed", async () => {
    const large = parseProblem("2x16x20x20,24x3x3,pad=1,layout=NHWC");
    const config = { BM: 64, BN: 32, BK: 16, TM: 4, TN: 4, VA: 4, VB: 4, PAD: 4, DB: 1 };
    const plan = familyById("igemm").plan(large, config, limits);
    const total = tensorElements(large).output;
    expect(await verifyPlan(cache, large, plan, { seed: 1, maxCpuReferenceMacs: 1e5 })).toMatchObject({
      ok: true,
    });
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      // The right kernel, then one element nudged by a quarter (the output's RMS is about 4).
      const at = Math.floor(rng(seed)() * total);
      const broken = {
        ...plan,
        shaderKey: `${plan.shaderKey}|one-wrong-at-${at}`,
        passes: [
          ...plan.passes,
          {
            label: "one-wrong",
            entryPoint: "main",
            dispatch: [1, 1, 1] as [number, number, number],
            bindings: ["output"],
            wgsl: `@group(0) @binding(0) var<storage, read_write> output: array<f32>;
@compute @workgroup_size(1)
fn main() { output[${at}] = output[${at}] + 0.25; }`,
          },
        ],
      };
      const result = await verifyPlan(cache, large, broken, { seed, maxCpuReferenceMacs: 1e5 });
      expect(result, `seed ${seed}, element ${at}`).toMatchObject({ ok: false, kind: "mismatch" });
      if (!result.ok) expect(result.message).toContain(`at offset ${at}`);
    }
  });
});

describe("f16 problems on a device without shader-f16", () => {
  // A plain convolution over f16 words (unpacked and packed by hand, so no shader-f16 is needed):
  // enough to check the f16 bench, reference and comparison end to end on SwiftShader.
  const problem = parseProblem("1x8x6x6,4x3x3,pad=1,layout=NHWC,precision=f16");
  const packedConv = (nudge: string) => `
@group(0) @binding(0) var<storage, read> input: array<u32>;
@group(0) @binding(1) var<storage, read> weights: array<u32>;
@group(0) @binding(2) var<storage, read_write> output: array<u32>;
fn inputAt(i: u32) -> f32 { return unpack2x16float(input[i / 2u])[i % 2u]; }
fn weightAt(i: u32) -> f32 { return unpack2x16float(weights[i / 2u])[i % 2u]; }
fn conv(e: u32) -> f32 {
  let k = e % 4u;
  let q = (e / 4u) % 6u;
  let p = e / 24u;
  var sum = 0.0;
  for (var r = 0u; r < 3u; r++) {
    for (var s = 0u; s < 3u; s++) {
      let ih = i32(p + r) - 1;
      let iw = i32(q + s) - 1;
      if (ih < 0 || ih >= 6 || iw < 0 || iw >= 6) { continue; }
      for (var c = 0u; c < 8u; c++) {
        sum += inputAt((u32(ih) * 6u + u32(iw)) * 8u + c) * weightAt(((k * 3u + r) * 3u + s) * 8u + c);
      }
    }
  }
  return sum${nudge};
}
@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= 72u) { return; }
  output[id.x] = pack2x16float(vec2<f32>(conv(2u * id.x), conv(2u * id.x + 1u)));
}`;
  const planOf = (label: string, wgsl: string): KernelPlan => ({
    family: "test",
    shaderKey: `packed-f16-conv|${label}`,
    passes: [
      { label, wgsl, entryPoint: "main", dispatch: [9, 1, 1], bindings: ["input", "filter", "output"] },
    ],
    scratch: [],
  });

  it("verify an f16 output against the reference of the rounded inputs, within the f16 tolerance", async () => {
    const result = await verifyPlan(cache, problem, planOf("right", packedConv("")), { seed: 3 });
    expect(result).toMatchObject({ ok: true, compared: 144 });
    if (!result.ok) return;
    // The output's f16 rounding is visible, and inside the derived bound (src/core/tolerance.ts).
    expect(result.relativeError).toBeGreaterThan(1e-6);
    expect(result.relativeError).toBeLessThan(toleranceFor(problem, 1).relative);
  });

  it("catch one f16 element off by a tenth, on every seed", async () => {
    for (const seed of [1, 2, 3]) {
      const at = Math.floor(rng(seed)() * 144);
      const wrong = planOf(`wrong-${at}`, packedConv(` + select(0.0, 0.1, e == ${at}u)`));
      const result = await verifyPlan(cache, problem, wrong, { seed });
      expect(result, `seed ${seed}, element ${at}`).toMatchObject({ ok: false, kind: "mismatch" });
      if (!result.ok) expect(result.message).toContain(`at offset ${at}`);
    }
  });
});
