/**
 * IEEE 754 half precision (f16) on the CPU: the bits an f16 tensor holds, and the value they mean.
 * f16 problems upload these bits, and their reference is the float64 convolution of the rounded values.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The f16 nearest to `x` (ties to even), as its 16 bits; overflow gives infinity, NaN stays NaN. */
export function toHalfBits(x: number): number {
  f32[0] = x;
  const bits = u32[0] as number;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal (or zero): shift the full significand into place, rounding to nearest even.
    if (e < -10) return sign;
    const significand = mantissa | 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = significand & ((1 << shift) - 1);
    let value = significand >>> shift;
    if (rest > half || (rest === half && value & 1)) value++;
    return sign | value;
  }
  let value = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && value & 1)) value++; // may carry into the exponent: still right
  return sign | value;
}

/** The value of 16 f16 bits. */
export function halfBitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >>> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Each value rounded to the nearest f16, and the bits to upload. */
export function toHalf(values: Float32Array): {
  bits: Uint16Array<ArrayBuffer>;
  rounded: Float32Array<ArrayBuffer>;
} {
  const bits = new Uint16Array(values.length);
  const rounded = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const h = toHalfBits(values[i] as number);
    bits[i] = h;
    rounded[i] = halfBitsToNumber(h);
  }
  return { bits, rounded };
}

/** Unit roundoff of f16 (half an ulp of 1): round-to-nearest moves a value by at most this fraction. */
export const HALF_UNIT_ROUNDOFF = 2 ** -11;
/** Unit roundoff of f32. */
export const FLOAT_UNIT_ROUNDOFF = 2 ** -24;
