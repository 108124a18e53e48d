import { describe, expect, it } from 'vitest';
import {
  arrivalSchedule,
  compareCapacity,
  formatSlo,
  MAX_SEARCH_TRIALS,
  parseSlo,
  searchStep,
  summarizeTrial,
} from './load';

describe('parseSlo', () => {
  it('reads percentile bounds and refuses anything else', () => {
    expect(parseSlo('p99<=30')).toEqual({ percentile: 99, boundMs: 30 });
    expect(parseSlo(' p99.9 ≤ 12.5 ms ')).toEqual({ percentile: 99.9, boundMs: 12.5 });
    expect(formatSlo(parseSlo('p95<=7'))).toBe('p95<=7');
    expect(() => parseSlo('p99<30')).toThrow(/not a percentile bound/);
    expect(() => parseSlo('mean<=30')).toThrow(/not a percentile bound/);
    expect(() => parseSlo('p0<=30')).toThrow(/percentile must be above 0/);
    expect(() => parseSlo('p99<=0')).toThrow(/bound must be above 0/);
  });
});

describe('arrivalSchedule', () => {
  it('offers exactly rate × duration requests, in order, inside the duration, the same for the same seed', () => {
    const a = arrivalSchedule(50, 20_000, 7);
    expect(a.length).toBe(1000);
    for (let i = 1; i < a.length; i++) expect(a[i]!).toBeGreaterThanOrEqual(a[i - 1]!);
    expect(a[0]!).toBeGreaterThanOrEqual(0);
    expect(a[a.length - 1]!).toBeLessThan(20_000);
    expect(arrivalSchedule(50, 20_000, 7)).toEqual(a);
    expect(arrivalSchedule(50, 20_000, 8)).not.toEqual(a);
  });

  it('has exponential gaps: mean 1/rate, coefficient of variation about 1', () => {
    const a = arrivalSchedule(100, 200_000, 3);
    const gaps = Array.from(a.subarray(1), (t, i) => t - a[i]!);
    const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / gaps.length);
    expect(mean).toBeCloseTo(10, 0);
    expect(sd / mean).toBeGreaterThan(0.95);
    expect(sd / mean).toBeLessThan(1.05);
  });
});

describe('summarizeTrial', () => {
  it('measures latency from arrival and from dispatch, the queue, and the SLO with unserved requests as late', () => {
    // Four requests at 0, 10, 20, 30 ms on one server that takes 15 ms each: the queue grows.
    const arrivals = Float64Array.from([0, 10, 20, 30]);
    const dispatched = Float64Array.from([0, 15, 30, 45]);
    const ended = Float64Array.from([15, 30, 45, 60]);
    const t = summarizeTrial({
      offeredQps: 100,
      search: false,
      durationMs: 40,
      arrivals,
      dispatched,
      ended,
      slo: parseSlo('p50<=20'),
    });
    expect(t.fromDispatch).toMatchObject({ p50Ms: 15, maxMs: 15 });
    expect(t.fromArrival).toMatchObject({ maxMs: 30 });
    expect(t.fromArrival!.p50Ms).toBeCloseTo(22.5);
    // Requests 1 to 3 waited 5, 10 and 15 ms over 60 ms; at most one was ever waiting.
    expect(t.queueDepth).toEqual({ mean: 0.5, max: 1 });
    expect(t.achievedQps).toBeCloseTo(4 / 0.06);
    // The 50th percentile over 4 is the 2nd fastest: 20 ms, within the bound.
    expect(t.sloLatencyMs).toBe(20);
    expect(t.pass).toBe(true);

    const cut = summarizeTrial({
      offeredQps: 100,
      search: false,
      durationMs: 40,
      arrivals,
      dispatched: Float64Array.from([0, 15, NaN, NaN]),
      ended: Float64Array.from([15, 30, NaN, NaN]),
      slo: parseSlo('p75<=100'),
      note: 'stopped',
    });
    expect(cut).toMatchObject({ served: 2, unserved: 2, sloLatencyMs: Infinity, pass: false, note: 'stopped' });

    // Stopped early at 25 ms: the request due at 30 ms was never offered and never queued.
    const early = summarizeTrial({
      offeredQps: 100,
      search: true,
      durationMs: 40,
      arrivals,
      dispatched: Float64Array.from([0, 12, NaN, NaN]),
      ended: Float64Array.from([10, 22, NaN, NaN]),
      slo: parseSlo('p75<=100'),
      stoppedAtMs: 25,
    });
    expect(early).toMatchObject({ requests: 4, offered: 3, served: 2, unserved: 1, pass: false });
    expect(early.queueDepth).toEqual({ mean: 7 / 25, max: 1 });
  });
});

describe('searchStep', () => {
  /** Runs the search against a machine whose true peak is `peak`. */
  function search(peak: number, estimate: number) {
    const trials: { offeredQps: number; pass: boolean }[] = [];
    for (;;) {
      const step = searchStep(trials, estimate);
      if ('peak' in step) return { ...step.peak, tried: trials.map((t) => t.offeredQps) };
      trials.push({ offeredQps: step.next, pass: step.next <= peak });
    }
  }

  it('brackets from the estimate, then bisects to within 5%', () => {
    const down = search(37, 100);
    expect(down.tried.slice(0, 3)).toEqual([100, 50, 25]);
    expect(down.qps!).toBeLessThanOrEqual(37);
    expect(down.qps!).toBeGreaterThan(37 / 1.05);
    expect(down.bracket[1]! / down.bracket[0]! - 1).toBeLessThanOrEqual(0.05);
    const up = search(370, 100);
    expect(up.tried.slice(0, 3)).toEqual([100, 200, 400]);
    expect(up.qps!).toBeGreaterThan(370 / 1.05);
    expect(up.trials).toBeLessThanOrEqual(MAX_SEARCH_TRIALS);
  });

  it('says no rate met the SLO when halving goes below the floor', () => {
    expect(search(0.01, 1)).toMatchObject({ qps: null, bracket: [null, expect.any(Number)] });
  });

  it('keeps the lowest failure when a pass above it is noise', () => {
    const step = searchStep(
      [
        { offeredQps: 100, pass: false },
        { offeredQps: 50, pass: true },
        { offeredQps: 75, pass: false },
        { offeredQps: 90, pass: true },
      ],
      100,
    );
    expect(step).toEqual({ next: 62.5 });
  });
});

describe('compareCapacity', () => {
  it('compares capacities at one SLO and says when the change is beyond two searches’ precision', () => {
    expect(compareCapacity({ slo: 'p99<=30', capacityQps: 100 }, { slo: 'p99<=30', capacityQps: 85 })).toEqual({
      slo: 'p99<=30',
      baselineQps: 100,
      candidateQps: 85,
      change: expect.closeTo(-0.15, 9),
      beyondSearchPrecision: true,
    });
    expect(compareCapacity({ slo: 'p99<=30', capacityQps: 100 }, { slo: 'p99<=30', capacityQps: 95 })).toMatchObject({
      beyondSearchPrecision: false,
    });
    expect(compareCapacity({ slo: 'p99<=30', capacityQps: 100 }, { slo: 'p99<=30', capacityQps: null })).toMatchObject({
      change: null,
      beyondSearchPrecision: false,
    });
    expect(compareCapacity({ slo: 'p99<=30', capacityQps: 100 }, { slo: 'p99<=10', capacityQps: 100 })).toBeNull();
    expect(compareCapacity({ slo: null, capacityQps: null }, { slo: null, capacityQps: null })).toBeNull();
  });
});
