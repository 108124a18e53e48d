import { describe, expect, it } from 'vitest';
import {
  HISTOGRAM_GROWTH,
  histogramBucket,
  histogramPercentile,
  medianConfidenceInterval,
  percentile,
  summarize,
} from './stats';

describe('summarize', () => {
  it('matches hand-computed statistics (numpy linear percentiles, sample std)', () => {
    const s = summarize([5, 1, 4, 2, 3]);
    expect(s).toMatchObject({ minMs: 1, maxMs: 5, meanMs: 3, p50Ms: 3 });
    expect(s.stdMs).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(s.p90Ms).toBeCloseTo(4.6, 12);
    expect(s.cv).toBeCloseTo(Math.sqrt(2.5) / 3, 12);
  });

  it('orders its percentiles', () => {
    const samples = Array.from({ length: 1000 }, (_, i) => 10 + ((i * 7919) % 1000) / 100);
    const s = summarize(samples);
    const order = [s.minMs, s.p50Ms, s.p90Ms, s.p95Ms, s.p99Ms, s.p999Ms, s.maxMs];
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(s.p50CiLowMs).toBeLessThanOrEqual(s.p50Ms);
    expect(s.p50CiHighMs).toBeGreaterThanOrEqual(s.p50Ms);
  });

  it('refuses to summarize nothing', () => {
    expect(() => summarize([])).toThrow(/no samples/);
  });
});

describe('medianConfidenceInterval', () => {
  it('narrows as the sample grows', () => {
    const sorted = (n: number) => Array.from({ length: n }, (_, i) => i);
    const width = (n: number) => {
      const [lo, hi] = medianConfidenceInterval(sorted(n));
      return (hi - lo) / n;
    };
    expect(width(10_000)).toBeLessThan(width(100));
    const [lo, hi] = medianConfidenceInterval(sorted(100));
    expect(lo).toBe(40);
    expect(hi).toBe(59);
  });
});

describe('histogramPercentile', () => {
  it('reads percentiles within the 1% bucket width', () => {
    const samples = [
      ...Array.from({ length: 500 }, (_, i) => 1 + i / 100),
      ...Array.from({ length: 500 }, (_, i) => 6 + i / 100),
    ];
    const counts: Record<string, number> = {};
    for (const ms of samples) counts[histogramBucket(ms)] = (counts[histogramBucket(ms)] ?? 0) + 1;
    const exact = percentile(
      [...samples].sort((x, y) => x - y),
      99,
    );
    expect(Math.abs(histogramPercentile({ growth: HISTOGRAM_GROWTH, counts }, 99) - exact) / exact).toBeLessThan(0.011);
  });
});
