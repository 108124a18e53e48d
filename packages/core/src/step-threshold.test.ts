import { describe, expect, it } from 'vitest';
import { stepThreshold } from './step-threshold';

describe('stepThreshold', () => {
  it('is minEffect for a baseline without noise or with more noise than a step of minEffect can be told from', () => {
    expect(stepThreshold(0.05, 0, 7).threshold).toBe(0.05);
    expect(stepThreshold(0.05, 0.03, 7).threshold).toBe(0.05);
  });

  it('comes down so that a step of minEffect is found 19 times in 20', () => {
    // CV 1% over 7 nights: one night's ratio varies by 1% × √(1 + π/14) ≈ 1.107%.
    const { threshold, stepNoise } = stepThreshold(0.05, 0.01, 7);
    expect(stepNoise).toBeCloseTo(0.01107, 5);
    expect(threshold).toBeCloseTo(0.05 - 1.645 * stepNoise, 9);
  });

  it('never comes below what the noise reaches on 1 unchanged night in 100', () => {
    // CV 1.5% over 3 nights: 1.645 σ below minEffect would be under 2.576 σ.
    const { threshold, stepNoise } = stepThreshold(0.05, 0.015, 3);
    expect(threshold).toBeCloseTo(2.576 * stepNoise, 6);
    expect(threshold).toBeLessThan(0.05);
    // Its lowest point, for any noise: about 61% of minEffect.
    const lowest = Math.min(...Array.from({ length: 100 }, (_, i) => stepThreshold(0.05, i / 2000, 7).threshold));
    expect(lowest).toBeGreaterThan(0.05 * (2.576 / (1.645 + 2.576)) - 1e-4);
  });

  it('rises above minEffect only when asked: a noisy baseline keeps an unchanged night beyond it 1 time in 100', () => {
    // CV 3% over 7 nights: 2.576 σ is about 8.6%.
    const raised = stepThreshold(0.05, 0.03, 7, true);
    expect(raised.threshold).toBeCloseTo(2.576 * raised.stepNoise, 9);
    expect(raised.threshold).toBeGreaterThan(0.08);
    expect(stepThreshold(0.05, 0.03, 7).threshold).toBe(0.05);
    // Where the baseline is steady enough, asking changes nothing.
    expect(stepThreshold(0.05, 0.01, 7, true).threshold).toBe(stepThreshold(0.05, 0.01, 7).threshold);
  });
});
