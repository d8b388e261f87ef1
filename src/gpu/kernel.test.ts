import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeDevice } from "../cli/node-gpu";
import { directFamily } from "../core/families/direct";
import type { DeviceLimits } from "../core/families/family";
import { igemmFamily } from "../core/families/igemm";
import { parseProblem, tensorElements } from "../core/problem";
import { rng } from "../core/random";
import { referenceConv, relativeError } from "../core/reference";
import { randomTensor } from "./bench";
import { createKernelInstance, KernelCache } from "./kernel";
import { deviceLimits } from "./limits";
import { timeComputePass } from "./timestamps";
import { verifyConfig } from "./verify";

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

describe("kernels on Dawn", () => {
  it("reads the device's limits", () => {
    expect(limits.maxComputeInvocationsPerWorkgroup).toBe(device.limits.maxComputeInvocationsPerWorkgroup);
    expect(limits.subgroups).toBe(device.features.has("subgroups"));
  });

  it("verifies a direct and an implicit-GEMM kernel", async () => {
    const problem = parseProblem("2x5x9x7,6x3x3,pad=1");
    const direct = await verifyConfig(
      cache,
      directFamily,
      problem,
      { TK: 2, TQ: 4, WGX: 16, WGY: 2 },
      limits,
    );
    expect(direct).toMatchObject({ ok: true });
    const igemm = await verifyConfig(
      cache,
      igemmFamily,
      problem,
      { BM: 32, BN: 16, BK: 8, TM: 4, TN: 4, VA: 1, VB: 1, PAD: 4, DB: 1 },
      limits,
    );
    expect(igemm).toMatchObject({ ok: true });
  });

  it("shares pipelines by shader key and lets a timed pass repeat the dispatches", async () => {
    const problem = parseProblem("1x8x6x6,12x3x3,pad=1,layout=NHWC");
    const config = { BM: 32, BN: 16, BK: 8, TM: 4, TN: 4, VA: 4, VB: 4, PAD: 0, DB: 1 };
    const plan = igemmFamily.plan(problem, config, limits);
    const first = await cache.compile(plan);
    const again = await cache.compile(igemmFamily.plan(problem, config, limits));
    if (!first.ok || !again.ok) throw new Error("compile failed");
    expect(again.pipelines[0]).toBe(first.pipelines[0]);
    expect(again.compileMs).toBe(0);

    const made = await createKernelInstance(device, problem, first);
    if (!made.ok) throw new Error(made.message);
    const sizes = tensorElements(problem);
    const random = rng(11);
    const input = randomTensor(sizes.input, random);
    const filter = randomTensor(sizes.filter, random);
    made.instance.write(input, filter);
    made.instance.poisonOutput();
    const ns = await timeComputePass(device, (pass) => {
      for (let i = 0; i < 5; i++) made.instance.encode(pass);
    });
    expect(ns).toBeGreaterThan(0);
    const output = await made.instance.readOutput();
    expect(relativeError(output, referenceConv(problem, input, filter))).toBeLessThan(1e-5);
    made.instance.destroy();
  });
});
