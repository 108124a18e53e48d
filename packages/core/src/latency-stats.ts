/** Summary statistics of the timed loop, in milliseconds unless named otherwise. */
export interface LatencyStats {
  minMs: number;
  meanMs: number;
  stdMs: number;
  p50Ms: number;
  p90Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  /** 95% confidence interval of the median, from order statistics. */
  p50CiLowMs: number;
  p50CiHighMs: number;
  /** Coefficient of variation (std / mean). */
  cv: number;
}
