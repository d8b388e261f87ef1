/** Number formatting shared by every page: short, unit-bearing, readable on a projector. */

const SI = ["", "k", "M", "G", "T", "P"] as const;

/** 1234567 -> "1.23 M" (with unit: "1.23 MFLOP"). */
export function si(value: number, unit = "", digits = 3): string {
  if (!Number.isFinite(value)) return "—";
  let i = 0;
  let v = Math.abs(value);
  while (v >= 1000 && i < SI.length - 1) {
    v /= 1000;
    i++;
  }
  const sign = value < 0 ? "-" : "";
  return `${sign}${Number(v.toPrecision(digits))}${unit || SI[i] ? " " : ""}${SI[i]}${unit}`;
}

/** Bytes in binary units: 16384 -> "16 KiB". */
export function bytes(value: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  let v = value;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number(v.toPrecision(4))} ${units[i]}`;
}

/** A duration in nanoseconds, in the unit that keeps 1-3 digits before the point. */
export function duration(ns: number): string {
  if (!Number.isFinite(ns)) return "—";
  if (ns < 1e3) return `${Math.round(ns)} ns`;
  if (ns < 1e6) return `${Number((ns / 1e3).toPrecision(3))} µs`;
  if (ns < 1e9) return `${Number((ns / 1e6).toPrecision(3))} ms`;
  return `${Number((ns / 1e9).toPrecision(3))} s`;
}

/** Whole numbers with thin grouping: 1234567 -> "1,234,567". */
export function count(value: number): string {
  return value.toLocaleString("en-US");
}

/** Seconds left as "2 min 05 s" / "12 s". */
export function eta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "—";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

/** A config as the tables write it: "BM=64 BN=64 BK=16". */
export function configText(config: Record<string, number>): string {
  return Object.entries(config)
    .map(([name, value]) => `${name}=${value}`)
    .join(" ");
}
