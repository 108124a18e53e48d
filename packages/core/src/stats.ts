import type { LatencyStats } from './latency-stats';
import type { LatencyHistogram } from './measurement';

/** Percentile by linear interpolation between closest ranks (numpy's default), q in [0, 100]. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error('percentile of no samples');
  const pos = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * 95% confidence interval of the median from order statistics: the ranks n/2 ± 1.96·√n/2 of the sorted
 * sample (normal approximation to the binomial), which needs no assumption about the latency distribution.
 */
export function medianConfidenceInterval(sorted: readonly number[]): [number, number] {
  const [lo, hi] = medianRankInterval(sorted.length);
  return [sorted[lo]!, sorted[hi]!];
}

/** Zero-based ranks bounding the 95% confidence interval of the median of n samples. */
export function medianRankInterval(n: number): [number, number] {
  const half = (1.96 * Math.sqrt(n)) / 2;
  const lo = Math.max(0, Math.floor(n / 2 - half));
  const hi = Math.min(n - 1, Math.ceil(n / 2 + half) - 1);
  return [lo, Math.max(lo, hi)];
}

/** Summary statistics of latency samples in milliseconds. */
export function summarize(samplesMs: readonly number[]): LatencyStats {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) throw new Error('no samples to summarize');
  const mean = sorted.reduce((s, x) => s + x, 0) / n;
  const variance = n > 1 ? sorted.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : 0;
  const std = Math.sqrt(variance);
  const [ciLow, ciHigh] = medianConfidenceInterval(sorted);
  return {
    minMs: sorted[0]!,
    meanMs: mean,
    stdMs: std,
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    p999Ms: percentile(sorted, 99.9),
    maxMs: sorted[n - 1]!,
    p50CiLowMs: ciLow,
    p50CiHighMs: ciHigh,
    cv: mean > 0 ? std / mean : 0,
  };
}

/** Bucket growth factor: 1% wide buckets bound the relative error of a histogram percentile to 1%. */
export const HISTOGRAM_GROWTH = 1.01;

/** The histogram bucket of a latency: bucket i covers [g^i, g^(i+1)) µs (below 1 µs counts as 1 µs). */
export function histogramBucket(ms: number, growth = HISTOGRAM_GROWTH): number {
  return Math.floor(Math.log(Math.max(ms * 1000, 1)) / Math.log(growth));
}

/** Percentile (ms) read from a histogram: the geometric middle of the bucket holding that rank. */
export function histogramPercentile(h: LatencyHistogram, q: number): number {
  const total = Object.values(h.counts).reduce((s, v) => s + v, 0);
  if (total === 0) throw new Error('percentile of an empty histogram');
  return histogramAtRank(h, Math.max(1, Math.ceil((q / 100) * total)));
}

/** The value (ms) of the sample with 1-based rank `rank` as a histogram knows it: its bucket's geometric middle. */
export function histogramAtRank(h: LatencyHistogram, rank: number): number {
  const buckets = Object.entries(h.counts)
    .map(([k, v]) => [Number(k), v] as const)
    .sort((x, y) => x[0] - y[0]);
  if (buckets.length === 0) throw new Error('percentile of an empty histogram');
  let seen = 0;
  for (const [bucket, count] of buckets) {
    seen += count;
    if (seen >= rank) return h.growth ** (bucket + 0.5) / 1000;
  }
  return h.growth ** (buckets[buckets.length - 1]![0] + 0.5) / 1000;
}
