/** What the open-loop server scenario (the spec's `load:`) measured; the logic is in load.ts. */

/** A latency percentile bound: `p99<=30` is 99% of requests within 30 ms of their scheduled arrival. */
export interface Slo {
  percentile: number;
  boundMs: number;
}

/** Latency percentiles of one trial, in ms. */
export interface TrialLatency {
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** One tenth of a trial, by arrival time: what requests arriving then waited. */
export interface TrialSlice {
  startMs: number;
  served: number;
  arrivalP50Ms: number | null;
  dispatchP50Ms: number | null;
}

/** The figures of one offered rate. */
export interface LoadTrial {
  offeredQps: number;
  /** Part of the peak-rate search rather than one of the spec's `qps`. */
  search: boolean;
  durationMs: number;
  /** Requests the schedule holds. */
  requests: number;
  /** Requests whose arrival came before the trial stopped: all of them, unless it stopped early. */
  offered: number;
  served: number;
  /** Offered requests not finished when the trial stopped (early stop or drain limit). */
  unserved: number;
  /** Served requests / time from the start to the last completion. */
  achievedQps: number;
  /** From each request's scheduled arrival to its end: what a client sees, queueing included. */
  fromArrival: TrialLatency | null;
  /** From the moment a server took the request to its end: the run alone. */
  fromDispatch: TrialLatency | null;
  /** Requests waiting for a server: time-weighted mean (Little's law) and the most at once. */
  queueDepth: { mean: number; max: number };
  /** The SLO's percentile of latency from arrival over all requests, unserved (or never offered) ones as infinitely late. */
  sloLatencyMs: number | null;
  /** Whether sloLatencyMs is within the bound; null without an SLO. */
  pass: boolean | null;
  slices: TrialSlice[];
  note?: string;
}

/** The highest offered rate that met the SLO, with the bracket it was found in. */
export interface PeakRate {
  /** The highest passing rate; null when even the lowest rate tried failed. */
  qps: number | null;
  /** [highest passing, lowest failing] rate; either end null when no trial fell there. */
  bracket: [number | null, number | null];
  trials: number;
}

/** What a cell's `load:` measured: every trial, and the peak rate when the spec asked for a search. */
export interface LoadFigures {
  slo: Slo | null;
  /** Requests served at once: the cell's concurrency, one worker session each. */
  servers: number;
  seed: number;
  trials: LoadTrial[];
  peak?: PeakRate;
}
