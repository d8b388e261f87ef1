/**
 * Recorded problems as the tuning-cost replay reads them, from records or from the compact file the
 * lab's demo ships (public/demo/): per problem and family, each config's values and its median time,
 * or how it failed. This module reads no kernel family, so a Node script can build the file.
 */
import { z } from "zod";
import { familyLimitFields } from "../dataset/device";
import {
  CANDIDATE_STATUSES,
  configKey,
  type DeviceInfo,
  deviceInfoSchema,
  type TuningRecord,
} from "../dataset/record";
import type { Outcome } from "./strategy";

/** A recorded problem and family: the device (its limits shape the family's space) and every outcome. */
export interface RecordedTask {
  problem: string;
  family: string;
  /** As the first record has it (the compact file keeps only the limits the families read). */
  device: DeviceInfo;
  /** One outcome a config. */
  recorded: Outcome[];
  /** Records of a config measured before (a resumed sweep): the later one counts. */
  repeated: number;
}

/**
 * The tasks of a set of records: one per problem and family (the first record's device stands for
 * all), one outcome a config, the later record where a config was measured again.
 */
export function recordedTasks(records: Iterable<TuningRecord>): RecordedTask[] {
  const tasks = new Map<string, { task: RecordedTask; byConfig: Map<string, Outcome> }>();
  for (const r of records) {
    const key = `${r.problem.text}|${r.family}`;
    let entry = tasks.get(key);
    if (!entry) {
      const task = { problem: r.problem.text, family: r.family, device: r.device, recorded: [], repeated: 0 };
      entry = { task, byConfig: new Map() };
      tasks.set(key, entry);
    }
    const config = configKey(r.config);
    if (entry.byConfig.has(config)) entry.task.repeated++;
    entry.byConfig.set(config, {
      config: r.config,
      status: r.status,
      medianNs: r.medianNs,
      message: r.message,
    });
  }
  return [...tasks.values()].map(({ task, byConfig }) => ({ ...task, recorded: [...byConfig.values()] }));
}

const failedStatus = z.enum(CANDIDATE_STATUSES.filter((s) => s !== "ok") as [string, ...string[]]);

/** The compact file: per task the parameter names once, then one row a config: its values, then its ns or how it failed. */
export const compactRecordingSchema = z.object({
  source: z.string(),
  tasks: z.array(
    z.object({
      problem: z.string(),
      family: z.string(),
      device: deviceInfoSchema,
      params: z.array(z.string()),
      repeated: z.number().int().min(0),
      rows: z.array(z.array(z.union([z.number(), failedStatus]))),
    }),
  ),
});
export type CompactRecording = z.infer<typeof compactRecordingSchema>;

/** Tasks into the compact file (times in whole ns; messages are dropped: the replay never reads them). */
export function compactRecording(tasks: readonly RecordedTask[], source: string): CompactRecording {
  return {
    source,
    tasks: tasks.map((t) => {
      const params = Object.keys(t.recorded[0]?.config ?? {});
      return {
        problem: t.problem,
        family: t.family,
        device: { ...t.device, limits: familyLimitFields(t.device.limits) },
        params,
        repeated: t.repeated,
        rows: t.recorded.map((o) => [
          ...params.map((p) => o.config[p] as number),
          // Whole ns: a millionth of these kernels' times, and a third of the file.
          o.status === "ok" && o.medianNs !== null ? Math.round(o.medianNs) : o.status,
        ]),
      };
    }),
  };
}

/** The tasks of a compact file, checked: a row of the wrong length is refused naming its task and row. */
export function tasksOfCompact(data: unknown): RecordedTask[] {
  const file = compactRecordingSchema.parse(data);
  return file.tasks.map((t) => ({
    problem: t.problem,
    family: t.family,
    device: t.device,
    repeated: t.repeated,
    recorded: t.rows.map((row, i): Outcome => {
      if (row.length !== t.params.length + 1)
        throw new Error(
          `${t.problem} (${t.family}) row ${i + 1}: ${row.length} cells for ${t.params.length} parameters and a time`,
        );
      const config = Object.fromEntries(t.params.map((p, j) => [p, row[j] as number]));
      const last = row[t.params.length];
      return typeof last === "number"
        ? { config, status: "ok", medianNs: last, message: "" }
        : { config, status: last as Outcome["status"], medianNs: null, message: "" };
    }),
  }));
}
