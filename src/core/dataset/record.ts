/**
 * One measured candidate: a kernel family's config on a problem on a device, with its outcome. The
 * schema is versioned (`schema`) so stored files stay readable as it grows; every file tunelab reads
 * goes through `tuningRecordSchema`, so a bad field is named rather than half-stored.
 */
import { z } from "zod";
import { version } from "../../../package.json";
import { type ConvProblem, formatProblem } from "../problem";
import type { Config } from "../space/space";

export const RECORD_SCHEMA_VERSION = 1;
export const TUNELAB_VERSION: string = version;

/** How a candidate ended. Only `ok` candidates were verified and carry a time. */
export const CANDIDATE_STATUSES = [
  "ok",
  "invalid",
  "compile-failed",
  "wrong-result",
  "runtime-failed",
  "timeout",
] as const;
export type CandidateStatus = (typeof CANDIDATE_STATUSES)[number];
export type FailureKind = Exclude<CandidateStatus, "ok">;

const count = z.number().int().min(1);
const nonNegative = z.number().min(0);

export const deviceInfoSchema = z.object({
  vendor: z.string(),
  architecture: z.string(),
  description: z.string(),
  limits: z.record(z.string(), z.number()),
  /** Optional features the device had (shader-f16, subgroups, subgroup matrices); absent in older records. */
  features: z.array(z.string()).optional(),
  /**
   * Kernels compiled without WebGPU's bounds checks (Dawn's disable_robustness, the CLI's
   * --unchecked-bounds): still verified, but timed under other conditions than a browser's.
   */
  uncheckedBounds: z.literal(true).optional(),
  subgroupMinSize: z.number().int().min(0).optional(),
  subgroupMaxSize: z.number().int().min(0).optional(),
  subgroupMatrixConfigs: z
    .array(
      z.object({
        componentType: z.string(),
        resultComponentType: z.string(),
        M: z.number().int().positive(),
        N: z.number().int().positive(),
        K: z.number().int().positive(),
      }),
    )
    .optional(),
  /** Measured by the FMA microbenchmark; null when not measured. */
  peakGflops: z.number().positive().nullable(),
  /** Measured by the copy microbenchmark; null when not measured. */
  peakGBps: z.number().positive().nullable(),
  /** Measured by the subgroup-matrix microbenchmark (f16, tensor cores); absent without them. */
  peakMatrixGflops: z.number().positive().optional(),
});
export type DeviceInfo = z.infer<typeof deviceInfoSchema>;

export const problemFieldsSchema = z.object({
  n: count,
  c: count,
  h: count,
  w: count,
  k: count,
  r: count,
  s: count,
  padH: z.number().int().min(0),
  padW: z.number().int().min(0),
  strideH: count,
  strideW: count,
  dilH: count,
  dilW: count,
  groups: count,
  layout: z.enum(["NCHW", "NHWC"]),
  precision: z.enum(["f32", "f16"]),
}) satisfies z.ZodType<ConvProblem>;

export const timingSchema = z.object({
  /** `timestamp`: GPU timestamp queries; `fallback`: queue completion and performance.now(). */
  method: z.enum(["timestamp", "fallback"]),
  /** Kernel runs inside one timed sample (adaptive, so a sample lasts about a millisecond or more). */
  dispatchesPerSample: count,
  /** The timer's step in ns when all readings were multiples of it; null when none was seen. */
  quantizationNs: z.number().positive().nullable(),
  /** Samples thrown away because their delta was zero or negative. */
  discarded: z.number().int().min(0),
});
export type TimingInfo = z.infer<typeof timingSchema>;

export const verificationSchema = z.object({
  /** ||out - ref|| / ||ref|| over the compared elements; null when the output had NaN or infinity. */
  relativeError: nonNegative.nullable(),
  /** Output elements compared with the reference, of `total`. */
  checked: z.number().int().min(0),
  total: z.number().int().min(0),
  /** The largest single-element error over the reference's root mean square (GPU-side checks). */
  maxElementError: nonNegative.nullable().optional(),
  /** "cpu": float64 on the CPU, whole; "gpu": the GPU's plain reference kernel, checked on a sample. */
  reference: z.enum(["cpu", "gpu"]).optional(),
});
export type VerificationInfo = z.infer<typeof verificationSchema>;

/**
 * The evidence that a candidate's samples ran at the GPU's working clock. `heaterRatio`: the warm-up
 * kernel's fastest time over its time just before the samples (1 at full clock; null without one).
 * `sentinelRatio`: the problem's reference config re-timed at the check that covers this candidate,
 * over its time when it became the reference (1 when nothing drifted; null without a reference).
 * `retimed`: how often a drift check had the candidate timed again.
 */
export const clockEvidenceSchema = z.object({
  heaterRatio: nonNegative.nullable(),
  sentinelRatio: nonNegative.nullable(),
  retimed: z.number().int().min(0),
});
export type ClockEvidence = z.infer<typeof clockEvidenceSchema>;

export const baselineSchema = z.object({
  library: z.literal("tfjs"),
  medianNs: z.number().positive(),
  gflops: nonNegative,
});
export type Baseline = z.infer<typeof baselineSchema>;

export const tuningRecordSchema = z
  .object({
    schema: z.literal(RECORD_SCHEMA_VERSION),
    tunelab: z.string().min(1),
    createdAt: z.iso.datetime(),
    device: deviceInfoSchema,
    problem: z.object({ text: z.string().min(1), fields: problemFieldsSchema }),
    family: z.string().min(1),
    config: z.record(z.string(), z.number()),
    status: z.enum(CANDIDATE_STATUSES),
    message: z.string(),
    /** Median kernel time of one run, in ns; null unless status is ok. */
    medianNs: z.number().positive().nullable(),
    /** Interquartile range of the per-run samples, in ns. */
    iqrNs: nonNegative.nullable(),
    /** Per-run time of each sample, in ns (one sample = dispatchesPerSample runs). */
    samplesNs: z.array(z.number().positive()),
    gflops: nonNegative.nullable(),
    /** gflops over the device's measured roof: its FMA peak, or its matrix peak for the tensor-core family. */
    peakFraction: nonNegative.nullable(),
    verification: verificationSchema.nullable(),
    timing: timingSchema.nullable(),
    baseline: baselineSchema.nullable(),
    /** Where the candidate's wall time went, in ms: compiling, verifying (minus compiling), timing. */
    phasesMs: z.object({ compile: nonNegative, verify: nonNegative, time: nonNegative }).optional(),
    clock: clockEvidenceSchema.optional(),
  })
  .refine((r) => (r.status === "ok") === (r.medianNs !== null), {
    message: "medianNs is required when status is ok, and must be null otherwise",
    path: ["medianNs"],
  });
export type TuningRecord = z.infer<typeof tuningRecordSchema>;

/**
 * A config's identity, the one key wherever configs are compared or stored: its values by sorted
 * name, so equal configs give equal keys whatever order their parameters were written in.
 */
export function configKey(config: Config): string {
  return Object.keys(config)
    .sort()
    .map((k) => `${k}=${config[k]}`)
    .join(",");
}

/** A config of one family: the identity where candidates of several families meet (a model's top K). */
export function familyConfigKey(family: string, config: Config): string {
  return `${family}|${configKey(config)}`;
}

/** What makes two records the same candidate: a resumed sweep skips keys already stored. */
export function candidateKey(
  device: Pick<DeviceInfo, "vendor" | "architecture" | "description" | "uncheckedBounds">,
  problem: string,
  family: string,
  config: Config,
): string {
  return [
    device.vendor,
    device.architecture,
    // Times without bounds checks are another measurement: a resumed sweep does not reuse checked ones.
    device.uncheckedBounds ? `${device.description} (unchecked bounds)` : device.description,
    problem,
    familyConfigKey(family, config),
  ].join("|");
}

export function recordKey(record: TuningRecord): string {
  return candidateKey(record.device, record.problem.text, record.family, record.config);
}

export function problemEntry(problem: ConvProblem): TuningRecord["problem"] {
  return { text: formatProblem(problem), fields: { ...problem } };
}
