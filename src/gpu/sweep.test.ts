import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { nodeGpu } from "../cli/node-gpu";
import type { TuningRecord } from "../core/dataset/record";
import { formatProblem } from "../core/problem";
import { local, random } from "../core/search/strategies";
import type { Outcome, Strategy, TuneOptions, TuneResult } from "../core/search/strategy";
import { ProblemBench } from "./bench";
import { GpuSession } from "./session";
import { resolveRequest, runSweep, type SweepRequest } from "./sweep";

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

describe("a sweep request", () => {
  it("sweeps a problem spelled twice, or a family listed twice, once", () => {
    const { problems, families } = resolveRequest({
      problems: ["1x4x8x8,8x3x3,pad=1", "1x4x8x8,8x3x3,pad=1x1,layout=NCHW", P2],
      families: ["direct", "splitk", "direct"],
      strategy: "random",
    });
    expect(problems.map((p) => formatProblem(p))).toEqual([P1, P2]);
    expect(families.map((f) => f.id)).toEqual(["direct", "splitk"]);
  });
});

describe("runSweep", () => {
  it("makes each problem's bench once, with the request's seed, and checks every output element", async () => {
    const create = vi.spyOn(ProblemBench, "create");
    try {
      const records: TuningRecord[] = [];
      const outcome = await runSweep(
        session,
        TWO_PROBLEMS,
        { add: async (r) => void records.push(r) },
        { peaks: PEAKS },
      );
      expect(outcome).toMatchObject({ problems: 2, candidates: 8, stopped: "budget" });
      expect(records.map((r) => `${r.problem.text} ${r.family}`)).toEqual([
        ...Array(2).fill(`${P1} direct`),
        ...Array(2).fill(`${P1} splitk`),
        ...Array(2).fill(`${P2} direct`),
        ...Array(2).fill(`${P2} splitk`),
      ]);
      expect(records.every((r) => r.status === "ok")).toBe(true);
      for (const r of records) expect(r.verification?.checked).toBe(r.verification?.total);
      expect(create.mock.calls.map(([, problem, options]) => `${problem.h}:${options.seed}`)).toEqual([
        "8:4",
        "6:4",
      ]);
      // The sweep's summary says how fast it went and what the drift checks saw.
      expect(outcome.throughput.candidates).toBe(8);
      expect(outcome.throughput.perSecond).toBeGreaterThan(0);
      expect(outcome.drift.checks).toBeGreaterThanOrEqual(2); // each problem's tail is checked
    } finally {
      create.mockRestore();
    }
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
