import { z } from "zod";

/**
 * The recorded demo shipped under public/demo/ (see public/demo/README.md): a dataset measured on a
 * real GPU and a model trained on it, so the lab can be shown on a machine with no WebGPU at all.
 */
export const RecordingSchema = z.object({
  /** Where it was measured, as the Device page would have shown it. */
  device: z.object({
    vendor: z.string(),
    architecture: z.string(),
    description: z.string(),
  }),
  recordedAt: z.string(),
  /** The CLI lines that make a recording like this one, so anyone can record their own GPU. */
  commands: z.array(z.string()).default([]),
  /** Paths relative to public/demo/; the records carry the device's measured peaks and limits. */
  dataset: z.string(),
  /** A trained model's model.json, when the recording ships one. */
  model: z.string().optional(),
  /** The networks (suite ids of src/core/suites.ts) whose records the model trained on, when the recording says. */
  modelTrainedOn: z.array(z.string()).optional(),
  /** Every valid config of some problems, compact (scripts/demo-curves.ts): what the tuning-cost chart replays. */
  exhaustive: z.string().optional(),
  /** More record files, measured on another GPU or with features the first lacked (the H200's tensor cores). */
  extraDatasets: z.array(z.string()).default([]),
});
export type Recording = z.infer<typeof RecordingSchema>;

export type DemoAvailability =
  | { state: "checking" }
  | { state: "absent"; message: string }
  | { state: "available"; recording: Recording; base: string };

/** Looks for public/demo/recording.json; absent (with the reason) when this build ships none. */
export async function findRecording(base = `${import.meta.env.BASE_URL}demo/`): Promise<DemoAvailability> {
  let response: Response;
  try {
    response = await fetch(`${base}recording.json`);
  } catch (error) {
    return { state: "absent", message: `the recorded demo could not be fetched: ${String(error)}` };
  }
  if (!response.ok) return { state: "absent", message: "this build ships no recorded demo" };
  const type = response.headers.get("content-type") ?? "";
  if (!type.includes("json")) return { state: "absent", message: "this build ships no recorded demo" };
  const parsed = RecordingSchema.safeParse(await response.json());
  if (!parsed.success) {
    return { state: "absent", message: `public/demo/recording.json is malformed: ${parsed.error.message}` };
  }
  return { state: "available", recording: parsed.data, base };
}
