import { describe, expect, it } from 'vitest';
import { LatencyRecorder } from './latency-recorder';
import { summarize } from './stats';

function record(samples: number[]): LatencyRecorder {
  const r = new LatencyRecorder();
  samples.forEach((ms, i) => r.record(ms, i));
  return r;
}

describe('LatencyRecorder', () => {
  it('gives exact statistics while the samples fit, and a timeline in order', () => {
    const samples = Array.from({ length: 500 }, (_, i) => 1 + (i % 10) / 10);
    // 500 fits the timeline (512), so every sample is kept
    const out = record(samples).finish();
    expect(out.stats).toEqual(summarize(samples));
    expect(out.samplesMs).toEqual(samples);
    expect(out.windows.map((w) => w.iterations)).toEqual([167, 167, 167].map((n, i) => (i === 0 ? 166 : n)));
    expect(out.unstable).toBe(false);
  });

  it('flags a loop whose windows disagree by more than 10%', () => {
    const drifting = Array.from({ length: 300 }, (_, i) => (i < 200 ? 1 : 1.2));
    const out = record(drifting).finish();
    expect(out.windows.map((w) => w.p50Ms)).toEqual([1, 1, 1.2]);
    expect(out.unstable).toBe(true);
  });

  it('keeps memory bounded on long loops: histogram percentiles within 1%, exact mean and extremes', () => {
    const n = 300_000;
    let seed = 1;
    const rand = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const samples = Array.from({ length: n }, () => 0.5 + rand() * rand() * 4);
    const out = record(samples).finish();
    const exact = summarize(samples);
    for (const key of ['p50Ms', 'p90Ms', 'p99Ms', 'p999Ms', 'p50CiLowMs', 'p50CiHighMs'] as const)
      expect(Math.abs(out.stats[key] / exact[key] - 1)).toBeLessThan(0.01);
    expect(out.stats.meanMs).toBeCloseTo(exact.meanMs, 9);
    expect(out.stats.stdMs).toBeCloseTo(exact.stdMs, 9);
    expect(out.stats.minMs).toBe(exact.minMs);
    expect(out.stats.maxMs).toBe(exact.maxMs);
    expect(out.samplesMs.length).toBeGreaterThanOrEqual(256);
    expect(out.samplesMs.length).toBeLessThanOrEqual(512);
    expect(out.windows.reduce((s, w) => s + w.iterations, 0)).toBeCloseTo(n, -2);
  });
});
