/**
 * The open-loop server scenario (the spec's `load:`): requests arrive on a seeded Poisson schedule at an offered
 * rate whatever the earlier ones did, and each request's latency runs from its scheduled arrival, so queueing
 * shows (no coordinated omission). What is pure lives here: the SLO, the schedule, a trial's figures from its
 * timestamps, and the peak-rate search; the agent's open-loop server does the timing.
 */
import type { LoadFigures, LoadTrial, PeakRate, Slo, TrialLatency } from './load-figures';
import { mulberry32 } from './random';
import { percentile } from './stats';

export type * from './load-figures';

const SLO_PATTERN = /^\s*p(\d+(?:\.\d+)?)\s*(?:<=|≤)\s*(\d+(?:\.\d+)?|\.\d+)\s*(?:ms)?\s*$/i;

/** Reads "p99<=30", "p99.9 ≤ 12.5 ms"; throws naming what is wrong. */
export function parseSlo(text: string): Slo {
  const expected = 'expected a latency percentile bound p<percentile><=<milliseconds>, e.g. "p99<=30"';
  const m = SLO_PATTERN.exec(text);
  if (!m) throw new Error(`"${text}" is not a percentile bound: ${expected}`);
  const pct = Number(m[1]);
  const boundMs = Number(m[2]);
  if (!(pct > 0 && pct < 100)) throw new Error(`"${text}": the percentile must be above 0 and below 100`);
  if (!(boundMs > 0)) throw new Error(`"${text}": the bound must be above 0 ms`);
  return { percentile: pct, boundMs };
}

export function formatSlo(slo: Slo): string {
  return `p${slo.percentile}<=${slo.boundMs}`;
}

/** The most trials a peak-rate search runs; it stops earlier once its bracket is within SEARCH_TOLERANCE. */
export const MAX_SEARCH_TRIALS = 10;
/** The search stops when (fail − pass) / pass is at most this. */
export const SEARCH_TOLERANCE = 0.05;
/** The most requests one trial may schedule (offered rate × duration). */
export const MAX_TRIAL_REQUESTS = 1_000_000;

/**
 * A trial runs its schedule for durationMs, then drains what is still queued for at most half that again;
 * what is unserved then counts as over any bound. So one trial takes at most 1.5 × durationMs.
 */
export function trialLimitMs(durationMs: number): number {
  return durationMs * 1.5;
}

/**
 * Arrival times in ms after the trial's start: a Poisson process at `qps` conditioned on offering exactly
 * round(qps × duration) requests over [0, durationMs) (so the offered rate is exact, not ±√n), drawn as
 * normalized sums of seeded exponential gaps. The same seed, rate and duration give the same schedule.
 */
export function arrivalSchedule(qps: number, durationMs: number, seed: number): Float64Array {
  const n = Math.max(1, Math.round((qps * durationMs) / 1000));
  const random = mulberry32(seed);
  const sums = new Float64Array(n + 1);
  let total = 0;
  for (let i = 0; i <= n; i++) {
    total += -Math.log(1 - random());
    sums[i] = total;
  }
  const arrivals = new Float64Array(n);
  for (let i = 0; i < n; i++) arrivals[i] = (sums[i]! / total) * durationMs;
  return arrivals;
}

/**
 * Requests/s at the SLO: the search's peak when it searched, else the highest passing offered rate below every
 * failing one (a lower bound); null without an SLO or when no rate passed.
 */
export function capacityAtSlo(load: LoadFigures): number | null {
  if (!load.slo) return null;
  if (load.peak) return load.peak.qps;
  const fails = load.trials.filter((t) => t.pass === false).map((t) => t.offeredQps);
  const lowestFail = Math.min(Infinity, ...fails);
  const passes = load.trials.filter((t) => t.pass && t.offeredQps < lowestFail).map((t) => t.offeredQps);
  return passes.length ? Math.max(...passes) : null;
}

/**
 * A trial's figures from its timestamps (ms after the start; NaN where a request was not dispatched or not
 * finished). A trial stopped early (`stoppedAtMs`) never offered the requests scheduled after that moment:
 * they are left out of the queue and the unserved count, and count only against the SLO.
 */
export function summarizeTrial(input: {
  offeredQps: number;
  search: boolean;
  durationMs: number;
  arrivals: Float64Array;
  dispatched: Float64Array;
  ended: Float64Array;
  slo: Slo | null;
  stoppedAtMs?: number;
  note?: string;
}): LoadTrial {
  const { dispatched, ended, slo } = input;
  const n = input.arrivals.length;
  const stop = input.stoppedAtMs ?? Infinity;
  let offered = 0;
  while (offered < n && input.arrivals[offered]! < stop) offered++;
  const arrivals = input.arrivals.subarray(0, offered);
  const fromArrival: number[] = [];
  const fromDispatch: number[] = [];
  let lastEnd = 0;
  for (let i = 0; i < offered; i++) {
    if (!Number.isFinite(ended[i]!)) continue;
    fromArrival.push(ended[i]! - arrivals[i]!);
    fromDispatch.push(ended[i]! - dispatched[i]!);
    lastEnd = Math.max(lastEnd, ended[i]!);
  }
  const served = fromArrival.length;
  const sortedArrival = [...fromArrival].sort((a, b) => a - b);
  let sloLatencyMs: number | null = null;
  if (slo) {
    // Over all requests, unserved as infinitely late: the rank lands past the served ones when too many are.
    const rank = Math.ceil((slo.percentile / 100) * n) - 1;
    sloLatencyMs = rank < served ? sortedArrival[Math.max(0, rank)]! : Infinity;
  }
  return {
    offeredQps: input.offeredQps,
    search: input.search,
    durationMs: input.durationMs,
    requests: n,
    offered,
    served,
    unserved: offered - served,
    achievedQps: lastEnd > 0 ? served / (lastEnd / 1000) : 0,
    fromArrival: latency(sortedArrival),
    fromDispatch: latency(fromDispatch.sort((a, b) => a - b)),
    queueDepth: queueDepth(arrivals, dispatched, input.stoppedAtMs ?? Math.max(lastEnd, input.durationMs)),
    sloLatencyMs,
    pass: slo ? sloLatencyMs! <= slo.boundMs : null,
    slices: slices(input.durationMs, arrivals, dispatched, ended),
    ...(input.note && { note: input.note }),
  };
}

function latency(sorted: number[]): TrialLatency | null {
  if (sorted.length === 0) return null;
  return {
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1]!,
  };
}

/** Queue depth over [0, spanMs]: requests that arrived and were not yet taken by a server. */
function queueDepth(arrivals: Float64Array, dispatched: Float64Array, spanMs: number) {
  const events: [number, number][] = [];
  let waitingMs = 0;
  for (let i = 0; i < arrivals.length; i++) {
    const taken = Number.isFinite(dispatched[i]!) ? dispatched[i]! : spanMs;
    waitingMs += Math.max(0, taken - arrivals[i]!);
    events.push([arrivals[i]!, 1], [taken, -1]);
  }
  // At equal times a take goes before an arrival: a request taken on arrival never waited.
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let depth = 0;
  let max = 0;
  for (const [, change] of events) max = Math.max(max, (depth += change));
  return { mean: spanMs > 0 ? waitingMs / spanMs : 0, max };
}

function slices(durationMs: number, arrivals: Float64Array, dispatched: Float64Array, ended: Float64Array) {
  const count = 10;
  const width = durationMs / count;
  const fromArrival: number[][] = Array.from({ length: count }, () => []);
  const fromDispatch: number[][] = Array.from({ length: count }, () => []);
  for (let i = 0; i < arrivals.length; i++) {
    if (!Number.isFinite(ended[i]!)) continue;
    const k = Math.min(count - 1, Math.floor(arrivals[i]! / width));
    fromArrival[k]!.push(ended[i]! - arrivals[i]!);
    fromDispatch[k]!.push(ended[i]! - dispatched[i]!);
  }
  const median = (xs: number[]) =>
    xs.length
      ? percentile(
          xs.sort((a, b) => a - b),
          50,
        )
      : null;
  return fromArrival.map((xs, k) => ({
    startMs: k * width,
    served: xs.length,
    arrivalP50Ms: median(xs),
    dispatchP50Ms: median(fromDispatch[k]!),
  }));
}

/**
 * The peak-rate search, one step at a time (after MLPerf LoadGen's FindPeakPerformance): bracket the peak by
 * doubling from the first passing rate or halving from the first failing one, starting at `estimate` (the
 * closed loop's requests/s), then bisect until the bracket is within SEARCH_TOLERANCE or MAX_SEARCH_TRIALS
 * trials ran. Returns the next rate to try, or the answer.
 */
export function searchStep(
  trials: readonly { offeredQps: number; pass: boolean | null }[],
  estimate: number,
  minQps = 0.1,
): { next: number } | { peak: PeakRate } {
  const fails = trials.filter((t) => t.pass === false).map((t) => t.offeredQps);
  const hi = fails.length ? Math.min(...fails) : null;
  // A pass above a lower failure is noise at the edge: the bracket keeps the failure.
  const passes = trials.filter((t) => t.pass === true && (hi === null || t.offeredQps < hi)).map((t) => t.offeredQps);
  const lo = passes.length ? Math.max(...passes) : null;
  const done = (qps: number | null): { peak: PeakRate } => ({
    peak: { qps, bracket: [lo, hi], trials: trials.length },
  });
  if (trials.length === 0) return { next: estimate };
  if (trials.length >= MAX_SEARCH_TRIALS) return done(lo);
  if (hi === null) return { next: lo! * 2 };
  if (lo === null) return hi / 2 < minQps ? done(null) : { next: hi / 2 };
  if ((hi - lo) / lo <= SEARCH_TOLERANCE) return done(lo);
  return { next: (lo + hi) / 2 };
}

/** Two results' capacities at one SLO: the candidate's change, and whether it is beyond the search's precision. */
export interface CapacityChange {
  slo: string;
  baselineQps: number | null;
  candidateQps: number | null;
  /** candidate / baseline − 1; null when either found no passing rate. */
  change: number | null;
  /**
   * Whether the change is larger than the two searches' brackets can explain (each peak is within
   * SEARCH_TOLERANCE below the true one). A capacity is one search, not a sample: it is shown, not judged.
   */
  beyondSearchPrecision: boolean;
}

/** The capacity change between two results measured at the same SLO; null when they were not. */
export function compareCapacity(
  baseline: { slo?: string | null; capacityQps?: number | null },
  candidate: { slo?: string | null; capacityQps?: number | null },
): CapacityChange | null {
  if (!baseline.slo || baseline.slo !== candidate.slo) return null;
  const [a, b] = [baseline.capacityQps ?? null, candidate.capacityQps ?? null];
  const change = a && b ? b / a - 1 : null;
  return {
    slo: baseline.slo,
    baselineQps: a,
    candidateQps: b,
    change,
    beyondSearchPrecision: change !== null && Math.abs(change) > SEARCH_TOLERANCE * 2,
  };
}
