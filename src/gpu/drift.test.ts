import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeGpu } from "../cli/node-gpu";
import type { TuningRecord } from "../core/dataset/record";
import { directFamily } from "../core/families/direct";
import { parseProblem } from "../core/problem";
import { random } from "../core/search/strategies";
import type { CandidateRunner } from "../core/search/strategy";
import { HeaterGuard } from "./clock-guard";
import type { HarnessOptions } from "./harness";
import { GpuHeater } from "./heater";
import { type DriftCheck, MeasurementEngine, runCandidate } from "./runner";
import { GpuSession } from "./session";

const problem = parseProblem("1x8x12x12,8x3x3,pad=1");
const PEAKS = { peakGflops: 3, peakGBps: 2 };
const SLOWDOWN = 30;
/** SwiftShader's times wander by up to about 3x on a busy machine (CI's other tests); the simulated drop is far larger. */
const THRESHOLD = 2;
const HARNESS = { minSampleNs: 3e6 };

let session: GpuSession;
beforeAll(async () => {
  session = new GpuSession(await nodeGpu());
});
afterAll(() => session.destroy());

/** Measures 12 random direct configs; `onRun(n)` is called as the n-th (1-based) starts. */
async function measure(engine: MeasurementEngine, onRun: (n: number) => void = () => {}) {
  const runner = engine.runner(directFamily, problem);
  const provisional: number[] = [];
  let runs = 0;
  const counting: CandidateRunner<TuningRecord> = {
    prefetch: runner.prefetch,
    async run(config) {
      onRun(++runs);
      const record = await runner.run(config);
      provisional.push(record.medianNs ?? Number.NaN);
      return record;
    },
  };
  const space = directFamily.space(problem, (await session.device()).limits);
  const result = await random(space, counting, { seed: 5, budget: { candidates: 12 } });
  await engine.flush();
  return { records: result.outcomes, provisional };
}

describe("the drift sentinel", () => {
  it("sees a simulated clock drop, restores, re-times what was measured since the last good check, and says so", async () => {
    const device = await session.deviceInfo(PEAKS);
    // A clock that falls to a thirtieth as the 6th candidate starts and comes back when the engine restores
    // it (SwiftShader has no clock to warm up: the simulated restore lifts the slowdown).
    let factor = 1;
    const timer: HarnessOptions["timer"] = (base) => async (d, record, count) =>
      (await base(d, record, count)).map((ns) => ns * factor);
    const checks: DriftCheck[] = [];
    const sunk: TuningRecord[] = [];
    const engine = new MeasurementEngine(
      session,
      device,
      { add: async (r) => void sunk.push(r) },
      {
        harness: { ...HARNESS, timer },
        sentinel: { every: 4, threshold: THRESHOLD },
        onDriftCheck: (check) => void checks.push(check),
        restore: async () => {
          factor = 1;
        },
      },
    );
    const drifted = await measure(engine, (n) => {
      if (n === 6) factor = SLOWDOWN;
    });
    expect(drifted.records.every((r) => r.status === "ok")).toBe(true);
    expect(sunk).toHaveLength(12); // every record reached the sink, after its check

    const report = engine.report();
    // SwiftShader's own wander (a CPU shared with other tests) can pass the threshold too, and can
    // slow the reference's first time: the simulated drop is the check after the 8th candidate, which
    // saw the clock at a thirtieth (a tenth at least, however slow the reference's first time was).
    expect(report.drift.checks).toBe(3);
    const simulated = checks.find((c) => c.at === 8);
    expect(simulated, JSON.stringify(checks)).toMatchObject({ drifted: true, restored: true });
    expect(simulated?.ratio, JSON.stringify(checks)).toBeGreaterThan(SLOWDOWN / 3);
    expect(simulated?.retimed).toBeGreaterThanOrEqual(4);

    // The window of the drifted check (candidates 5-8) was re-timed, and the report counts every re-timing.
    const retimed = drifted.records.map((r) => r.clock?.retimed ?? 0);
    for (const n of retimed.slice(4, 8)) expect(n).toBeGreaterThanOrEqual(1);
    expect(report.drift.retimed).toBe(retimed.reduce((a, b) => a + b, 0));

    // Candidates 6-8 were first timed at a thirtieth of the clock; their final times match a clean run's.
    const clean = await measure(
      new MeasurementEngine(session, device, { add: async () => {} }, { harness: HARNESS, sentinel: false }),
    );
    // (The 8th's run returns after the check it triggers: only the 6th and 7th show their first time.)
    for (const i of [5, 6, 7]) {
      const final = drifted.records[i]?.medianNs ?? 0;
      if (i < 7) expect(drifted.provisional[i] ?? 0).toBeGreaterThan(2.5 * final);
      // Near a clean run's, far from the thirtieth of the clock they were first timed at (a busy CPU
      // moves either run by up to about 3x).
      expect(final / (clean.records[i]?.medianNs ?? 1)).toBeGreaterThan(0.25);
      expect(final / (clean.records[i]?.medianNs ?? 1)).toBeLessThan(3);
    }
  });
});

describe("the heater", () => {
  it("calibrates, keeps the GPU busy until stopped, and reads the clock from its own dispatches", async () => {
    const { device } = await session.device();
    const heater = await GpuHeater.create(device);
    try {
      await heater.calibrate();
      heater.start();
      expect(heater.running).toBe(true);
      const reading = await heater.warmUp(100, 2000);
      await heater.stop();
      expect(heater.running).toBe(false);
      expect(reading.latestNs).toBeGreaterThan(0);
      expect(reading.fastestNs).toBeLessThanOrEqual(reading.latestNs);
      expect(reading.clockRatio).toBeGreaterThan(0);
      expect(reading.clockRatio).toBeLessThanOrEqual(1);
    } finally {
      heater.destroy();
    }
  });

  it("is paused while one holder at a time, in the order asked, has the GPU (the guard engines share)", async () => {
    const { device } = await session.device();
    const guard = await HeaterGuard.create(device, true);
    const heater = guard.heater as GpuHeater;
    try {
      expect(heater.running).toBe(true);
      const order: number[] = [];
      let holding = 0;
      let most = 0;
      const turn = async (id: number, ms: number) => {
        const ratio = await guard.hold();
        most = Math.max(most, ++holding);
        expect(heater.running).toBe(false);
        expect(ratio).toBeGreaterThan(0);
        order.push(id);
        await new Promise((resolve) => setTimeout(resolve, ms));
        holding--;
        guard.release();
      };
      await Promise.all([turn(1, 30), turn(2, 5), turn(3, 15), guard.warmUp(), turn(4, 1)]);
      expect(most).toBe(1);
      expect(order).toEqual([1, 2, 3, 4]);
      // No one waits: the heater has the GPU again.
      expect(heater.running).toBe(true);
    } finally {
      await guard.destroy();
    }
    expect(heater.running).toBe(false);
  });

  it("is what the engine pauses before each checked run, with its reading in the record", async () => {
    const device = await session.deviceInfo(PEAKS);
    const record = await runCandidate(
      session,
      device,
      directFamily,
      problem,
      { TK: 1, TQ: 1, WGX: 4, WGY: 8 },
      {
        keepWarm: true,
      },
    );
    expect(record.status).toBe("ok");
    expect(record.clock?.heaterRatio).toBeGreaterThan(0);
    expect(record.clock?.sentinelRatio).not.toBeNull(); // its own check at the end covers it
  });
});
