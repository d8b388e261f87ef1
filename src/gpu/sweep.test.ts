import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { nodeGpu } from "../cli/node-gpu";
import type { TuningRecord } from "../core/dataset/record";
import { local, random } from "../core/search/strategies";
import type { Outcome, Strategy, TuneOptions, TuneResult } from "../core/search/strategy";
import { GpuSession, type LiveDevice } from "./session";
import { runSweep, type SweepRequest } from "./sweep";
import { verifyPlan } from "./verify";

// The real verifier, wrapped so the tests can read the options each candidate was verified with.
vi.mock("./verify", async (importOriginal) => {
  const actual = await importOriginal<typeof import("./verify")>();
  return { ...actual, verifyPlan: vi.fn(actual.verifyPlan) };
});

const P1 = "1x4x8x8,8x3x3,pad=1";
const P2 = "1x8x6x6,4x3x3";
/** Two problems, two families, two random candidates each. */
const TWO_PROBLEMS: SweepRequest = {
  problems: [P1, P2],
  families: ["direct", "splitk"],
  strategy: "random",
  seed: 4,
  budget: { candidates: 2 },
  baseline: false,
};
// Peaks passed in, so these tests do not spend time on the microbenchmarks (harness.test.ts runs them).
const PEAKS = { peakGflops: 3, peakGBps: 2 };

let session: GpuSession;
beforeAll(async () => {
  session = new GpuSession(await nodeGpu());
});
afterAll(() => session.destroy());
beforeEach(() => {
  vi.mocked(verifyPlan).mockClear();
});

/** A sink that keeps each record with the device its candidate ran on (the last one handed out). */
function deviceTracking() {
  let current: LiveDevice | null = null;
  const device = session.device.bind(session);
  const spy = vi.spyOn(session, "device").mockImplementation(async () => {
    current = await device();
    return current;
  });
  const ran: { record: TuningRecord; live: LiveDevice }[] = [];
  const sink = {
    add: async (record: TuningRecord) => {
      if (!current) throw new Error("a candidate finished before any device was handed out");
      ran.push({ record, live: current });
    },
  };
  return { ran, sink, restore: () => spy.mockRestore() };
}

describe("runSweep", () => {
  it("renews the device between problems, not between the families of one problem", async () => {
    const { ran, sink, restore } = deviceTracking();
    try {
      const outcome = await runSweep(session, TWO_PROBLEMS, sink, { peaks: PEAKS });
      expect(outcome).toMatchObject({ problems: 2, candidates: 8, stopped: "budget" });
    } finally {
      restore();
    }
    expect(ran.map((r) => `${r.record.problem.text} ${r.record.family}`)).toEqual([
      ...Array(2).fill(`${P1} direct`),
      ...Array(2).fill(`${P1} splitk`),
      ...Array(2).fill(`${P2} direct`),
      ...Array(2).fill(`${P2} splitk`),
    ]);
    expect(ran.every((r) => r.record.status === "ok")).toBe(true);
    const devicesOf = (problem: string) =>
      new Set(ran.filter((r) => r.record.problem.text === problem).map((r) => r.live.device));
    const [first] = devicesOf(P1);
    const [second] = devicesOf(P2);
    expect(devicesOf(P1).size).toBe(1);
    expect(devicesOf(P2).size).toBe(1);
    expect(second).not.toBe(first);
    // The first problem's device was given back (destroyed), not merely left behind.
    const firstLive = ran[0]?.live;
    await vi.waitFor(() => expect(firstLive?.lostReason).toMatch(/destroy/i));
    expect(ran.at(-1)?.live.lostReason).toBeNull();
  });

  it("verifies every candidate of a problem with the request's seed", async () => {
    const request = TWO_PROBLEMS;
    const records: TuningRecord[] = [];
    await runSweep(session, request, { add: async (r) => void records.push(r) }, { peaks: PEAKS });
    const calls = vi.mocked(verifyPlan).mock.calls;
    expect(records.filter((r) => r.verification !== null)).toHaveLength(8);
    expect(calls).toHaveLength(8);
    expect(calls.map(([, problem, , options]) => `${problem.h}:${options?.seed}`)).toEqual([
      ...Array(4).fill("8:4"),
      ...Array(4).fill("6:4"),
    ]);

    // Without a seed every candidate still shares one: 0.
    vi.mocked(verifyPlan).mockClear();
    const { seed: _, ...unseeded } = request;
    await runSweep(session, { ...unseeded, problems: [P1] }, { add: async () => {} }, { peaks: PEAKS });
    expect(vi.mocked(verifyPlan).mock.calls.map(([, , , options]) => options?.seed)).toEqual([0, 0, 0, 0]);
  });

  it("starts a local search from the stored best of its problem and family, then earlier winners", async () => {
    const base = { families: ["direct"], seed: 2, baseline: false };
    const stored: TuningRecord[] = [];
    await runSweep(
      session,
      { ...base, problems: [P1, P2], strategy: "random", budget: { candidates: 3 } },
      { add: async (r) => void stored.push(r) },
      { peaks: PEAKS },
    );
    expect(stored.map((r) => r.status)).toEqual(Array(6).fill("ok"));
    // Made-up times, so the fastest stored config is known: the second of each problem, not the first.
    const fakeNs = [30, 10, 20, 50, 5, 40];
    const existing = stored.map((r, i) => ({ ...r, medianNs: fakeNs[i] ?? null }));
    const at = (i: number) => existing[i] as TuningRecord;
    const [p1First, p1Best, p2Best] = [at(0), at(1), at(4)];
    // Faster, but of another family or not verified: neither may be a start.
    existing.push({ ...p1First, family: "igemm", medianNs: 1 });
    existing.push({ ...p1First, config: { ...p1First.config, TK: 99 }, status: "wrong-result", medianNs: 1 });

    const seen: { options: TuneOptions<Outcome> | undefined; result: TuneResult<Outcome> }[] = [];
    const spy: Strategy = async (space, runner, options) => {
      const result = await local(space, runner, options);
      seen.push({ options: options as TuneOptions<Outcome> | undefined, result });
      return result;
    };
    const added: TuningRecord[] = [];
    await runSweep(
      session,
      { ...base, problems: [P1, P2], strategy: "local", budget: { candidates: 5 } },
      { add: async (r) => void added.push(r) },
      { peaks: PEAKS, existing, strategyFor: () => spy },
    );
    expect(seen).toHaveLength(2);
    const [onP1, onP2] = seen;
    expect(onP1?.options?.starts).toEqual([p1Best.config]);
    // P1's winner is its stored best (10 ns: nothing real on this device is that fast).
    expect(onP1?.result.best?.config).toEqual(p1Best.config);
    expect(onP2?.options?.starts).toEqual([p2Best.config, p1Best.config]);
    // The start is the first outcome, taken from the store rather than run again.
    expect(onP1?.result.outcomes[0]).toBe(p1Best);
    expect(onP2?.result.outcomes[0]).toBe(p2Best);
    const key = (r: TuningRecord) => `${r.problem.text} ${JSON.stringify(r.config)}`;
    expect(added.length).toBeGreaterThan(0);
    for (const r of added) expect(stored.map(key)).not.toContain(key(r));
  });

  it("passes earlier problems' winners to the next problem's search, newest first", async () => {
    const seen: (TuneOptions<Outcome> | undefined)[] = [];
    const spy: Strategy = (space, runner, options) => {
      seen.push(options as TuneOptions<Outcome> | undefined);
      return random(space, runner, options);
    };
    const P3 = "1x4x5x5,4x1x1";
    const records: TuningRecord[] = [];
    await runSweep(
      session,
      {
        problems: [P1, P2, P3],
        families: ["direct"],
        strategy: "local",
        seed: 1,
        budget: { candidates: 2 },
        baseline: false,
      },
      { add: async (r) => void records.push(r) },
      { peaks: PEAKS, strategyFor: () => spy },
    );
    const best = (problem: string) =>
      records
        .filter((r) => r.problem.text === problem && r.medianNs !== null)
        .reduce((a, b) => ((b.medianNs ?? 0) < (a.medianNs ?? 0) ? b : a)).config;
    expect(seen.map((o) => o?.starts)).toEqual([[], [best(P1)], [best(P2), best(P1)]]);
  });
});
