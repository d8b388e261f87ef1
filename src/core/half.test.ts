import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HALF_UNIT_ROUNDOFF, halfBitsToNumber, toHalf, toHalfBits } from "./half";

describe("f16 rounding", () => {
  it("knows the landmarks", () => {
    expect(toHalfBits(1)).toBe(0x3c00);
    expect(toHalfBits(-2)).toBe(0xc000);
    expect(toHalfBits(65504)).toBe(0x7bff);
    expect(toHalfBits(65520)).toBe(0x7c00); // rounds up past the largest half: infinity
    expect(toHalfBits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(toHalfBits(2 ** -26)).toBe(0x0000);
    expect(toHalfBits(Number.NaN) & 0x7c00).toBe(0x7c00);
    expect(halfBitsToNumber(0x3555)).toBeCloseTo(0.33325, 5);
    // 1 + 2^-11 is a tie between 1 and 1 + 2^-10: to even, 1.
    expect(toHalfBits(1 + 2 ** -11)).toBe(0x3c00);
    expect(toHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02);
  });

  it("rounds to the nearest half within the unit roundoff, and round-trips", () => {
    fc.assert(
      fc.property(fc.float({ min: -60000, max: 60000, noNaN: true }), (x) => {
        const h = toHalfBits(x);
        const back = halfBitsToNumber(h);
        expect(toHalfBits(back)).toBe(h);
        if (Math.abs(x) >= 2 ** -14)
          expect(Math.abs(back - x)).toBeLessThanOrEqual(Math.abs(x) * HALF_UNIT_ROUNDOFF);
        else expect(Math.abs(back - x)).toBeLessThanOrEqual(2 ** -25);
      }),
    );
  });

  it("gives the bits and the values they mean", () => {
    const { bits, rounded } = toHalf(Float32Array.from([0.1, -0.5]));
    expect([...bits]).toEqual([0x2e66, 0xb800]);
    expect(rounded[0]).toBeCloseTo(0.0999755859375, 12);
  });
});
