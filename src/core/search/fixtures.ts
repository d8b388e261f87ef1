/** Small spaces with known answers, for testing strategies and the replays built on them. */
import { type Config, rule, type TuningSpace } from "../space/space";
import type { CandidateRunner, Outcome } from "./strategy";

/** A 4x4 space minus configs with x*y > 8: 10 valid configs. */
export const SMALL_SPACE: TuningSpace = {
  params: [
    { name: "x", values: [1, 2, 4, 8], doc: "" },
    { name: "y", values: [1, 2, 4, 8], doc: "" },
  ],
  rules: [rule("area", ["x", "y"], (c) => ((c.x ?? 0) * (c.y ?? 0) > 8 ? "too big" : null))],
};

/** SMALL_SPACE's recorded outcomes: time = 1000 / (x*y) + 10*y, 8x1 fails to compile, 2x4 computes a wrong result; the best is 4x2 (145). */
export function smallRecording(): Outcome[] {
  const out: Outcome[] = [];
  for (const x of [1, 2, 4, 8])
    for (const y of [1, 2, 4, 8]) {
      if (x * y > 8) continue;
      const config = { x, y };
      if (x === 8 && y === 1) out.push({ config, status: "compile-failed", medianNs: null, message: "boom" });
      else if (x === 2 && y === 4)
        out.push({ config, status: "wrong-result", medianNs: null, message: "off" });
      else out.push({ config, status: "ok", medianNs: 1000 / (x * y) + 10 * y, message: "" });
    }
  return out;
}

const values = Array.from({ length: 16 }, (_, i) => i + 1);

/** 16x16 values minus a corner (a + b > 28): 246 valid configs, time growing with the distance from (11, 5). */
export const VALLEY: TuningSpace = {
  params: [
    { name: "a", values, doc: "" },
    { name: "b", values, doc: "" },
  ],
  rules: [rule("corner", ["a", "b"], (c) => ((c.a ?? 0) + (c.b ?? 0) > 28 ? "corner" : null))],
};

/** Measures VALLEY: 100 at its best config. */
export const VALLEY_RUNNER: CandidateRunner = {
  run: async (config: Config) => ({
    config,
    status: "ok",
    medianNs: 100 + ((config.a ?? 0) - 11) ** 2 + ((config.b ?? 0) - 5) ** 2,
    message: "",
  }),
};
