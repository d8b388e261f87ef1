import { afterAll, describe, expect, it } from "vitest";
import { nodeGpu } from "../cli/node-gpu";
import { type AcquiredDevice, acquireDevice } from "./device";
import { runSmokeKernel } from "./smoke";

describe("Dawn in Node", () => {
  let acquired: AcquiredDevice | undefined;
  afterAll(() => acquired?.device.destroy());

  it("acquires a real adapter with timestamp-query and the adapter's compute limits", async () => {
    const result = await acquireDevice(await nodeGpu());
    if (!result.ok) throw new Error(result.message);
    acquired = result;
    expect(result.adapter.features).toContain("timestamp-query");
    expect(result.hasTimestamps).toBe(true);
    expect(result.adapter.limits.maxComputeInvocationsPerWorkgroup).toBeGreaterThanOrEqual(256);
    expect(result.device.limits.maxComputeWorkgroupStorageSize).toBe(
      result.adapter.limits.maxComputeWorkgroupStorageSize,
    );
  });

  it("runs real WGSL and times it with timestamp queries", async () => {
    if (!acquired) throw new Error("no device");
    const result = await runSmokeKernel(acquired.device, 4096);
    // out[i] = 64 steps of acc = acc*0.5 + 1 from acc = i: converges to 2.
    expect(result.head[0]).toBeCloseTo(2, 5);
    expect(result.kernelNs).toBeGreaterThan(0);
  });

  it("reports a loss as an event and a missing WebGPU as a typed result", async () => {
    const lostReasons: string[] = [];
    const result = await acquireDevice(await nodeGpu(), { onLost: (info) => lostReasons.push(info.message) });
    if (!result.ok) throw new Error(result.message);
    result.device.destroy();
    expect((await result.lost).reason).toBe("destroyed");
    expect(lostReasons).toEqual([]); // a deliberate destroy is not a loss to act on

    const none = await acquireDevice(undefined);
    expect(none).toMatchObject({ ok: false, reason: "no-webgpu" });
  });
});
