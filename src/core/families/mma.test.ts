import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseProblem } from "../problem";
import { rng } from "../random";
import { allowedNext, checkConfig, enumerate, sampleConfig, spaceSize } from "../space/space";
import { type DeviceFacts, limitsOf, SPEC_DEFAULT_LIMITS } from "./family";
import { familyRefusal, planConfig } from "./index";
import { matrixShapes, mmaFamily, mmaTiling, mmaWorkgroupBytes } from "./mma";

/** The H200 as `devices --unsafe-features --json` described it (Dawn over Vulkan). */
const recorded = JSON.parse(readFileSync("docs/h200/tensor-cores/devices-unsafe.json", "utf8")) as {
  adapter: DeviceFacts;
};
const H200 = limitsOf(recorded.adapter);
const problem = parseProblem("2x64x14x14,96x3x3,pad=1,layout=NHWC,precision=f16");
const config = {
  MM: 16,
  MN: 16,
  MK: 16,
  WM: 2,
  WN: 2,
  TM: 2,
  TN: 2,
  GA: 0,
  GB: 0,
  BK: 32,
  DB: 1,
  PAD: 8,
  SK: 1,
};

describe("the tensor-core family", () => {
  it("reads its matrix shapes and subgroup size from the device", () => {
    expect(matrixShapes(H200).map((s) => `${s.M}x${s.N}x${s.K}`)).toEqual(["16x16x16", "16x8x16", "16x8x8"]);
    expect(H200.subgroupMaxSize).toBe(32);
    const t = mmaTiling(config, H200);
    expect(t).toMatchObject({ bm: 64, bn: 64, threads: 128, stride: 40 });
    expect(mmaWorkgroupBytes(t)).toBe(2 * 128 * 40 * 2 + 4 * 4 * 256);
  });

  it("says why it cannot run: precision, layout, and devices without the features", () => {
    expect(mmaFamily.unsupported(parseProblem("1x8x8x8,8x3x3,layout=NHWC"))).toMatch(/f16 problems only/);
    expect(mmaFamily.unsupported(parseProblem("1x8x8x8,8x3x3,precision=f16"))).toMatch(/NHWC only/);
    expect(familyRefusal(mmaFamily, problem, SPEC_DEFAULT_LIMITS)).toMatch(/shader-f16/);
    expect(familyRefusal(mmaFamily, problem, { ...H200, subgroupMatrixConfigs: [] })).toMatch(
      /no f16 subgroup matrices .*--unsafe-features/,
    );
    expect(familyRefusal(mmaFamily, problem, { ...H200, subgroupMinSize: 16 })).toMatch(/one subgroup size/);
    expect(familyRefusal(mmaFamily, problem, H200)).toBeNull();
  });

  it("names the rule a config breaks", () => {
    const broken = planConfig(mmaFamily, problem, { ...config, MN: 32, BK: 16, MK: 32 }, H200);
    expect(broken.ok).toBe(false);
    if (!broken.ok)
      expect(broken.violations.map((v) => v.rule)).toEqual(
        expect.arrayContaining(["matrix-shape", "k-step"]),
      );
    const big = planConfig(
      mmaFamily,
      problem,
      { ...config, WM: 4, WN: 4, TM: 4, TN: 2, DB: 1, BK: 64 },
      H200,
    );
    expect(big.ok).toBe(false);
    if (!big.ok) expect(big.violations.map((v) => v.rule)).toContain("workgroup-storage");
  });

  it("keeps exactly the valid configs, whole and by prefix (the beam search's masks)", {
    timeout: 60_000,
  }, () => {
    const space = mmaFamily.space(problem, H200);
    let n = 0;
    for (const c of enumerate(space)) {
      expect(checkConfig(space, c)).toEqual([]);
      n++;
    }
    expect(n).toBe(spaceSize(space));
    expect(n).toBeGreaterThan(500);
    // Every value a prefix allows next leads to a valid config: follow random allowed choices.
    const random = rng(5);
    for (let trial = 0; trial < 50; trial++) {
      const values: number[] = [];
      for (let i = 0; i < space.params.length; i++) {
        const next = allowedNext(space, values);
        expect(next.length).toBeGreaterThan(0);
        values.push(next[Math.floor(random() * next.length)] as number);
      }
      const chosen = Object.fromEntries(space.params.map((p, i) => [p.name, values[i] as number]));
      expect(checkConfig(space, chosen)).toEqual([]);
    }
    // Every rule names every parameter it reads: judging it on exactly those gives the same verdict.
    for (let trial = 0; trial < 200; trial++) {
      const c = sampleConfig({ ...space, rules: [] }, random);
      if (!c) continue;
      for (const r of space.rules) {
        const partial = Object.fromEntries(r.needs.map((name) => [name, c[name] as number]));
        expect(r.check(partial), `${r.id} on ${JSON.stringify(c)}`).toBe(r.check(c));
      }
    }
  });

  it("plans one pass, or a split pass and its reduce into the f16 output", () => {
    const one = planConfig(mmaFamily, problem, config, H200);
    expect(one.ok && one.plan.passes.map((p) => [p.label, p.dispatch, p.bindings])).toEqual([
      ["mma", [7, 2, 1], ["input", "filter", "output"]],
    ]);
    const split = planConfig(mmaFamily, problem, { ...config, SK: 2, DB: 0 }, H200);
    expect(split.ok && split.plan.passes.map((p) => p.label)).toEqual(["mma", "reduce"]);
    // The filter read straight from memory: its rows need 16 bytes (C/groups*R*S = 864 halves here).
    expect(planConfig(mmaFamily, problem, { ...config, GB: 1 }, H200).ok).toBe(true);
    const direct = planConfig(mmaFamily, problem, { ...config, GA: 1 }, H200);
    expect(direct.ok ? [] : direct.violations.map((v) => v.message)).toContain(
      "GA=1 needs a 1x1 convolution with stride 1, no padding and one group",
    );
    expect(split.ok && split.plan.scratch).toEqual([{ name: "partial", bytes: 2 * 392 * 96 * 4 }]);
    if (split.ok) expect(split.plan.passes[1]?.wgsl).toContain("output[i] = vec4<f16>(sum);");
  });
});

describe("its generated WGSL", () => {
  const shader = (name: string) => `__snapshots__/${name}.wgsl`;

  it("double-buffered, one pass, f16 stores through the result tiles", async () => {
    const plan = planConfig(mmaFamily, problem, config, H200);
    if (!plan.ok) throw new Error("config should be valid");
    const wgsl = plan.plan.passes[0]?.wgsl ?? "";
    expect(wgsl).toContain("subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>, row_major>(&tileA");
    expect(wgsl).toContain("subgroupMatrixStore<row_major>(&tileC, sg * 256u, acc_1_1, 16u);");
    expect(wgsl).not.toContain("false, STRIDE"); // the deprecated load form
    await expect(wgsl).toMatchFileSnapshot(shader("mma-3x3-nhwc-f16"));
  });

  it("split-K with ragged tiles: f32 partial sums and bounds checks", async () => {
    const ragged = parseProblem("1x40x9x9,40x3x3,pad=1,layout=NHWC,precision=f16");
    const plan = planConfig(mmaFamily, ragged, { ...config, SK: 2, DB: 0 }, H200);
    if (!plan.ok) throw new Error(JSON.stringify(plan.violations));
    await expect(plan.plan.passes.map((p) => `// ${p.label}\n${p.wgsl}`).join("\n")).toMatchFileSnapshot(
      shader("mma-ragged-splitk"),
    );
  });

  it("eight result matrices along N a subgroup: the fastest unchecked kernel of 32x256x14x14 on the H200", async () => {
    const layer = parseProblem("32x256x14x14,256x3x3,pad=1,layout=NHWC,precision=f16");
    const wide = { ...config, MN: 8, WM: 4, TN: 8, BK: 64, DB: 0, SK: 4 };
    const plan = planConfig(mmaFamily, layer, wide, H200);
    if (!plan.ok) throw new Error(JSON.stringify(plan.violations));
    const wgsl = plan.plan.passes[0]?.wgsl ?? "";
    // 2 x 8 accumulators, each right matrix reused by both left ones.
    expect(wgsl).toContain("acc_1_7 = subgroupMatrixMultiplyAccumulate(a1, b7, acc_1_7);");
    expect(wgsl).not.toContain("acc_2_0");
    await expect(plan.plan.passes.map((p) => `// ${p.label}\n${p.wgsl}`).join("\n")).toMatchFileSnapshot(
      shader("mma-3x3-wide-subgroup-tile"),
    );
  });

  it("a 1x1 convolution with both operands read straight from memory: no staging, no barriers in the loop", async () => {
    const pointwise = parseProblem("2x64x14x14,128x1x1,layout=NHWC,precision=f16");
    const plan = planConfig(mmaFamily, pointwise, { ...config, GA: 1, GB: 1, DB: 0, PAD: 0 }, H200);
    if (!plan.ok) throw new Error(JSON.stringify(plan.violations));
    const wgsl = plan.plan.passes[0]?.wgsl ?? "";
    expect(wgsl).toContain(
      "subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>, row_major>(&input, aRow0 + kt * BK",
    );
    expect(wgsl).not.toContain("tileA");
    await expect(wgsl).toMatchFileSnapshot(shader("mma-1x1-direct"));
  });
});
