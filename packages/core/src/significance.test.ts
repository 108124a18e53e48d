import { describe, expect, it } from 'vitest';
import { mannWhitneyU, medianRatioInterval } from './significance';
import { latencies } from './testing/samples';

describe('mannWhitneyU', () => {
  it("matches scipy's asymptotic result on its documentation example", () => {
    // scipy.stats.mannwhitneyu([19, 22, 16, 29, 24], [20, 11, 17, 12], method='asymptotic') → U 17, p 0.11134688653314041
    const r = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12]);
    expect(r.u).toBe(17);
    expect(r.pTwoSided).toBeCloseTo(0.11134688653314041, 6);
    expect(r.z).toBeGreaterThan(0);
  });

  it('gives the hand-computed figures for fully separated samples', () => {
    // U 0, mean 12.5, σ² = 25·11/12; z = -(12.5 - 0.5)/σ = -2.50672, p = 2·Φ(-2.50672) = 0.012185
    const r = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(r.u).toBe(0);
    expect(r.z).toBeCloseTo(-12 / Math.sqrt(275 / 12), 9);
    expect(r.pTwoSided).toBeCloseTo(0.012185, 5);
  });

  it('gives ties half a pair and corrects the variance for them', () => {
    // Ranks: 1→1, the three 2s→3, the two 3s→5.5, 4→7, 5→8; R_a = 12.5, U = 12.5 - 4·5/2 = 2.5.
    // Tie term 3³-3 + 2³-2 = 30; σ² = 16/12 · (9 - 30/56); z = -(5.5 - 0.5)/σ.
    const a = [1, 2, 2, 3];
    const b = [2, 3, 4, 5];
    const r = mannWhitneyU(a, b);
    expect(r.u).toBe(2.5);
    expect(r.u).toBe(pairwiseU(a, b));
    expect(r.z).toBeCloseTo(-5 / Math.sqrt((16 / 12) * (9 - 30 / 56)), 9);
    expect(r.pTwoSided).toBeCloseTo(0.1367, 3);
    const swapped = mannWhitneyU(b, a);
    expect(swapped.u).toBe(16 - 2.5);
    expect(swapped.z).toBeCloseTo(-r.z, 12);
    expect(swapped.pTwoSided).toBeCloseTo(r.pTwoSided, 12);
  });

  it('counts U as pairs won on heavily tied latencies rounded to 0.1 ms', () => {
    const a = latencies(10, 1, 60, 0.02).map((x) => Math.round(x * 10) / 10);
    const b = latencies(10.1, 2, 80, 0.02).map((x) => Math.round(x * 10) / 10);
    expect(mannWhitneyU(a, b).u).toBe(pairwiseU(a, b));
  });

  it('gives p = 1 when every value is the same', () => {
    expect(mannWhitneyU([5, 5, 5], [5, 5])).toEqual({ u: 3, z: 0, pTwoSided: 1 });
  });

  it('gives a large p for samples from the same distribution', () => {
    expect(mannWhitneyU(latencies(10, 11, 200), latencies(10, 12, 200)).pTwoSided).toBeGreaterThan(0.05);
  });

  it('gives a tiny p for a 10% shift with 200 samples each', () => {
    const r = mannWhitneyU(latencies(11, 13, 200, 0.03), latencies(10, 14, 200, 0.03));
    expect(r.pTwoSided).toBeLessThan(1e-20);
    expect(r.z).toBeGreaterThan(9);
  });

  it('refuses an empty side', () => {
    expect(() => mannWhitneyU([], [1])).toThrow(/both sides/);
  });
});

describe('medianRatioInterval', () => {
  it('is the same for the same seed and differs for another', () => {
    const base = latencies(10, 21, 300);
    const cand = latencies(10.5, 22, 300);
    const one = medianRatioInterval(base, cand, { seed: 7 });
    expect(medianRatioInterval(base, cand, { seed: 7 })).toEqual(one);
    expect(medianRatioInterval(base, cand, { seed: 8 })).not.toEqual(one);
  });

  it('brackets the ratio of the medians', () => {
    const r = medianRatioInterval(latencies(10, 23, 400), latencies(11, 24, 400));
    expect(r.ratio).toBeCloseTo(1.1, 2);
    expect(r.low).toBeLessThan(r.ratio);
    expect(r.high).toBeGreaterThan(r.ratio);
    expect(r.low).toBeGreaterThan(1.08);
    expect(r.high).toBeLessThan(1.12);
  });

  it('takes medians as numpy does, averaging the two middle values of an even count', () => {
    expect(medianRatioInterval([4, 1, 3, 2], [5]).ratio).toBe(2);
    expect(medianRatioInterval([[1, 9, 2], [4], [3, 100]], [7]).ratio).toBe(7 / 4);
  });

  it('treats one group like flat samples', () => {
    const base = latencies(10, 25, 100);
    const cand = latencies(10.2, 26, 100);
    expect(medianRatioInterval([base], cand)).toEqual(medianRatioInterval(base, cand));
  });

  it('widens with night-to-night spread that pooled samples would hide', () => {
    const spread = [latencies(9.5, 27), latencies(10, 28), latencies(10.5, 29)];
    const grouped = medianRatioInterval(spread, latencies(10, 30));
    const pooled = medianRatioInterval(spread.flat(), latencies(10, 30));
    expect(grouped.high - grouped.low).toBeGreaterThan(3 * (pooled.high - pooled.low));
    expect(grouped.low).toBeLessThan(0.96);
    expect(grouped.high).toBeGreaterThan(1.04);
  });

  it('refuses empty samples and bad options', () => {
    expect(() => medianRatioInterval([], [1])).toThrow(/both sides/);
    expect(() => medianRatioInterval([[1], []], [1])).toThrow(/both sides/);
    expect(() => medianRatioInterval([1], [1], { confidence: 1 })).toThrow(/confidence/);
  });
});

/** U by counting pairs: the definition the rank formula must agree with. */
function pairwiseU(a: number[], b: number[]): number {
  let u = 0;
  for (const x of a) for (const y of b) u += x > y ? 1 : x === y ? 0.5 : 0;
  return u;
}
