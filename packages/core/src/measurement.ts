/** What an agent measured over a cell's timed loop. */
import type { GenerationFigures } from './generation';
import type { LatencyStats } from './latency-stats';
import type { LoadFigures } from './load-figures';

/** A sparse log-bucketed histogram of latencies; two of them merge by adding counts. */
export interface LatencyHistogram {
  /** Bucket i holds samples in [growth^i, growth^(i+1)) microseconds. */
  growth: number;
  counts: Record<string, number>;
}

/** Median of one slice of the timed loop; the cell is `unstable` when slices disagree by more than 10%. */
export interface LatencyWindow {
  startMs: number;
  iterations: number;
  p50Ms: number;
}

/** Resource use sampled over the timed loop only (not session creation, warm-up, profiling or parity). */
export interface Telemetry {
  /** CPU time of the benchmarking process divided by wall time; 100 = one core busy. */
  processCpuPercent: number;
  /** Share of all cores' time that was not idle, 0–100, whoever used it. */
  systemCpuPercent: number;
  /** Peak resident memory of the benchmarking process up to the end of the timed loop. */
  peakRssBytes: number;
  /** From nvidia-smi, sampled while the loop ran, on machines that have it. */
  gpu?: {
    samples: number;
    utilizationPercentMean: number;
    utilizationPercentMax: number;
    memoryUsedMbMax: number;
    powerWMean: number | null;
  };
  /** CPU package energy over the loop from RAPL (Linux powercap), where readable. */
  cpuEnergyJ?: number;
  /** Energy per inferred item over the loop, summed over every power source that was readable. */
  energyPerInferenceJ?: number;
  /** Which power sources contributed: 'rapl', 'nvidia-smi'. Empty when none was readable. */
  powerSources: string[];
}

export interface Measurement {
  sessionCreateMs: number;
  firstInferenceMs: number;
  warmupIterations: number;
  iterations: number;
  durationMs: number;
  /** Items per second: batch × iterations / duration. */
  throughput: number;
  stats: LatencyStats;
  histogram: LatencyHistogram;
  /** Why the loop stopped early (e.g. maxDurationMs reached before minIterations), when it did. */
  note?: string;
  windows: LatencyWindow[];
  unstable: boolean;
  /** 256 to 512 latencies taken at even steps through the loop (all of them for shorter loops), in order. */
  samplesMs: number[];
  telemetry?: Telemetry;
  /** profile.flopsPerInference (one run, the whole batch) / p50, in GFLOP/s, when the profile could estimate FLOPs. */
  achievedGflops?: number;
  /** A closed-loop cell's figures (concurrency above 1); then an iteration is one request and `stats` its latency. */
  concurrency?: ConcurrencyFigures;
  /** A generation cell's figures; then an iteration is one whole generation (prefill + decode) and `stats` its end-to-end latency. */
  generation?: GenerationFigures;
  /** The open-loop scenario's trials and peak rate, when the spec has `load:` (measured after the timed loop). */
  load?: LoadFigures;
  /**
   * The control run beside the cell after its timed loop (docs/regressions.md, "Machine drift"); single-stream
   * cells on the CPU EP of agents that run controls.
   */
  interleavedControl?: InterleavedControl;
}

/**
 * How a closed-loop cell kept its requests in flight. onnxruntime-node 1.30's `session.run` runs the model on
 * the calling JavaScript thread (after a setImmediate), so overlapping runs on one session only take turns:
 * each request gets a worker thread with a session of its own ('worker-sessions').
 */
export interface ConcurrencyFigures {
  /** Requests the cell kept in flight. */
  requested: number;
  mode: 'worker-sessions';
  /** Sum of the request latencies / loop duration: about `requested` when nothing else held the requests back. */
  meanInFlight: number;
  /** Requests completed per second (throughput is items per second: × batch). */
  requestsPerS: number;
}

/** What a cell's interleaved control measured: the cell's speed in units of the control's, run beside it. */
export interface InterleavedControl {
  cellP50Ms: number;
  controlP50Ms: number;
  /** Median over the pairs of a cell run / the control run right after it. */
  ratio: number;
  /** Pairs: runs of each side. */
  runs: number;
  durationMs: number;
  /**
   * How many requests each side's run had in flight: a closed loop's concurrency, whose run is a round of that
   * many at once on each side. Absent means 1, as results from before it was recorded read; a closed loop's
   * control then ran one request against the cell's round, a ratio not comparable with a wider control's.
   */
  width?: number;
  /**
   * Each pair's ratio (a cell run over the control run after it), in order, evenly thinned to at most
   * INTERLEAVED_RATIOS_LIMIT: the within-night spread of `ratio`, which the judge tests. Absent on results
   * recorded before it was kept.
   */
  ratios?: number[];
}

/** The most pair ratios an interleaved control keeps, as a timed loop keeps at most 512 samples. */
export const INTERLEAVED_RATIOS_LIMIT = 512;
