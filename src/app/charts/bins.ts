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
