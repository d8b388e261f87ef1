import { describe, expect, it } from "vitest";
import { type ConvProblem, parseProblem } from "../problem";
import { rng } from "../random";
import {
  allowedNext,
  checkConfig,
  checkPrefix,
  enumerate,
  rawSize,
  sampleConfig,
  spaceSize,
  toValues,
} from "../space/space";
import { suiteLayers } from "../suites";
import { directWgslFor } from "./direct";
import { type DeviceLimits, SPEC_DEFAULT_LIMITS } from "./family";
import { igemmWgslFor } from "./igemm";
import { FAMILIES, familyById, planConfig } from "./index";

/** What Dawn reports on an NVIDIA H100 (see the design notes). */
const H100: DeviceLimits = {
  ...SPEC_DEFAULT_LIMITS,
  maxComputeInvocationsPerWorkgroup: 1024,
  maxComputeWorkgroupSizeX: 1024,
  maxComputeWorkgroupSizeY: 1024,
  maxComputeWorkgroupStorageSize: 49152,
};

const resnet50 = (name: string): ConvProblem => {
  const layer = suiteLayers("resnet50", 1).find((l) => l.name === name);
  if (!layer) throw new Error(`no layer ${name}`);
  return layer.problem;
};

describe("kernel families' spaces", () => {
  it("have hundreds to a few thousand valid configs on resnet50 layers", () => {
    const sizes = Object.fromEntries(
      ["layer1.0.conv2", "layer3.1.conv2", "layer3.1.conv1", "conv1"].map((name) => [
        name,
        FAMILIES.map((f) =>
          f.unsupported(resnet50(name)) ? null : spaceSize(f.space(resnet50(name), H100)),
        ),
      ]),
    );
    // [direct, igemm, splitk, im2col, mma] at batch 1 under H100 limits (f32 NCHW: no tensor cores)
    expect(sizes).toEqual({
      "layer1.0.conv2": [574, 971, 2874, 915, null],
      "layer3.1.conv2": [578, 1628, 6954, 1302, null],
      "layer3.1.conv1": [578, 1628, 7810, 1302, null],
      conv1: [574, 581, 1137, 915, null],
    });
  });

  it("judge every enumerated config valid, and name the rule a config breaks", () => {
    const problem = parseProblem("2x24x17x17,40x3x3,pad=1,layout=NHWC");
    // The tensor-core family (f16 only) has its own tests, under a recorded device's limits.
    for (const family of FAMILIES.filter((f) => !f.unsupported(problem))) {
      const space = family.space(problem, SPEC_DEFAULT_LIMITS);
      let n = 0;
      for (const config of enumerate(space)) {
        expect(checkConfig(space, config)).toEqual([]);
        n++;
      }
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThan(rawSize(space));
    }
    const igemm = familyById("igemm");
    const nchw = parseProblem("1x64x56x56,64x3x3,pad=1");
    const config = { BM: 128, BN: 64, BK: 16, TM: 8, TN: 8, VA: 4, VB: 4, PAD: 4, DB: 1 };
    const result = planConfig(igemm, nchw, config, SPEC_DEFAULT_LIMITS);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.violations.map((v) => v.rule)).toEqual(["vector-input", "workgroup-storage"]);
      expect(result.violations[1]?.message).toBe(
        "25600 bytes of workgroup memory exceed maxComputeWorkgroupStorageSize=16384",
      );
    }
    expect(planConfig(igemm, nchw, { ...config, VA: 1 }, H100).ok).toBe(true);
    // im2col's patch matrix of a batch-32 layer outgrows the spec's 128 MiB binding limit.
    const im2col = familyById("im2col");
    const big = parseProblem("32x64x56x56,64x3x3,pad=1");
    const columns = planConfig(
      im2col,
      big,
      { BM: 128, BN: 64, BK: 16, TM: 8, TN: 8, PAD: 4, DB: 0, WG: 64 },
      H100,
    );
    expect(columns).toMatchObject({
      ok: false,
      violations: [
        {
          rule: "columns-size",
          message: "the 231211008-byte patch matrix exceeds this device's 134217728-byte buffer limit",
        },
      ],
    });
    const half = parseProblem("1x8x8x8,8x3x3,precision=f16");
    expect(planConfig(familyById("im2col"), half, config, H100)).toMatchObject({
      ok: false,
      violations: [{ rule: "unsupported", message: "f32 problems only" }],
    });
    // An f16 problem on a device without shader-f16: every config is refused, saying why.
    const refused = planConfig(igemm, half, config, { ...H100, shaderF16: false });
    expect(refused.ok ? [] : refused.violations).toContainEqual({
      rule: "shader-f16",
      message: expect.stringContaining("shader-f16 feature"),
    });
  });

  it("mask prefixes exactly as the enumeration continues them", () => {
    const problem = parseProblem("1x12x10x10,20x3x3,pad=1,stride=2,layout=NHWC");
    for (const family of FAMILIES) {
      const space = family.space(problem, SPEC_DEFAULT_LIMITS);
      const all = [...enumerate(space)].map((c) => toValues(space, c));
      const depth = Math.min(3, space.params.length - 1);
      const prefixes = new Map<string, number[]>();
      for (const values of all) {
        for (let d = 0; d <= depth; d++) prefixes.set(values.slice(0, d).join(","), values.slice(0, d));
      }
      for (const prefix of prefixes.values()) {
        const continued = new Set(
          all.filter((v) => prefix.every((x, i) => v[i] === x)).map((v) => v[prefix.length]),
        );
        expect(allowedNext(space, prefix)).toEqual(
          [...(space.params[prefix.length]?.values ?? [])].filter((v) => continued.has(v)),
        );
      }
      // A prefix that cannot complete is masked out though no rule is broken yet.
      expect(checkPrefix(space, [])).toBeNull();
    }
  });

  it("refuse a tile at least twice the extent it tiles, but keep 32 below 16", () => {
    // yolov3-tiny's stem: 16 output channels, so a 32-wide tile computes as much padding as output.
    const stem = parseProblem("1x3x416x416,16x3x3,pad=1,layout=NHWC");
    for (const id of ["igemm", "splitk", "im2col"]) {
      const space = familyById(id).space(stem, H100);
      expect(spaceSize(space)).toBeGreaterThan(0);
      expect([...enumerate(space)].every((c) => c.BN === 16)).toBe(true);
    }
    const wide = [
      ...enumerate(familyById("igemm").space(parseProblem("1x3x416x416,64x3x3,pad=1,layout=NHWC"), H100)),
    ];
    const verdicts = checkConfig(familyById("igemm").space(stem, H100), { ...wide.find((c) => c.BN === 32) });
    expect(verdicts.map((v) => v.message)).toContain(
      "BN=32 is at least twice the 16 it tiles: half of the tile or more idles",
    );
    // Eight channels: 16- and 32-wide tiles both stay, so a tiny layer keeps a warp's worth of invocations.
    const eight = familyById("igemm").space(parseProblem("1x8x56x56,8x1x1,layout=NHWC"), H100);
    expect(new Set([...enumerate(eight)].map((c) => c.BN))).toEqual(new Set([16, 32]));
  });

  it("keep a space on tiny and depthwise problems", () => {
    for (const text of ["1x1x1x1,1x1x1", "3x2x3x5,1x3x3,pad=1", "1x32x7x7,32x3x3,pad=1,groups=32"]) {
      for (const family of FAMILIES) {
        const problem = parseProblem(text);
        // A family either declines the problem with a reason or has configs for it.
        if (family.id === "splitk" && problem.c * problem.r * problem.s < problem.groups * 16)
          expect(family.unsupported(problem)).toMatch(/too short to split/);
        else if (family.id === "mma") expect(family.unsupported(problem)).toMatch(/f16 problems only/);
        else expect(spaceSize(family.space(problem, SPEC_DEFAULT_LIMITS))).toBeGreaterThan(0);
      }
    }
  });
});

describe("generated WGSL", () => {
  const shader = (name: string) => `__snapshots__/${name}.wgsl`;

  it("igemm: fast path with no bounds checks when the tiles divide the problem", async () => {
    const problem = parseProblem("32x64x56x56,64x1x1,layout=NHWC");
    const wgsl = igemmWgslFor(problem, {
      BM: 128,
      BN: 64,
      BK: 16,
      TM: 8,
      TN: 8,
      VA: 4,
      VB: 4,
      PAD: 4,
      DB: 1,
    });
    expect(wgsl).not.toContain("select(");
    expect(wgsl).not.toContain("if (m_");
    await expect(wgsl).toMatchFileSnapshot(shader("igemm-1x1-nhwc-fast"));
  });

  it("igemm: checked path for a padded NCHW layer with ragged tiles", async () => {
    const problem = parseProblem("1x3x23x23,10x3x3,pad=1,stride=2");
    const wgsl = igemmWgslFor(problem, { BM: 64, BN: 16, BK: 8, TM: 4, TN: 4, VA: 1, VB: 1, PAD: 0, DB: 0 });
    expect(wgsl).toContain("select(f32(0.0), input[");
    await expect(wgsl).toMatchFileSnapshot(shader("igemm-3x3-nchw-checked"));
  });

  it("splitk: slices of the reduction into partial outputs, then a reduce pass", async () => {
    const problem = parseProblem("1x512x7x7,512x3x3,pad=1,layout=NHWC");
    const config = { BM: 32, BN: 64, BK: 16, TM: 4, TN: 4, VA: 4, VB: 4, PAD: 0, DB: 1, SK: 8 };
    const plan = familyById("splitk").plan(problem, config, H100);
    expect(plan.passes.map((p) => [p.label, p.dispatch, p.bindings])).toEqual([
      ["gemm", [2, 8, 8], ["input", "filter", "partial"]],
      ["reduce", [25, 1, 1], ["partial", "output"]],
    ]);
    expect(plan.scratch).toEqual([{ name: "partial", bytes: 8 * 49 * 512 * 4 }]);
    await expect(plan.passes.map((p) => `// ${p.label}\n${p.wgsl}`).join("\n")).toMatchFileSnapshot(
      shader("splitk-7x7-nhwc"),
    );
    const splitk = familyById("splitk");
    // 4608 channel-taps in BK=16 tiles: 288 tiles, so SK=32 leaves 9 per slice, but a big grid is not split.
    expect(checkConfig(splitk.space(problem, H100), { ...config, SK: 32 })).toEqual([]);
    const big = parseProblem("32x64x56x56,64x3x3,pad=1,layout=NHWC");
    expect(checkConfig(splitk.space(big, H100), config).map((v) => v.rule)).toEqual([
      "split-grid",
      "split-scratch",
    ]);
  });

  it("direct and im2col", async () => {
    const problem = parseProblem("1x32x14x14,32x3x3,pad=1,groups=32");
    await expect(directWgslFor(problem, { TK: 1, TQ: 4, WGX: 64, WGY: 1 })).toMatchFileSnapshot(
      shader("direct-depthwise"),
    );
    const plan = familyById("im2col").plan(
      parseProblem("1x3x32x32,16x7x7,pad=3,stride=2"),
      { BM: 32, BN: 16, BK: 8, TM: 4, TN: 4, PAD: 4, DB: 1, WG: 64 },
      SPEC_DEFAULT_LIMITS,
    );
    expect(plan.passes.map((p) => p.label)).toEqual(["pack_filter", "im2col", "gemm"]);
    await expect(plan.passes.map((p) => `// ${p.label}\n${p.wgsl}`).join("\n")).toMatchFileSnapshot(
      shader("im2col-stem"),
    );
  });
});

describe("every family's rules", () => {
  it("declare every parameter they read: judged on exactly those, the verdict is the same", () => {
    const random = rng(11);
    const f32 = parseProblem("2x24x17x17,40x3x3,pad=1,layout=NHWC");
    for (const family of FAMILIES.filter((f) => !f.unsupported(f32))) {
      const space = family.space(f32, H100);
      for (let trial = 0; trial < 300; trial++) {
        const config = sampleConfig({ ...space, rules: [] }, random);
        if (!config) continue;
        for (const r of space.rules) {
          const read = Object.fromEntries(r.needs.map((name) => [name, config[name] as number]));
          expect(r.check(read), `${family.id} ${r.id} on ${JSON.stringify(config)}`).toBe(r.check(config));
        }
      }
    }
  });
});
