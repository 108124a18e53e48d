import { describe, expect, it } from 'vitest';
import { formatChange, formatPercent } from './format';

describe('formatChange', () => {
  it('writes the change a ratio stands for, signed, to one decimal', () => {
    expect(formatChange(1.052)).toBe('+5.2%');
    expect(formatChange(0.9)).toBe('-10.0%');
    expect(formatChange(2)).toBe('+100.0%');
  });

  it('calls no change +0.0%', () => {
    expect(formatChange(1)).toBe('+0.0%');
  });
});

describe('formatPercent', () => {
  it('keeps at most two decimals and drops trailing zeros', () => {
    expect(formatPercent(0.05)).toBe('5%');
    expect(formatPercent(0.0125)).toBe('1.25%');
    expect(formatPercent(0.99)).toBe('99%');
    expect(formatPercent(0.123456)).toBe('12.35%');
  });
});
