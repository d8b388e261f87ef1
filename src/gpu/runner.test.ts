import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeGpu } from "../cli/node-gpu";
import type { TuningRecord } from "../core/dataset/record";
import { directFamily } from "../core/families/direct";
import type { KernelFamily } from "../core/families/family";
import { parseProblem, tensorElements } from "../core/problem";
import { random } from "../core/search/strategies";
import { enumerate, rule } from "../core/space/space";
import { MeasurementEngine, runCandidate } from "./runner";
import { GpuSession } from "./session";
import { runSweep } from "./sweep";
import { measureTfjsBaseline } from "./tfjs-baseline";

const PROBLEM = "1x4x8x8,8x3x3,pad=1";
const problem = parseProblem(PROBLEM);
const GOOD = { TK: 1, TQ: 1, WGX: 4, WGY: 8 };
// Peaks passed in, so these tests do not spend time on the microbenchmarks (harness.test.ts runs them).
const PEAKS = { peakGflops: 3, peakGBps: 2 };

/** The direct family with its WGSL changed by `edit`: a way to make real broken kernels. */
function editedDirect(id: string, edit: (wgsl: string) => string): KernelFamily {
  return {
    ...directFamily,
    id,
    plan(p, config, limits) {
      const plan = directFamily.plan(p, config, limits);
      return {
        ...plan,
        family: id,
        shaderKey: `${plan.shaderKey}#${id}`,
        passes: plan.passes.map((pass) => ({ ...pass, wgsl: edit(pass.wgsl) })),
      };
    },
  };
}

/** A kernel that writes 1.0 everywhere: it compiles and runs, and its answer is wrong. */
const constantFamily: KernelFamily = {
  id: "constant",
  title: "Constant",
  description: "Writes 1.0 to every output element.",
  unsupported: () => null,
  space: () => ({
    params: [{ name: "WG", values: [32, 64, 128], doc: "workgroup size" }],
    rules: [rule("not-128", ["WG"], (c) => (c.WG === 128 ? "128 is refused" : null))],
  }),
  plan(p, config) {
    const total = tensorElements(p).output;
    const wg = config.WG ?? 64;
    return {
      family: "constant",
      shaderKey: `constant-${wg}-${total}`,
      scratch: [],
      passes: [
        {
          label: "constant",
          entryPoint: "main",
          dispatch: [Math.ceil(total / wg), 1, 1],
          bindings: ["output"],
          wgsl: `@group(0) @binding(0) var<storage, read_write> output: array<f32>;
@compute @workgroup_size(${wg})
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x < ${total}u) { output[id.x] = 1.0; }
}`,
        },
      ],
    };
  },
};

let session: GpuSession;
beforeAll(async () => {
  session = new GpuSession(await nodeGpu());
});
afterAll(() => session.destroy());

async function run(family: KernelFamily, config: Record<string, number>, harness = {}) {
  const device = await session.deviceInfo(PEAKS);
  return runCandidate(session, device, family, problem, config, { harness });
}

describe("the candidate runner", () => {
  it("verifies, then times a good kernel, with GFLOP/s and fraction of peak", async () => {
    const record = await run(directFamily, GOOD);
    expect(record).toMatchObject({ status: "ok", message: "", family: "direct" });
    expect(record.medianNs).toBeGreaterThan(0);
    expect(record.samplesNs.length).toBeGreaterThanOrEqual(5);
    expect(record.verification?.relativeError).toBeLessThan(1e-4);
    expect(record.verification?.checked).toBe(tensorElements(problem).output);
    expect(record.timing?.method).toBe("timestamp");
    expect(record.peakFraction).toBeCloseTo((record.gflops ?? 0) / PEAKS.peakGflops, 12);
  });

  it("records each failure kind with its message and no time", async () => {
    const broken = editedDirect("broken", (wgsl) => `${wgsl}\nfn oops( {`);
    const compileFailed = await run(broken, GOOD);
    expect(compileFailed.status).toBe("compile-failed");
    expect(compileFailed.message).toMatch(/\d+:\d+: /); // line:column from the compiler

    const wrong = await run(constantFamily, { WG: 64 });
    expect(wrong.status).toBe("wrong-result");
    expect(wrong.message).toMatch(/relative error .* \(limit 0.0001\)/);

    const invalid = await run(constantFamily, { WG: 128 });
    expect(invalid).toMatchObject({ status: "invalid", message: "not-128: 128 is refused" });

    const timeout = await run(directFamily, GOOD, { maxSubmitNs: 1000 });
    expect(timeout.status).toBe("timeout");
    expect(timeout.message).toMatch(/per-submit limit/);

    for (const r of [compileFailed, wrong, invalid, timeout]) {
      expect(r.medianNs).toBeNull();
      expect(r.gflops).toBeNull();
    }
  });
});

describe("compiling ahead", () => {
  it("keeps earlier hints when the next ones name the same problem anew (as a measuring worker's do)", async () => {
    const live = await session.device();
    const device = await session.deviceInfo(PEAKS);
    const engine = new MeasurementEngine(session, device, { add: async () => {} }, { compileAhead: 1 });
    // A problem no other test compiles for: every hinted kernel is new to the device's cache.
    const text = "1x4x10x10,8x3x3,pad=1";
    const valid = [...enumerate(directFamily.space(parseProblem(text), live.limits))].slice(0, 4);
    const before = live.cache.size;
    // One compiles at a time; the rest wait in the queue while the second hint arrives.
    engine.runner(directFamily, parseProblem(text)).prefetch?.(valid.slice(0, 3));
    engine.runner(directFamily, parseProblem(text)).prefetch?.(valid.slice(3));
    await expect.poll(() => live.cache.size - before, { timeout: 20_000 }).toBe(4);
    await engine.flush();
  });
});

describe("sweeps", () => {
  it("survive a device lost mid-candidate: that one is runtime-failed, the rest run on a new device", async () => {
    const first = await session.device();
    const device = await session.deviceInfo(PEAKS);
    const space = directFamily.space(problem, first.limits);
    const engine = new MeasurementEngine(session, device, { add: async () => {} });
    const runner = engine.runner(directFamily, problem);
    let runs = 0;
    // The device is destroyed as the second candidate starts.
    const sabotaged = {
      ...runner,
      run(config: Record<string, number>) {
        if (++runs === 2) void session.device().then((live) => live.device.destroy());
        return runner.run(config);
      },
    };
    const result = await random(space, sabotaged, { seed: 3, budget: { candidates: 4 } });
    await engine.flush();
    const statuses = result.outcomes.map((r) =>
      r.status === "runtime-failed" && /lost|destroy/i.test(r.message) ? "lost" : r.status,
    );
    expect(statuses).toEqual(["ok", "lost", "ok", "ok"]);
    expect(await session.device()).not.toBe(first);
  });

  it("resume after an interruption without losing or repeating a candidate", async () => {
    const request = {
      problems: [PROBLEM],
      families: ["direct"],
      strategy: "random" as const,
      seed: 7,
      budget: { candidates: 5 },
      baseline: false,
    };
    const stored: TuningRecord[] = [];
    const sink = { add: async (r: TuningRecord) => void stored.push(r) };
    const controller = new AbortController();
    const interrupted = await runSweep(session, request, sink, {
      peaks: PEAKS,
      signal: controller.signal,
      onProgress: (p) => p.done === 2 && controller.abort(),
    });
    expect(interrupted.stopped).toBe("aborted");
    expect(stored).toHaveLength(2);

    const progress: number[] = [];
    const resumed = await runSweep(session, request, sink, {
      peaks: PEAKS,
      existing: [...stored],
      onProgress: (p) => progress.push(p.done),
    });
    expect(progress).toEqual([1, 2, 3, 4, 5]); // the first two come from the store
    expect(stored).toHaveLength(5); // only three new runs
    expect(new Set(stored.map((r) => JSON.stringify(r.config))).size).toBe(5);
    expect(resumed).toMatchObject({ problems: 1, candidates: 5 });
    expect(resumed.best[0]?.medianNs).toBe(Math.min(...stored.flatMap((r) => r.medianNs ?? [])));
  });

  it("times tfjs's conv2d on the same problem as the peer", async () => {
    const result = await measureTfjsBaseline(session.gpu as GPU, problem, { samples: 3 });
    if (!result.ok) throw new Error(result.message);
    expect(result.baseline.medianNs).toBeGreaterThan(0);
    expect(result.baseline.gflops).toBeGreaterThan(0);
  });

  it("gives each baseline a fresh tfjs backend, on a device of its own", async () => {
    const tf = await import("@tensorflow/tfjs");
    const devices: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      const result = await measureTfjsBaseline(session.gpu as GPU, problem, { samples: 2 });
      expect(result, result.ok ? "" : result.message).toMatchObject({ ok: true });
      // The backend that timed it has been replaced: the next use builds a new one.
      expect(tf.findBackend("webgpu")).toBeNull();
      await tf.setBackend("webgpu");
      devices.push((tf.backend() as unknown as { device: GPUDevice }).device);
    }
    expect(devices[0]).not.toBe(devices[1]);
    expect(tf.memory().numTensors).toBe(0);
  });
});
