import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { recordIssue } from "./check";
import { readJsonl } from "./io";
import type { TuningRecord } from "./record";

// Records measured on an H200 (the recorded demo and its model's held-out problems).
const recorded = [
  ...readJsonl(readFileSync("public/demo/dataset.jsonl", "utf8")),
  ...readJsonl(readFileSync("public/demo/model/holdout.jsonl", "utf8")),
];
const splitk = recorded.find((r) => r.family === "splitk") as TuningRecord;
const igemm = recorded.find((r) => r.family === "igemm") as TuningRecord;
const withConfig = (r: TuningRecord, config: Record<string, number>) => ({
  ...r,
  config: { ...r.config, ...config },
});

describe("what a record means", () => {
  it("accepts every recorded record", () => {
    // dataset.jsonl's 1,760 and the model's 192 held-out resnet18 records.
    expect(recorded.length).toBe(1760 + 192);
    expect(recorded.map(recordIssue).filter((issue) => issue !== null)).toEqual([]);
  });

  it("refuses an unknown family, naming the known ones", () => {
    expect(recordIssue({ ...igemm, family: "winograd" })).toBe(
      `family: unknown family "winograd" (direct, igemm, splitk, im2col, mma)`,
    );
  });

  it("refuses a config outside its family's space on the recorded device", () => {
    expect(recordIssue(withConfig(igemm, { BM: 999 }))).toMatch(/^config: BM=999 is not one of 16, 32, /);
    expect(recordIssue(withConfig(splitk, { SK: 3 }))).toMatch(
      /^config: SK=3 is not one of 2, 4, 8, 16, 32 \(splitk on /,
    );
    expect(recordIssue(withConfig(igemm, { FOO: 1 }))).toMatch(/^config: unknown parameter FOO/);
    const { SK: _, ...missing } = splitk.config;
    expect(recordIssue({ ...splitk, config: missing })).toMatch(/^config: no value for SK/);
    // Within every domain, but more workgroup invocations than the device allows.
    const { BM, BN, TM, TN } = igemm.config as Record<string, number>;
    const invocations = ((BM as number) / (TM as number)) * ((BN as number) / (TN as number));
    const small = invocations / 2;
    const big = {
      ...igemm,
      device: {
        ...igemm.device,
        limits: { ...igemm.device.limits, maxComputeInvocationsPerWorkgroup: small },
      },
    };
    expect(recordIssue(big)).toMatch(
      `config: (BM/TM)*(BN/TN)=${invocations} invocations exceed maxComputeInvocationsPerWorkgroup=${small}`,
    );
  });

  it("refuses a config key that is not a parameter name, whatever the status", () => {
    const wgsl = "fn main() { let x = 1; return; }";
    expect(recordIssue(withConfig(igemm, { [wgsl]: 1 }))).toBe(
      `config: "fn main() { let x = 1; r..." is not a parameter name`,
    );
    const refused = { ...withConfig(igemm, { [wgsl]: 1 }), status: "invalid" as const, medianNs: null };
    expect(recordIssue(refused)).toMatch(/is not a parameter name/);
    // An invalid record says its config was refused: that it is outside the space is no fault.
    expect(recordIssue({ ...withConfig(igemm, { BM: 999 }), status: "invalid", medianNs: null })).toBeNull();
  });

  it("refuses a problem text that does not say what its fields say", () => {
    const problem = { ...igemm.problem, text: igemm.problem.text.replace("layout=NHWC", "layout=NCHW") };
    expect(recordIssue({ ...igemm, problem })).toMatch(
      /^problem\.text ".*" does not match problem\.fields: layout NCHW in the text, NHWC in the fields$/,
    );
    expect(recordIssue({ ...igemm, problem: { ...igemm.problem, text: "1x2x3x4" } })).toMatch(
      /^problem\.text: filter: /,
    );
  });

  it("refuses a device that does not record the limits its family's space reads", () => {
    const { maxComputeWorkgroupStorageSize: _, ...limits } = igemm.device.limits;
    expect(recordIssue({ ...igemm, device: { ...igemm.device, limits } })).toMatch(
      /^device\.limits: .*records no limit maxComputeWorkgroupStorageSize/,
    );
  });
});
