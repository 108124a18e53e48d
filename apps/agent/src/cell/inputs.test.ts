import { describe, expect, it } from 'vitest';
import { resolveShape, toHalfBits } from './inputs';

describe('resolveShape', () => {
  it("takes the model's first open dimension as the batch", () => {
    expect(resolveShape('x', ['N', 3, 224, 224], undefined, 8)).toEqual([8, 3, 224, 224]);
  });

  it("uses the spec's shape with 'batch' where the model leaves dimensions open", () => {
    expect(resolveShape('x', ['a', 3, 'h', 'w'], { shape: ['batch', 3, 64, 96] }, 2)).toEqual([2, 3, 64, 96]);
  });

  it('names the input and its open dimensions when it cannot decide', () => {
    expect(() => resolveShape('x', ['a', 3, 'h', 'w'], undefined, 1)).toThrow(
      "input 'x' has open dimensions 2 (h), 3 (w)",
    );
  });

  it('rejects a spec shape that contradicts the model', () => {
    expect(() => resolveShape('x', ['a', 3], { shape: ['batch', 4] }, 1)).toThrow(
      /dimension 1 is fixed to 3 by the model, the spec gives 4/,
    );
    expect(() => resolveShape('x', ['a', 3], { shape: ['batch'] }, 1)).toThrow(/gives 1 dimensions, the model has 2/);
  });
});

describe('toHalfBits', () => {
  it('encodes IEEE half precision', () => {
    expect(toHalfBits(1)).toBe(0x3c00);
    expect(toHalfBits(-2)).toBe(0xc000);
    expect(toHalfBits(0.5)).toBe(0x3800);
    expect(toHalfBits(65504)).toBe(0x7bff);
    expect(toHalfBits(1e6)).toBe(0x7c00);
    expect(toHalfBits(2 ** -24)).toBe(0x0001);
    expect(toHalfBits(0)).toBe(0);
  });

  it('rounds half to even, carries into the exponent, and keeps NaN', () => {
    expect(toHalfBits(1.9999)).toBe(0x4000);
    expect(toHalfBits(0.49995)).toBe(0x3800);
    expect(toHalfBits(7.999)).toBe(0x4800);
    expect(toHalfBits(1 + 2 ** -11)).toBe(0x3c00);
    expect(toHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(toHalfBits(3 * 2 ** -25)).toBe(0x0002);
    expect(toHalfBits(65520)).toBe(0x7c00);
    expect(toHalfBits(NaN) & 0x7fff).toBeGreaterThan(0x7c00);
    expect(toHalfBits(-Infinity)).toBe(0xfc00);
  });
});
