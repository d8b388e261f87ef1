import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeGpu } from "../cli/node-gpu";
import { directFamily } from "../core/families/direct";
import type { DeviceLimits } from "../core/families/family";
import { igemmFamily } from "../core/families/igemm";
import { parseProblem } from "../core/problem";
import { acquireDevice } from "./device";
import { KernelCache } from "./kernel";
import { deviceLimits } from "./limits";
import { verifyConfig, verifyPlan } from "./verify";

let device: GPUDevice;
let limits: DeviceLimits;
let cache: KernelCache;

beforeAll(async () => {
  const acquired = await acquireDevice(await nodeGpu());
  if (!acquired.ok) throw new Error(acquired.message);
  device = acquired.device;
  limits = deviceLimits(device);
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
});
