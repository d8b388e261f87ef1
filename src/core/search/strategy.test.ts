import { describe, expect, it } from "vitest";
import { configKey } from "../dataset/record";
import { type Config, spaceSize } from "../space/space";
import { SMALL_SPACE, smallRecording, VALLEY, VALLEY_RUNNER } from "./fixtures";
import { replayRunner } from "./replay";
import { exhaustive, local, random, strategyByName } from "./strategies";
import { budgeted, type CandidateRunner } from "./strategy";

const space = SMALL_SPACE;
const recording = smallRecording;

let clock = 0;
/** Advances the fake clock, as if a candidate took `ms`. */
async function tick(ms: number) {
  clock += ms;
}

describe("strategies on the replay runner", () => {
  it("exhaustive visits every valid config once and finds the recorded best", async () => {
    const runner = replayRunner(recording());
    const progress: number[] = [];
    const result = await exhaustive(space, runner, { onOutcome: (_, p) => progress.push(p.done) });
    expect(spaceSize(space)).toBe(10);
    expect(runner.asked).toHaveLength(10);
    expect(result.stopped).toBe("exhausted");
    expect(result.best?.config).toEqual({ x: 4, y: 2 }); // 125 + 20 beats 4x1 (250 + 10) and 1x8
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(result.outcomes.filter((o) => o.status !== "ok").map((o) => o.status)).toEqual([
      "wrong-result",
      "compile-failed",
    ]);
  });

  it("random is reproducible from its seed, never repeats, and covers the space", async () => {
    const order = async (seed: number) => {
      const runner = replayRunner(recording());
      await random(space, runner, { seed });
      return runner.asked.map(configKey);
    };
    const a = await order(1);
    expect(await order(1)).toEqual(a);
    expect(await order(2)).not.toEqual(a);
    expect(new Set(a).size).toBe(10);
  });

  it("budgets stop any strategy by count or time, and the tighter budget wins", async () => {
    const runner = replayRunner(recording());
    const result = await budgeted(exhaustive, { candidates: 5 })(space, runner, {
      budget: { candidates: 3 },
    });
    expect(result.stopped).toBe("budget");
    expect(runner.asked).toHaveLength(3);

    clock = 0;
    const slow = replayRunner(recording());
    const timed = await budgeted(random, { ms: 25 })(
      space,
      { run: (c) => tick(10).then(() => slow.run(c)) },
      { now: () => clock },
    );
    expect(timed.outcomes).toHaveLength(3);
  });

  it("keeps as many configs in flight as a runner measures at once, within the budget", async () => {
    const replay = replayRunner(recording());
    let inFlight = 0;
    let most = 0;
    const pooled: CandidateRunner = {
      concurrency: 3,
      async run(config) {
        most = Math.max(most, ++inFlight);
        // Uneven durations: outcomes finish out of order.
        await new Promise((resolve) => setTimeout(resolve, 1 + ((Number(config.x) * 7) % 5)));
        inFlight--;
        return replay.run(config);
      },
    };
    const all = await exhaustive(space, pooled);
    expect(most).toBe(3);
    expect(all.outcomes).toHaveLength(10);
    expect(new Set(replay.asked.map(configKey)).size).toBe(10);
    expect(all.best?.config).toEqual({ x: 4, y: 2 });

    const before = replay.asked.length;
    const some = await budgeted(exhaustive, { candidates: 4 })(space, pooled);
    expect(some.stopped).toBe("budget");
    expect(replay.asked.length - before).toBe(4);
    expect(some.outcomes).toHaveLength(4);
  });

  it("reports progress with an ETA, skips cached configs, and stops on abort", async () => {
    const runner = replayRunner(recording());
    const cachedKey = configKey({ x: 1, y: 1 });
    const controller = new AbortController();
    clock = 0;
    const etas: (number | null)[] = [];
    const result = await exhaustive(
      space,
      { run: (c) => tick(100).then(() => runner.run(c)) },
      {
        now: () => clock,
        cached: (c) =>
          configKey(c) === cachedKey ? { config: c, status: "ok", medianNs: 1, message: "" } : undefined,
        onOutcome: (_, p) => {
          etas.push(p.etaMs);
          if (p.done === 4) controller.abort();
        },
        signal: controller.signal,
      },
    );
    expect(result.stopped).toBe("aborted");
    expect(result.outcomes).toHaveLength(4);
    expect(runner.asked.map(configKey)).not.toContain(cachedKey);
    expect(result.best?.medianNs).toBe(1); // the cached outcome counts toward the best
    expect(etas).toEqual([null, 800, 700, 600]); // 100 ms a measured candidate, 10 in all
  });

  it("local search climbs to the best of a smooth space on a budget where random rarely gets there", async () => {
    const valley = VALLEY;
    const runner = VALLEY_RUNNER;
    const bests = async (strategy: typeof local) => {
      const found: number[] = [];
      for (let seed = 0; seed < 10; seed++) {
        const result = await strategy(valley, runner, { seed, budget: { candidates: 24 } });
        expect(new Set(result.outcomes.map((o) => configKey(o.config))).size).toBe(24);
        found.push(result.best?.medianNs ?? Number.POSITIVE_INFINITY);
      }
      return found;
    };
    const byLocal = await bests(local);
    const byRandom = await bests(random);
    expect(byLocal.filter((t) => t === 100).length).toBeGreaterThanOrEqual(8);
    expect(byRandom.filter((t) => t === 100).length).toBeLessThanOrEqual(3);
    // Given starting points (a similar problem's winners) come first; invalid ones are skipped.
    const asked: Config[] = [];
    const started = await local(
      valley,
      {
        run: (c) => {
          asked.push(c);
          return runner.run(c);
        },
      },
      {
        seed: 0,
        budget: { candidates: 3 },
        starts: [
          { a: 16, b: 16 },
          { a: 11, b: 5 },
        ],
      },
    );
    expect(asked[0]).toEqual({ a: 11, b: 5 });
    expect(started.best?.medianNs).toBe(100);
    // Reproducible from its seed; and with no budget it still visits the whole space once.
    expect(await bests(local)).toEqual(byLocal);
    const all = await local(space, replayRunner(recording()), { seed: 3 });
    expect(all.outcomes).toHaveLength(10);
    expect(all.best?.config).toEqual({ x: 4, y: 2 });
  });

  it("names unknown strategies", () => {
    expect(() => strategyByName("genetic")).toThrow(
      /unknown strategy 'genetic' \(exhaustive, random, local, annealing\)/,
    );
  });
});
