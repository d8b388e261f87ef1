/**
 * A runner that replays recorded outcomes instead of touching a GPU, as kernel_tuner's simulation
 * mode does: strategies are tested, compared and demonstrated on a recorded dataset.
 */
import { configKey, type TuningRecord } from "../dataset/record";
import type { Config } from "../space/space";
import type { CandidateRunner, Outcome } from "./strategy";

export interface ReplayRunner extends CandidateRunner<Outcome> {
  /** Configs asked for, in order: what a strategy really measured. */
  readonly asked: Config[];
}

/** Recorded outcomes by their config's key, for `replayByKey` (build once, replay many times). */
export function outcomesByKey(outcomes: Iterable<Outcome>): Map<string, Outcome> {
  const byKey = new Map<string, Outcome>();
  for (const o of outcomes) byKey.set(configKey(o.config), o);
  return byKey;
}

/** Replays `outcomes` by config; a config never recorded comes back `invalid` with that reason. */
export function replayRunner(outcomes: Iterable<Outcome>): ReplayRunner {
  return replayByKey(outcomesByKey(outcomes));
}

/** `replayRunner` on outcomes already keyed (`outcomesByKey`), for replaying one recording many times. */
export function replayByKey(byKey: ReadonlyMap<string, Outcome>): ReplayRunner {
  const asked: Config[] = [];
  return {
    asked,
    async run(config) {
      asked.push(config);
      return (
        byKey.get(configKey(config)) ?? {
          config,
          status: "invalid",
          medianNs: null,
          message: "no recorded result for this config",
        }
      );
    },
  };
}

/** The outcomes of one problem and family in a set of records, for `replayRunner`. */
export function recordedOutcomes(
  records: Iterable<TuningRecord>,
  problem: string,
  family: string,
): Outcome[] {
  const out: Outcome[] = [];
  for (const r of records) {
    if (r.problem.text === problem && r.family === family) {
      out.push({ config: r.config, status: r.status, medianNs: r.medianNs, message: r.message });
    }
  }
  return out;
}
