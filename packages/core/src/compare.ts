/** Compares two results of one configuration (or one configuration on two hardware classes) by their median latency. */
import { formatPercent } from './format';

/** The figures of a result that a comparison needs (a subset of a results row). */
export interface ComparableFigures {
  p50Ms: number | null;
  /** 95% confidence interval of the median, from order statistics. */
  p50CiLowMs: number | null;
  p50CiHighMs: number | null;
  p99Ms: number | null;
  throughput: number | null;
  valid: boolean;
  status: string;
}

export type ComparisonVerdict = 'faster' | 'slower' | 'same' | 'not comparable';

export interface FigureComparison {
  baselineP50Ms: number | null;
  candidateP50Ms: number | null;
  /** Candidate p50 / baseline p50; below 1 means the candidate is faster. Null when not comparable. */
  ratio: number | null;
  /** ratio - 1, e.g. -0.1 for 10% faster. Null when not comparable. */
  change: number | null;
  significant: boolean;
  verdict: ComparisonVerdict;
  /** Why the verdict is 'same' or 'not comparable'. */
  reason?: string;
}

export interface CompareOptions {
  /** Smallest relative change of the median worth calling out; 0.02 (2%) unless given. */
  minEffect?: number;
}

export const DEFAULT_MIN_EFFECT = 0.02;

/**
 * Compares the candidate's median latency with the baseline's. A difference is significant only when the two
 * 95% confidence intervals of the median do not overlap and the change is at least minEffect. Non-overlap is
 * a conservative test (two intervals can overlap while the difference is still significant at 5%), so what
 * it calls out is rarely noise; the minimum effect keeps tiny but real differences, which long runs resolve
 * easily, from being reported as faster or slower.
 */
export function compareFigures(
  baseline: ComparableFigures,
  candidate: ComparableFigures,
  opts: CompareOptions = {},
): FigureComparison {
  const minEffect = opts.minEffect ?? DEFAULT_MIN_EFFECT;
  if (!(minEffect >= 0) || !Number.isFinite(minEffect))
    throw new Error(`minEffect must be a finite number ≥ 0, got ${minEffect}`);
  const base = { baselineP50Ms: baseline.p50Ms, candidateP50Ms: candidate.p50Ms };
  const problems = [lacksP50('baseline', baseline), lacksP50('candidate', candidate)].filter((p) => p !== null);
  if (problems.length > 0)
    return {
      ...base,
      ratio: null,
      change: null,
      significant: false,
      verdict: 'not comparable',
      reason: problems.join('; '),
    };

  const ratio = candidate.p50Ms! / baseline.p50Ms!;
  const change = ratio - 1;
  const reason = whyNotSignificant(baseline, candidate, Math.abs(change), minEffect);
  if (reason !== null) return { ...base, ratio, change, significant: false, verdict: 'same', reason };
  return { ...base, ratio, change, significant: true, verdict: change < 0 ? 'faster' : 'slower' };
}

/** One row of a compare table: a key and the baseline and candidate rows that have it, where present. */
export interface ConfigurationPair<A, B> {
  key: string;
  baseline?: A;
  candidate?: B;
}

/** Pairs baseline and candidate rows by key, sorted by key; a key seen twice on one side keeps its first row. */
export function pairConfigurations<A, B>(
  baseline: readonly A[],
  candidate: readonly B[],
  keyOf: (row: A | B) => string,
): ConfigurationPair<A, B>[] {
  const pairs = new Map<string, ConfigurationPair<A, B>>();
  const pairOf = (key: string) => {
    let pair = pairs.get(key);
    if (!pair) pairs.set(key, (pair = { key }));
    return pair;
  };
  for (const row of baseline) {
    const pair = pairOf(keyOf(row));
    if (!('baseline' in pair)) pair.baseline = row;
  }
  for (const row of candidate) {
    const pair = pairOf(keyOf(row));
    if (!('candidate' in pair)) pair.candidate = row;
  }
  // Code-unit order rather than localeCompare, so the table reads the same on every machine.
  return [...pairs.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function lacksP50(side: 'baseline' | 'candidate', f: ComparableFigures): string | null {
  if (f.status !== 'ok') return `${side} did not end ok (${f.status})`;
  if (!f.valid) return `${side} failed parity`;
  if (f.p50Ms === null || !Number.isFinite(f.p50Ms) || f.p50Ms <= 0) return `${side} has no p50`;
  return null;
}

function whyNotSignificant(
  baseline: ComparableFigures,
  candidate: ComparableFigures,
  effect: number,
  minEffect: number,
): string | null {
  const missing = [hasCi(baseline) ? null : 'baseline', hasCi(candidate) ? null : 'candidate'].filter(
    (s) => s !== null,
  );
  if (missing.length > 0) return `no confidence interval of the median for the ${missing.join(' and ')}`;
  // Touching intervals count as overlapping: the test stays conservative at its edge.
  if (candidate.p50CiLowMs! <= baseline.p50CiHighMs! && baseline.p50CiLowMs! <= candidate.p50CiHighMs!)
    return 'confidence intervals of the median overlap';
  // The tolerance lets a change of exactly minEffect (10 ms → 10.2 ms) count despite floating-point rounding.
  if (effect < minEffect - 1e-9)
    return `change of ${formatPercent(effect)} is below the minimum effect of ${formatPercent(minEffect)}`;
  return null;
}

function hasCi(f: ComparableFigures): boolean {
  return (
    f.p50CiLowMs !== null && f.p50CiHighMs !== null && Number.isFinite(f.p50CiLowMs) && Number.isFinite(f.p50CiHighMs)
  );
}
