import type { TuningRecord } from "../../core/dataset/record";
import { problemFlops, tensorElements } from "../../core/problem";
import type { RooflinePoint } from "../charts";
import { configText } from "../format";
import { fastestBy } from "../sweep/derive";

/**
 * FLOP per byte of compulsory traffic: every tensor read or written once from memory. A kernel's
 * real traffic is higher (re-reads that miss cache), so this places it as favourably as possible.
 */
export function arithmeticIntensity(record: TuningRecord): number {
  const { input, filter, output } = tensorElements(record.problem.fields);
  const bytes = (input + filter + output) * (record.problem.fields.precision === "f16" ? 2 : 4);
  return problemFlops(record.problem.fields) / bytes;
}

/** The fastest measured kernel of each problem and family, as roofline points. */
export function rooflinePoints(records: readonly TuningRecord[]): RooflinePoint[] {
  const best = fastestBy(records, (r) => `${r.problem.text}|${r.family}`);
  return [...best.values()].map((r) => ({
    intensity: arithmeticIntensity(r),
    gflops: problemFlops(r.problem.fields) / r.medianNs,
    problem: r.problem.text,
    kernel: `${r.family} ${configText(r.config)}`,
    family: r.family,
    config: r.config,
  }));
}

/** A roofline's roofs: FMA compute, bandwidth, and (where measured) the tensor cores' f16 peak. */
export interface Roofs {
  peakGflops: number;
  bandwidthGBps: number;
  matrixGflops?: number;
}

/** The device peaks a set of records carries (the newest measured ones), for a roofline without a GPU. */
export function recordedPeaks(records: readonly TuningRecord[]): Roofs | null {
  for (let i = records.length - 1; i >= 0; i--) {
    const d = records[i]?.device;
    if (d?.peakGflops && d.peakGBps)
      return {
        peakGflops: d.peakGflops,
        bandwidthGBps: d.peakGBps,
        ...(d.peakMatrixGflops ? { matrixGflops: d.peakMatrixGflops } : {}),
      };
  }
  return null;
}

/** Records grouped by the device that measured them, in order of first appearance. */
export function byDevice(records: readonly TuningRecord[]): { name: string; records: TuningRecord[] }[] {
  const groups = new Map<string, TuningRecord[]>();
  for (const r of records) {
    const name = `${r.device.vendor} ${r.device.description}`.trim();
    groups.set(name, [...(groups.get(name) ?? []), r]);
  }
  return [...groups].map(([name, rs]) => ({ name, records: rs }));
}
