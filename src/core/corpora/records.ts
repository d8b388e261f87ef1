/**
 * This lab's own benchmark records as a corpus. For each device and problem the example is the
 * fastest verified (status ok) record across every family: the model picks the family first, then
 * that family's parameters. The encoder reads the problem's features plus the device's class (vendor
 * and compute limits), and each family's space on the device's limits answers a query.
 */
import { modelDeviceOf } from "../dataset/device";
import { familyConfigKey, type TuningRecord } from "../dataset/record";
import type { DeviceLimits } from "../families/family";
import { FAMILIES, familyById } from "../families/index";
import type { ModelDevice, ModelMetadata } from "../learn/artifacts";
import type { Corpus, CorpusExample, ProblemLanguage } from "../learn/corpus";
import type { Feature } from "../learn/features";
import { type ConvProblem, formatProblem } from "../problem";
import { type TuningSpace, toValues } from "../space/space";
import { convFeatures } from "./conv-features";

/** A problem on a device: what a model of records is asked. */
export interface RecordQuery {
  problem: ConvProblem;
  device: ModelDevice;
}

const VENDORS = ["nvidia", "amd", "intel", "apple", "qualcomm", "arm"] as const;

/** The device's class: its vendor, and the workgroup limits that bound every family's tiles. */
function deviceFeatures(device: Pick<ModelDevice, "vendor" | "limits">): Feature[] {
  const vendor = device.vendor.toLowerCase();
  return [
    ...VENDORS.map((v): Feature => ({ name: `vendor-${v}`, value: vendor === v ? 1 : 0, kind: "flag" })),
    {
      name: "max_invocations",
      value: device.limits.maxComputeInvocationsPerWorkgroup,
      kind: "count",
      derived: true,
    },
    {
      name: "workgroup_storage_kib",
      value: device.limits.maxComputeWorkgroupStorageSize / 1024,
      kind: "count",
      derived: true,
    },
  ];
}

export { modelDeviceOf };

/** Each family's space for this problem on these limits, for the families given that run it. */
function familySpaces(
  families: readonly string[],
  problem: ConvProblem,
  limits: DeviceLimits,
): Record<string, TuningSpace> {
  return Object.fromEntries(
    FAMILIES.filter((f) => families.includes(f.id) && f.unsupported(problem) === null).map((f) => [
      f.id,
      f.space(problem, limits),
    ]),
  );
}

export const recordLanguage: ProblemLanguage<RecordQuery> = {
  kind: "tunelab",
  choosesFamily: true,
  features: ({ problem, device }) => [...convFeatures(problem), ...deviceFeatures(device)],
  spaces: ({ problem, device }, tokenizer) => familySpaces(tokenizer.families, problem, device.limits),
  refusal: ({ problem }, family) =>
    FAMILIES.find((f) => f.id === family)?.unsupported(problem) ?? `this lab has no kernel family ${family}`,
  convolution: ({ problem, device }) => ({ problem, limits: device.limits }),
};

/** Groups records by device and problem; groups with no verified record have no target and are left out. */
export function recordCorpus(records: readonly TuningRecord[], file: string): Corpus<RecordQuery> {
  const groups = new Map<string, TuningRecord[]>();
  for (const r of records) {
    if (r.status !== "ok" || r.medianNs === null) continue;
    const key = [r.device.vendor, r.device.architecture, r.device.description, r.problem.text].join("|");
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  const examples = [...groups.values()].map((group): CorpusExample<RecordQuery> => {
    // A config measured twice counts once, at its later time.
    const latest = new Map(group.map((r) => [familyConfigKey(r.family, r.config), r]));
    const best = [...latest.values()].reduce((a, b) =>
      (b.medianNs as number) < (a.medianNs as number) ? b : a,
    );
    const problem = best.problem.fields;
    const device = modelDeviceOf(best.device);
    const text = formatProblem(problem);
    try {
      toValues(familyById(best.family).space(problem, device.limits), best.config);
    } catch (error) {
      throw new Error(`${text} ${best.family}: ${(error as Error).message}`);
    }
    return {
      query: { problem, device },
      group: text,
      family: best.family,
      config: best.config,
      timing: {
        bestNs: best.medianNs as number,
        measured: new Map([...latest].map(([key, r]) => [key, r.medianNs as number])),
        ranked: [...latest.values()]
          .map((r) => ({ family: r.family, config: r.config, ns: r.medianNs as number }))
          .sort((a, b) => a.ns - b.ns),
      },
    };
  });
  const devices = [...new Map(examples.map((e) => [e.query.device.description, e.query.device])).values()];
  // A family's parameters and their values are the same on every problem it runs: read them off one example's space.
  function familyParams(family: string) {
    const example = examples.find((e) => e.family === family);
    if (!example) throw new Error(`${file} has no ${family} example`);
    return familyById(family).space(example.query.problem, example.query.device.limits).params;
  }
  return {
    language: recordLanguage,
    examples,
    paramNames: (family) => familyParams(family).map((p) => p.name),
    paramValues: (family) => Object.fromEntries(familyParams(family).map((p) => [p.name, p.values])),
    source: { kind: "tunelab", file, devices },
  };
}

/** The recorded device to predict for: the one whose description contains `wanted`, else the model's first. */
export function recordedDevice(metadata: ModelMetadata, wanted?: string): ModelDevice {
  const devices = metadata.source.devices ?? [];
  const device = wanted ? devices.find((d) => d.description.includes(wanted)) : devices[0];
  if (!device) {
    const known = devices.map((d) => `'${d.description}'`).join(", ") || "none";
    throw new Error(`the model knows no device ${wanted ? `like '${wanted}'` : ""} (it knows ${known})`);
  }
  return device;
}
