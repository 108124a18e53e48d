import { describe, expect, it } from 'vitest';
import { type ComparableFigures, compareFigures, pairConfigurations } from './compare';

/** Figures with a median of p50 and a confidence interval of ± halfWidth around it. */
function figures(p50: number | null, halfWidth = 0.1, over: Partial<ComparableFigures> = {}): ComparableFigures {
  return {
    p50Ms: p50,
    p50CiLowMs: p50 === null ? null : p50 - halfWidth,
    p50CiHighMs: p50 === null ? null : p50 + halfWidth,
    p99Ms: p50 === null ? null : p50 * 2,
    throughput: p50 === null ? null : 1000 / p50,
    valid: true,
    status: 'ok',
    ...over,
  };
}

describe('compareFigures', () => {
  it('calls a candidate faster when the intervals are apart and the change is large enough', () => {
    const c = compareFigures(figures(10), figures(8));
    expect(c).toMatchObject({ baselineP50Ms: 10, candidateP50Ms: 8, significant: true, verdict: 'faster' });
    expect(c.ratio).toBeCloseTo(0.8, 12);
    expect(c.change).toBeCloseTo(-0.2, 12);
    expect(c.reason).toBeUndefined();
  });

  it('calls a candidate slower the same way', () => {
    const c = compareFigures(figures(10), figures(12.5));
    expect(c).toMatchObject({ ratio: 1.25, significant: true, verdict: 'slower' });
    expect(c.change).toBeCloseTo(0.25, 12);
  });

  it('calls overlapping intervals the same, however large the change', () => {
    const c = compareFigures(figures(10, 2), figures(13, 2));
    expect(c).toMatchObject({
      ratio: 1.3,
      significant: false,
      verdict: 'same',
      reason: 'confidence intervals of the median overlap',
    });
  });

  it('counts intervals that only touch as overlapping', () => {
    const c = compareFigures(figures(10, 0.5), figures(11, 0.5));
    expect(c).toMatchObject({ significant: false, verdict: 'same' });
  });

  it('calls a change below the minimum effect the same even when the intervals are apart', () => {
    const c = compareFigures(figures(10, 0.01), figures(10.1, 0.01));
    expect(c).toMatchObject({
      significant: false,
      verdict: 'same',
      reason: 'change of 1% is below the minimum effect of 2%',
    });
    expect(c.ratio).toBeCloseTo(1.01, 12);
  });

  it('counts a change of exactly the minimum effect', () => {
    expect(compareFigures(figures(10, 0.01), figures(10.2, 0.01))).toMatchObject({
      significant: true,
      verdict: 'slower',
    });
    expect(compareFigures(figures(10, 0.01), figures(9.8, 0.01))).toMatchObject({
      significant: true,
      verdict: 'faster',
    });
  });

  it('takes the minimum effect from its options', () => {
    const base = figures(10, 0.01);
    const cand = figures(10.1, 0.01);
    expect(compareFigures(base, cand, { minEffect: 0.005 })).toMatchObject({ significant: true, verdict: 'slower' });
    expect(compareFigures(figures(10), figures(8), { minEffect: 0.5 })).toMatchObject({
      verdict: 'same',
      reason: 'change of 20% is below the minimum effect of 50%',
    });
    expect(compareFigures(base, cand, { minEffect: 0 })).toMatchObject({ verdict: 'slower' });
  });

  it('refuses a negative or non-finite minimum effect', () => {
    expect(() => compareFigures(figures(10), figures(8), { minEffect: -0.1 })).toThrow(/minEffect/);
    expect(() => compareFigures(figures(10), figures(8), { minEffect: Number.NaN })).toThrow(/minEffect/);
    expect(() => compareFigures(figures(10), figures(8), { minEffect: Infinity })).toThrow(/minEffect/);
  });

  it('does not call a difference significant without both intervals', () => {
    const c = compareFigures(figures(10, 0.1, { p50CiLowMs: null }), figures(5, 0.1, { p50CiHighMs: null }));
    expect(c).toMatchObject({
      ratio: 0.5,
      significant: false,
      verdict: 'same',
      reason: 'no confidence interval of the median for the baseline and candidate',
    });
  });

  it('is not comparable when a side did not end ok, failed parity or has no p50', () => {
    expect(compareFigures(figures(null, 0, { status: 'failed' }), figures(8))).toEqual({
      baselineP50Ms: null,
      candidateP50Ms: 8,
      ratio: null,
      change: null,
      significant: false,
      verdict: 'not comparable',
      reason: 'baseline did not end ok (failed)',
    });
    expect(compareFigures(figures(10), figures(8, 0.1, { valid: false }))).toMatchObject({
      candidateP50Ms: 8,
      ratio: null,
      verdict: 'not comparable',
      reason: 'candidate failed parity',
    });
    expect(compareFigures(figures(10), figures(null)).reason).toBe('candidate has no p50');
    expect(compareFigures(figures(0), figures(8)).reason).toBe('baseline has no p50');
  });

  it('names both sides when neither can be compared', () => {
    const c = compareFigures(figures(null, 0, { status: 'unsupported' }), figures(null, 0, { status: 'timeout' }));
    expect(c.reason).toBe('baseline did not end ok (unsupported); candidate did not end ok (timeout)');
  });
});

describe('pairConfigurations', () => {
  type Row = { key: string; value: number };
  const keyOf = (r: Row) => r.key;

  it('pairs rows by key, sorted by key, with one-sided keys kept', () => {
    const base: Row[] = [
      { key: 'c', value: 1 },
      { key: 'a', value: 2 },
    ];
    const cand: Row[] = [
      { key: 'b', value: 3 },
      { key: 'a', value: 4 },
    ];
    expect(pairConfigurations(base, cand, keyOf)).toEqual([
      { key: 'a', baseline: { key: 'a', value: 2 }, candidate: { key: 'a', value: 4 } },
      { key: 'b', candidate: { key: 'b', value: 3 } },
      { key: 'c', baseline: { key: 'c', value: 1 } },
    ]);
  });

  it('sorts by code unit, whatever the locale', () => {
    const rows: Row[] = ['b', 'B', 'a', 'A', '_'].map((key, value) => ({ key, value }));
    expect(pairConfigurations(rows, [], keyOf).map((p) => p.key)).toEqual(['A', 'B', '_', 'a', 'b']);
  });

  it('keeps the first row of a key seen twice on one side', () => {
    const pairs = pairConfigurations(
      [
        { key: 'a', value: 1 },
        { key: 'a', value: 2 },
      ],
      [
        { key: 'a', value: 3 },
        { key: 'a', value: 4 },
      ],
      keyOf,
    );
    expect(pairs).toEqual([{ key: 'a', baseline: { key: 'a', value: 1 }, candidate: { key: 'a', value: 3 } }]);
  });

  it('pairs rows of different shapes', () => {
    const pairs = pairConfigurations([{ cellId: 'x', p50: 1 }], [{ id: 'x', hardwareClass: 'gpu' }], (r) =>
      'cellId' in r ? r.cellId : r.id,
    );
    expect(pairs).toEqual([
      { key: 'x', baseline: { cellId: 'x', p50: 1 }, candidate: { id: 'x', hardwareClass: 'gpu' } },
    ]);
  });

  it('handles empty sides', () => {
    expect(pairConfigurations<Row, Row>([], [], keyOf)).toEqual([]);
  });
});
