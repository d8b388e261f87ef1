import { duration } from "../format";

/** Log-spaced histogram bins over positive values, labelled by their middle as a duration. */
export function logBins(
  values: number[],
  count: number,
): { label: string; from: number; to: number; count: number }[] {
  const positive = values.filter((v) => v > 0);
  if (!positive.length) return [];
  const lo = Math.log(Math.min(...positive));
  const hi = Math.log(Math.max(...positive));
  const width = (hi - lo) / count || 1;
  const bins = Array.from({ length: hi === lo ? 1 : count }, (_, i) => ({
    from: Math.exp(lo + i * width),
    to: Math.exp(lo + (i + 1) * width),
    count: 0,
    label: duration(Math.exp(lo + (i + 0.5) * width)),
  }));
  for (const v of positive) {
    const i = Math.min(bins.length - 1, Math.floor((Math.log(v) - lo) / width));
    const bin = bins[i];
    if (bin) bin.count++;
  }
  return bins;
}

/** Ticks for a log axis: 1-2-5 steps per decade inside [min, max], thinned to about `target` ticks. */
export function logTicks(min: number, max: number, target = 6): number[] {
  if (!(min > 0) || !(max >= min)) return [];
  const ticks: number[] = [];
  for (let decade = Math.floor(Math.log10(min)); decade <= Math.ceil(Math.log10(max)); decade++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** decade;
      if (v >= min * 0.999 && v <= max * 1.001) ticks.push(Number(v.toPrecision(12)));
    }
  }
  // A range too narrow for two 1-2-5 ticks gets evenly spaced ones (log space), two digits each.
  if (ticks.length < 2) {
    const steps = 3;
    return Array.from({ length: steps + 1 }, (_, i) =>
      Number((min * (max / min) ** (i / steps)).toPrecision(2)),
    );
  }
  if (ticks.length <= target) return ticks;
  const decades = ticks.filter((v) => Number.isInteger(Math.log10(v)) || ticks.length <= target);
  return decades.length >= 2 ? decades : ticks.filter((_, i) => i % Math.ceil(ticks.length / target) === 0);
}

/** A log axis's domain padded a little beyond the data, so points don't sit on the frame. */
export function logDomain(values: readonly number[], pad = 1.25): [number, number] {
  const positive = values.filter((v) => v > 0);
  if (!positive.length) return [1, 10];
  return [Math.min(...positive) / pad, Math.max(...positive) * pad];
}
