import {
  HISTOGRAM_GROWTH,
  histogramAtRank,
  histogramBucket,
  histogramPercentile,
  medianRankInterval,
  summarize,
} from './stats';
import type { LatencyStats } from './latency-stats';
import type { LatencyHistogram, LatencyWindow } from './measurement';

/** Past this many samples the exact array is dropped and percentiles come from the histogram (1% buckets). */
const EXACT_LIMIT = 200_000;
/** The timeline keeps between half of this and this many evenly spaced samples. */
const TIMELINE_LIMIT = 512;
/** Triton's perf_analyzer calls a measurement stable when its windows agree within 10%. */
const WINDOWS = 3;
const UNSTABLE_SPREAD = 0.1;
/** Fewer samples per window than this say nothing about stability. */
const MIN_WINDOW_SAMPLES = 10;

export interface RecordedLatencies {
  stats: LatencyStats;
  histogram: LatencyHistogram;
  windows: LatencyWindow[];
  unstable: boolean;
  samplesMs: number[];
}

/**
 * Collects the latencies of a timed loop in constant memory for long runs: a mergeable log histogram, running
 * moments, exact samples up to a bound, and an evenly decimated timeline for windows and charts.
 */
export class LatencyRecorder {
  private readonly counts = new Map<number, number>();
  private exact: number[] | null = [];
  private timeline: { atMs: number; ms: number }[] = [];
  private stride = 1;
  private n = 0;
  private mean = 0;
  private m2 = 0;
  private min = Infinity;
  private max = -Infinity;

  /** Adds one latency (ms) of a run that started `atMs` after the loop did. */
  record(ms: number, atMs: number): void {
    const bucket = histogramBucket(ms);
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    if (this.exact) {
      this.exact.push(ms);
      if (this.exact.length > EXACT_LIMIT) this.exact = null;
    }
    if (this.n % this.stride === 0) {
      this.timeline.push({ atMs, ms });
      if (this.timeline.length >= TIMELINE_LIMIT) {
        this.timeline = this.timeline.filter((_, i) => i % 2 === 0);
        this.stride *= 2;
      }
    }
    // Welford's update keeps mean and variance exact without the samples.
    this.n++;
    const delta = ms - this.mean;
    this.mean += delta / this.n;
    this.m2 += delta * (ms - this.mean);
    this.min = Math.min(this.min, ms);
    this.max = Math.max(this.max, ms);
  }

  get count(): number {
    return this.n;
  }

  /** Statistics, windows and the instability flag of everything recorded so far. */
  finish(): RecordedLatencies {
    if (this.n === 0) throw new Error('no samples to summarize');
    const histogram: LatencyHistogram = { growth: HISTOGRAM_GROWTH, counts: Object.fromEntries(this.counts) };
    const stats = this.exact ? summarize(this.exact) : this.fromHistogram(histogram);
    const windows = this.windows();
    const medians = windows.map((w) => w.p50Ms);
    const unstable = windows.length === WINDOWS && Math.max(...medians) > (1 + UNSTABLE_SPREAD) * Math.min(...medians);
    // Microseconds are finer than any latency a timer here can resolve; fewer digits keep results small.
    return { stats, histogram, windows, unstable, samplesMs: this.timeline.map((t) => Math.round(t.ms * 1000) / 1000) };
  }

  private fromHistogram(h: LatencyHistogram): LatencyStats {
    const std = this.n > 1 ? Math.sqrt(this.m2 / (this.n - 1)) : 0;
    const [lo, hi] = medianRankInterval(this.n);
    // A bucket's middle can fall outside the samples seen; the exact extremes bound it.
    const clamp = (ms: number) => Math.min(this.max, Math.max(this.min, ms));
    const at = (q: number) => clamp(histogramPercentile(h, q));
    return {
      minMs: this.min,
      meanMs: this.mean,
      stdMs: std,
      p50Ms: at(50),
      p90Ms: at(90),
      p95Ms: at(95),
      p99Ms: at(99),
      p999Ms: at(99.9),
      maxMs: this.max,
      p50CiLowMs: clamp(histogramAtRank(h, lo + 1)),
      p50CiHighMs: clamp(histogramAtRank(h, hi + 1)),
      cv: this.mean > 0 ? std / this.mean : 0,
    };
  }

  /** Medians of three equal slices of the timeline (the whole loop when it had fewer than 512 samples, evenly thinned otherwise). */
  private windows(): LatencyWindow[] {
    const t = this.timeline;
    if (t.length < WINDOWS * MIN_WINDOW_SAMPLES) return [];
    return Array.from({ length: WINDOWS }, (_, w) => {
      const slice = t.slice(Math.floor((w * t.length) / WINDOWS), Math.floor(((w + 1) * t.length) / WINDOWS));
      const sorted = slice.map((s) => s.ms).sort((a, b) => a - b);
      const mid = (sorted.length - 1) / 2;
      return {
        startMs: slice[0]!.atMs,
        iterations: Math.round((this.n * slice.length) / t.length),
        p50Ms: (sorted[Math.floor(mid)]! + sorted[Math.ceil(mid)]!) / 2,
      };
    });
  }
}
