import { describe, expect, it } from "vitest";
import { recordLimits } from "../dataset/device";
import { sampleRecord } from "../dataset/fixtures";
import { configKey, type DeviceInfo } from "../dataset/record";
import { DEVICE_LIMIT_NAMES, SPEC_DEFAULT_LIMITS } from "../families/family";
import { familyById } from "../families/index";
import { parseProblem } from "../problem";
import { type Config, checkConfig, enumerate, spaceSize } from "../space/space";
import {
  bestSoFarFractions,
  type CurveTask,
  curveStrategies,
  curveTask,
  heldOutSplit,
  measurementsToReach,
  median,
  tuningCostCurves,
} from "./curve";
import { SMALL_SPACE, smallRecording, VALLEY, VALLEY_RUNNER } from "./fixtures";
import { fuseLedBy, fuseRankings } from "./model-guided";
import { compactRecording, type RecordedTask, recordedTasks, tasksOfCompact } from "./recording";
import { outcomesByKey, replayByKey } from "./replay";
import { annealing, exhaustive, random } from "./strategies";
import { type CandidateRunner, type Outcome, ordered } from "./strategy";

const space = SMALL_SPACE;
// The best is 4x2 (145).
const recording = smallRecording;

const device: DeviceInfo = {
  vendor: "test",
  architecture: "",
  description: "",
  limits: {},
  peakGflops: null,
  peakGBps: null,
};
const task = (problem: string): CurveTask => {
  const recorded = recording();
  return {
    problem,
    family: "igemm",
    device,
    space,
    valid: 10,
    candidates: 10,
    repeated: 0,
    recorded,
    byKey: outcomesByKey(recorded),
  };
};
const plain = (name: string, strategy: typeof exhaustive) => ({
  name,
  about: name,
  seeded: false,
  strategyFor: () => strategy,
});

describe("tuning-cost curves", () => {
  it("measures best / best so far after each measurement, failures included", () => {
    const o = (medianNs: number | null): Outcome => ({
      config: {},
      status: medianNs === null ? "timeout" : "ok",
      medianNs,
      message: "",
    });
    const fractions = bestSoFarFractions([o(null), o(200), o(400), o(125), o(100)], 100);
    expect(fractions).toEqual([0, 0.5, 0.5, 0.8, 1]);
    expect(measurementsToReach(fractions, 0.8)).toBe(4);
    expect(measurementsToReach(fractions, 0.95)).toBe(5);
    expect(measurementsToReach([0, 0.5], 0.9)).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, null])).toBe(3);
    expect(median([1, null, null])).toBeNull();
  });

  it("replays a strategy over recorded outcomes: exact curve, reach, and unrecorded configs", async () => {
    const [curve] = await tuningCostCurves(
      [task("1x64x56x56,64x3x3,pad=1")],
      [plain("exhaustive", exhaustive)],
      {
        seeds: [0],
      },
    );
    // Domain order: 1x1 1010, 1x2 520, 1x4 290, 1x8 205, 2x1 510, 2x2 270, 2x4 wrong, 4x1 260, 4x2 145, 8x1 failed.
    const at205 = 145 / 205;
    expect(curve?.problems[0]?.fractions).toEqual([
      145 / 1010,
      145 / 520,
      0.5,
      at205,
      at205,
      at205,
      at205,
      at205,
      1,
      1,
    ]);
    expect(curve?.problems[0]?.bestNs).toBe(145);
    expect(curve?.reach).toEqual([9, 9]);
    expect(curve?.unrecorded).toBe(0);

    // A config the recording lacks costs a measurement with no time, and is counted.
    const stray = ordered(() => ({
      candidates: [
        { x: 3, y: 3 },
        { x: 4, y: 2 },
      ],
      total: 2,
    }));
    const [strayCurve] = await tuningCostCurves([task("1x64x56x56,64x3x3,pad=1")], [plain("stray", stray)], {
      seeds: [0],
    });
    expect(strayCurve?.problems[0]?.fractions).toEqual([0, 1]);
    expect(strayCurve?.reach).toEqual([2, 2]);
    expect(strayCurve?.unrecorded).toBe(1);
  });

  it("takes medians over seeds and problems, a finished run keeping its best", async () => {
    const seeds = [1, 2, 3];
    const tasks = [task("1x64x56x56,64x3x3,pad=1"), task("1x128x28x28,128x3x3,pad=1")];
    const [curve] = await tuningCostCurves(tasks, [{ ...plain("random", random), seeded: true }], {
      seeds,
      max: 6,
    });
    expect(curve?.problems.every((p) => p.fractions.length === 6)).toBe(true);
    // Each seed's order is random's; recompute the first problem's reach by hand.
    const reaches: (number | null)[] = [];
    for (const seed of seeds) {
      const asked: Config[] = [];
      const runner: CandidateRunner = {
        run: async (config) => {
          asked.push(config);
          return recording().find((o) => configKey(o.config) === configKey(config)) as Outcome;
        },
      };
      const result = await random(space, runner, { seed, budget: { candidates: 6 } });
      reaches.push(measurementsToReach(bestSoFarFractions(result.outcomes, 145), 0.95));
    }
    expect(curve?.problems[0]?.reach[1]).toBe(median(reaches));
    // Same recording under both names: the same seeds give the same curves, and their median is theirs.
    expect(curve?.median).toEqual(curve?.problems[0]?.fractions);
  });

  it("most-frequent tries the configs fastest on the most other problems first", async () => {
    // Of the other three problems 1x1 (made fastest) won two and the recording's own best, 4x2, one; the
    // replayed problem's own winner, 2x2, would tie with 4x2 and come first if it counted.
    const wonBy = (problem: string, winner: Config | null) => {
      const recorded = recording().map((o) =>
        winner && o.config.x === winner.x && o.config.y === winner.y ? { ...o, medianNs: 1 } : o,
      );
      return { ...task(problem), recorded, byKey: outcomesByKey(recorded) };
    };
    const replayed = wonBy("1x8x8x8,8x3x3", { x: 2, y: 2 });
    const tasks = [
      replayed,
      wonBy("1x16x8x8,8x3x3", { x: 1, y: 1 }),
      wonBy("1x32x8x8,8x3x3", { x: 1, y: 1 }),
      wonBy("1x64x8x8,8x3x3", null),
    ];
    const common = curveStrategies(tasks, 2).find((s) => s.name === "most-frequent");
    if (!common) throw new Error("no most-frequent strategy");
    const runner = replayByKey(replayed.byKey);
    await common.strategyFor(replayed)(replayed.space, runner, { seed: 0, budget: { candidates: 2 } });
    expect(runner.asked).toEqual([
      { x: 1, y: 1 },
      { x: 4, y: 2 },
    ]);

    // model+frequent takes the model's and most-frequent's configs in turn, a config on both lists
    // first, and keeps both lists whole (the model's third after most-frequent's last).
    const rank = async () => [
      { x: 2, y: 2 },
      { x: 4, y: 2 },
      { x: 1, y: 2 },
    ];
    const fused = curveStrategies(tasks, 3, rank).find((s) => s.name === "model+frequent");
    if (!fused) throw new Error("no model+frequent strategy");
    const asked = replayByKey(replayed.byKey);
    await fused.strategyFor(replayed)(replayed.space, asked, { seed: 0, budget: { candidates: 4 } });
    expect(asked.asked).toEqual([
      { x: 4, y: 2 },
      { x: 2, y: 2 },
      { x: 1, y: 1 },
      { x: 1, y: 2 },
    ]);

    // model+cost takes the cost model's and the beam's picks in turn, the cost model's first on ties
    // unless beamFirst puts the beam's first.
    const beam = async () => [
      { x: 2, y: 2 },
      { x: 4, y: 2 },
    ];
    const cheapest = async () => [
      { x: 1, y: 1 },
      { x: 1, y: 2 },
    ];
    const order = async (beamFirst: boolean) => {
      const strategy = curveStrategies(tasks, 2, beam, cheapest, { beamFirst }).find(
        (s) => s.name === "model+cost",
      );
      if (!strategy) throw new Error("no model+cost strategy");
      const runner = replayByKey(replayed.byKey);
      await strategy.strategyFor(replayed)(replayed.space, runner, { seed: 0, budget: { candidates: 4 } });
      return runner.asked;
    };
    expect(await order(false)).toEqual([
      { x: 1, y: 1 },
      { x: 2, y: 2 },
      { x: 1, y: 2 },
      { x: 4, y: 2 },
    ]);
    expect(await order(true)).toEqual([
      { x: 2, y: 2 },
      { x: 1, y: 1 },
      { x: 4, y: 2 },
      { x: 1, y: 2 },
    ]);
  });

  it("transfer tries the nearest recorded problem's fastest configs first", async () => {
    const tasks = [
      task("1x64x56x56,64x3x3,pad=1"),
      task("1x64x28x28,64x3x3,pad=1"),
      task("1x512x7x7,512x3x3,pad=1"),
    ];
    const strategies = curveStrategies(tasks, 2);
    expect(strategies.map((s) => s.name)).toEqual([
      "transfer",
      "most-frequent",
      "annealing",
      "local",
      "random",
    ]);
    const [transfer] = await tuningCostCurves(tasks, strategies.slice(0, 1), { seeds: [0, 1] });
    // Every recording here is the same, so the neighbour's fastest config is each problem's best.
    expect(transfer?.problems.map((p) => p.reach)).toEqual([
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
    const ranked = curveStrategies(tasks, 2, async () => [{ x: 1, y: 1 }]);
    expect(ranked.slice(0, 2).map((s) => s.name)).toEqual(["model-guided", "model+frequent"]);
    const [guided] = await tuningCostCurves(tasks.slice(0, 1), ranked.slice(0, 1), { seeds: [0] });
    expect(guided?.problems[0]?.fractions[0]).toBe(145 / 1010);
  });

  it("splits held-out problems from those transfer draws on; without any, every task is both", () => {
    const tasks = ["a", "b", "a", "c"].map((problem, i) => ({ problem, i }));
    const split = heldOutSplit(tasks, new Set(["a", "z"]));
    expect(split.replayed.map((t) => t.i)).toEqual([0, 2]);
    expect(split.pool.map((t) => t.i)).toEqual([1, 3]);
    expect(heldOutSplit(tasks, null)).toEqual({ replayed: tasks, pool: tasks });
  });
});

describe("fused rankings of several models", () => {
  const c = (BM: number) => ({ BM });
  it("puts the configs the rankings agree on first, then each ranking's own in its order", () => {
    const fused = fuseRankings(
      [
        [c(1), c(2), c(3)],
        [c(4), c(2), c(1)],
        [c(2), c(5), c(6)],
      ],
      4,
    );
    // 2 is in all three lists, 1 in two; then the configs of one list by their rank there: 4 (first)
    // before 5 (second), and 3 and 6 (third) after.
    expect(fused).toEqual([c(2), c(1), c(4), c(5)]);
    expect(fuseRankings([[c(7), c(8)]], 8)).toEqual([c(7), c(8)]);
    expect(fuseRankings([], 8)).toEqual([]);
  });

  it("led by the first ranking's first config, even where the others agree on another", () => {
    const lists = [
      [c(1), c(2), c(3)],
      [c(2), c(4)],
    ];
    expect(fuseRankings(lists, 3)).toEqual([c(2), c(1), c(4)]);
    expect(fuseLedBy(lists, 3)).toEqual([c(1), c(2), c(4)]);
    // The leader on both lists is not taken twice.
    const agreeingLeader = [
      [c(2), c(1)],
      [c(2), c(4)],
    ];
    expect(fuseLedBy(agreeingLeader, 8)).toEqual([c(2), c(1), c(4)]);
    expect(fuseLedBy([[], [c(4)]], 8)).toEqual([c(4)]);
  });
});

describe("simulated annealing", () => {
  const valley = VALLEY;
  const runner = VALLEY_RUNNER;

  it("is reproducible from its seed and finds the optimum of a smooth space within a budget", async () => {
    const run = (seed: number) => annealing(valley, runner, { seed, budget: { candidates: 40 } });
    const first = await run(7);
    expect((await run(7)).outcomes.map((o) => configKey(o.config))).toEqual(
      first.outcomes.map((o) => configKey(o.config)),
    );
    expect((await run(8)).outcomes.map((o) => configKey(o.config))).not.toEqual(
      first.outcomes.map((o) => configKey(o.config)),
    );
    let found = 0;
    for (let seed = 0; seed < 10; seed++) {
      const result = await run(seed);
      expect(new Set(result.outcomes.map((o) => configKey(o.config))).size).toBe(40);
      if (result.best?.medianNs === 100) found++;
    }
    expect(found).toBeGreaterThanOrEqual(8);
    // Without a budget it visits the whole space once.
    expect((await annealing(valley, runner, { seed: 1 })).outcomes).toHaveLength(246);
  });
});

describe("recorded tasks", () => {
  // Three configs of the direct family on the fixture's problem, one measured twice, one failed.
  const limits = Object.fromEntries(DEVICE_LIMIT_NAMES.map((name) => [name, SPEC_DEFAULT_LIMITS[name]]));
  const sample = (overrides: Parameters<typeof sampleRecord>[0]) => {
    const record = sampleRecord(overrides);
    return { ...record, device: { ...record.device, limits } };
  };
  const records = [
    sample({ config: { TK: 1, TQ: 1, WGX: 4, WGY: 4 }, medianNs: 900 }),
    sample({ config: { TK: 1, TQ: 1, WGX: 8, WGY: 4 }, medianNs: 700 }),
    sample({ config: { TK: 1, TQ: 1, WGX: 4, WGY: 4 }, medianNs: 800 }),
    sample({
      config: { TK: 2, TQ: 1, WGX: 4, WGY: 4 },
      status: "timeout",
      medianNs: null,
      samplesNs: [],
      message: "hung",
    }),
  ];

  it("counts each config once (the later record), keep failures, and survive the compact file", () => {
    const [task] = recordedTasks(records);
    expect(task?.repeated).toBe(1);
    expect(task?.recorded.map((o) => [configKey(o.config), o.status, o.medianNs])).toEqual([
      [configKey({ TK: 1, TQ: 1, WGX: 4, WGY: 4 }), "ok", 800],
      [configKey({ TK: 1, TQ: 1, WGX: 8, WGY: 4 }), "ok", 700],
      [configKey({ TK: 2, TQ: 1, WGX: 4, WGY: 4 }), "timeout", null],
    ]);
    const compact = JSON.parse(JSON.stringify(compactRecording(recordedTasks(records), "test")));
    const [back] = tasksOfCompact(compact);
    expect(back?.recorded.map((o) => [o.config, o.status, o.medianNs])).toEqual(
      task?.recorded.map((o) => [o.config, o.status, o.medianNs]),
    );
    expect(back?.repeated).toBe(1);
    compact.tasks[0].rows[0].pop();
    expect(() => tasksOfCompact(compact)).toThrow(/row 1: 4 cells for 4 parameters and a time/);
  });

  it("narrows the family's space to the recorded configs that it holds", () => {
    const [recorded] = recordedTasks(records);
    const task = curveTask(recorded as RecordedTask);
    const family = familyById("direct").space(parseProblem(task.problem), recordLimits(task.device));
    const kept = task.recorded
      .filter((o) => checkConfig(family, o.config).length === 0)
      .map((o) => configKey(o.config));
    expect(kept.length).toBeGreaterThan(0);
    expect([...enumerate(task.space)].map(configKey).sort()).toEqual(kept.sort());
    expect(task.valid).toBe(spaceSize(family));
    expect(task.candidates).toBe(kept.length);
  });
});
