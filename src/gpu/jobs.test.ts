import { describe, expect, it } from "vitest";
import { JobCancelled, SerialQueue } from "./jobs";

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("the serial job queue", () => {
  it("runs jobs one at a time in order, and a failure does not stop the next", async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const job = (name: string, fail = false) =>
      queue.run(name, async () => {
        log.push(`start ${name}`);
        await tick();
        log.push(`end ${name}`);
        if (fail) throw new Error(`${name} failed`);
        return name;
      });
    const results = await Promise.allSettled([job("a"), job("b", true), job("c")]);
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  });

  it("cancels a running job through its signal and drops a waiting one", async () => {
    const queue = new SerialQueue();
    const running = queue.run("long", async (signal) => {
      while (!signal.aborted) await tick();
      return "stopped early";
    });
    const waiting = queue.run("next", async () => "never");
    await tick();
    expect(queue.state()).toEqual({ running: "long", waiting: ["next"] });
    expect(queue.cancel("next")).toBe(true);
    expect(queue.cancel("long")).toBe(true);
    expect(await running).toBe("stopped early");
    await expect(waiting).rejects.toBeInstanceOf(JobCancelled);
    expect(queue.cancel("long")).toBe(false);
    expect(queue.state()).toEqual({ running: null, waiting: [] });
  });

  it("refuses a job id already in use", async () => {
    const queue = new SerialQueue();
    const first = queue.run("same", async () => tick());
    await expect(queue.run("same", async () => undefined)).rejects.toThrow(/already in use/);
    await first;
  });
});
