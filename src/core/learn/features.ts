/**
 * The problem language: a problem becomes an ordered list of named features, the encoder's input
 * sequence (each corpus says which features its problems have). Counts are read on a log2 scale plus
 * their divisibility by powers of two, because tuned configs split channels, pixels and images into
 * power-of-two pieces; flags are 0 or 1.
 */

export interface Feature {
  name: string;
  value: number;
  kind: "count" | "flag";
  /** Computed from the others (a hint for the model; left out of the baseline's distance). */
  derived?: boolean;
}

/** log2 levels of the thermometer code: up to 2^24, past any tensor dimension or pixel count. */
const LEVELS = 24;

/** Width of one feature's value encoding: flag, log2, six divisibility bits, power of two, thermometer. */
export const VALUE_WIDTH = 9 + LEVELS;

/**
 * A count's encoding. The thermometer code (level i is how far log2 passes i, clamped to [0, 1])
 * turns "N is at least 64" into one unit the network reads directly, where a single log2 scalar
 * would need a finely tuned threshold.
 */
export function encodeValue(feature: Feature): number[] {
  if (feature.kind === "flag") return [feature.value, ...new Array<number>(VALUE_WIDTH - 1).fill(0)];
  const x = Math.max(0, Math.round(feature.value));
  const log = Math.log2(1 + x);
  const divisible = [2, 4, 8, 16, 32, 64].map((d) => (x > 0 && x % d === 0 ? 1 : 0));
  const powerOfTwo = x > 0 && (x & (x - 1)) === 0 ? 1 : 0;
  const thermometer = Array.from({ length: LEVELS }, (_, i) => Math.min(1, Math.max(0, log - i)));
  return [0, log / 8, ...divisible, powerOfTwo, ...thermometer];
}

/** The log2-scaled raw problem fields: the vector the nearest-neighbour baseline measures distances in. */
export function logVector(features: readonly Feature[]): number[] {
  return features
    .filter((f) => !f.derived)
    .map((f) => (f.kind === "flag" ? f.value : Math.log2(1 + f.value)));
}

/** Readable names of the features both corpora and the lab's devices give (src/core/corpora). */
const LABELS: Record<string, string> = {
  "backward-data": "backward data",
  "backward-weights": "backward weights",
  fp16: "fp16 precision",
  bf16: "bf16 precision",
  nhwc: "NHWC layout",
  C: "input channels C",
  K: "output channels K",
  N: "batch N",
  H: "input height H",
  W: "input width W",
  R: "filter height R",
  S: "filter width S",
  pad_h: "padding, height",
  pad_w: "padding, width",
  stride_h: "stride, height",
  stride_w: "stride, width",
  dilation_h: "dilation, height",
  dilation_w: "dilation, width",
  groups: "groups",
  pixels: "output pixels",
  pixels_x_N: "output pixels × N",
  max_invocations: "device: invocations per workgroup",
  workgroup_storage_kib: "device: workgroup storage (KiB)",
};

/** A feature's name for people (`vendor-nvidia` reads "device: nvidia"); an unknown name as it is. */
export function featureLabel(name: string): string {
  const vendor = /^vendor-(.+)$/.exec(name);
  if (vendor) return `device: ${vendor[1]}`;
  return LABELS[name] ?? name;
}
