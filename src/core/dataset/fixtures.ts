/** A valid record to build tests and demos from; `overrides` replace top-level fields. */
import { makeProblem } from "../problem";
import { problemEntry, RECORD_SCHEMA_VERSION, TUNELAB_VERSION, type TuningRecord } from "./record";

export function sampleRecord(overrides: Partial<TuningRecord> = {}): TuningRecord {
  return {
    schema: RECORD_SCHEMA_VERSION,
    tunelab: TUNELAB_VERSION,
    createdAt: "2025-01-01T00:00:00.000Z",
    device: {
      vendor: "google",
      architecture: "swiftshader",
      description: "SwiftShader Device",
      limits: { maxComputeInvocationsPerWorkgroup: 256 },
      peakGflops: 10,
      peakGBps: 5,
    },
    problem: problemEntry(makeProblem({ c: 4, h: 8, w: 8, k: 4, r: 3, s: 3, padH: 1, padW: 1 })),
    family: "direct",
    config: { TK: 1, TQ: 1, WGX: 4, WGY: 4 },
    status: "ok",
    message: "",
    medianNs: 1000,
    iqrNs: 10,
    samplesNs: [990, 1000, 1010, 1000, 1005],
    gflops: 0.5,
    peakFraction: 0.05,
    verification: { relativeError: 1e-7, checked: 256, total: 256 },
    timing: { method: "timestamp", dispatchesPerSample: 8, quantizationNs: null, discarded: 0 },
    baseline: null,
    phasesMs: { compile: 12, verify: 3, time: 20 },
    ...overrides,
  };
}
