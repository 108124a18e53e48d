/** Judges a series' newest result against its recent history: the nightly regression verdicts (docs/regressions.md). */
import { z } from 'zod';
import { BadInputError } from './errors';
import { mulberry32 } from './random';
import { percentile } from './stats';
import type { Provenance } from './types';

/** Mann–Whitney U test of a against b: U counts pairs with a > b (ties count ½); z > 0 when a tends larger. */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): { u: number; z: number; pTwoSided: number } {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new Error('Mann–Whitney U needs samples on both sides');
  const all = [...a.map((v) => ({ v, first: true })), ...b.map((v) => ({ v, first: false }))].sort((x, y) => x.v - y.v);
  const n = n1 + n2;
  let rankSumA = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && all[j + 1]!.v === all[i]!.v) j++;
    const midrank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (all[k]!.first) rankSumA += midrank;
    const t = j - i + 1;
    tieTerm += t ** 3 - t;
    i = j + 1;
  }
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(variance > 0)) return { u, z: 0, pTwoSided: 1 };
  // Continuity correction as scipy.stats.mannwhitneyu(method='asymptotic') applies it, so p-values match scipy's.
  const d = u - (n1 * n2) / 2;
  const z = (Math.sign(d) * Math.max(0, Math.abs(d) - 0.5)) / Math.sqrt(variance);
  return { u, z, pTwoSided: Math.min(1, erfc(Math.abs(z) / Math.SQRT2)) };
}

/**
 * Bootstrap interval of median(candidate) / median(baseline), seeded so the same input gives the same interval.
 * The baseline is either samples or one array of samples per result; with results, the baseline median is the
 * median of their medians and each resample draws results before samples, so night-to-night noise widens the
 * interval as it should (samples of one night share that night's machine state and are not independent of it).
 */
export function medianRatioInterval(
  baseline: readonly number[] | readonly (readonly number[])[],
  candidate: readonly number[],
  opts: { confidence?: number; resamples?: number; seed?: number } = {},
): { ratio: number; low: number; high: number } {
  const { confidence = 0.99, resamples = 1000, seed = 1 } = opts;
  if (!(confidence > 0 && confidence < 1)) throw new Error(`confidence must be in (0, 1), got ${confidence}`);
  if (!Number.isInteger(resamples) || resamples < 1) throw new Error(`resamples must be a positive integer, got ${resamples}`);
  const groups = (baseline.length > 0 && typeof baseline[0] === 'number' ? [baseline] : baseline) as readonly (readonly number[])[];
  if (groups.length === 0 || groups.some((g) => g.length === 0) || candidate.length === 0)
    throw new Error('a median ratio needs samples on both sides');

  const ratio = medianOf(candidate) / medianOf(groups.map(medianOf));
  const random = mulberry32(seed);
  const sortedGroups = groups.map(sortedCopy);
  const sortedCandidate = sortedCopy(candidate);
  const counts = new Uint32Array(Math.max(candidate.length, ...groups.map((g) => g.length)));
  const ratios: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const groupMedians = groups.map(() => resampledMedian(sortedGroups[Math.floor(random() * groups.length)]!, random, counts));
    ratios.push(resampledMedian(sortedCandidate, random, counts) / medianOf(groupMedians));
  }
  ratios.sort((x, y) => x - y);
  const tail = ((1 - confidence) / 2) * 100;
  return { ratio, low: percentile(ratios, tail), high: percentile(ratios, 100 - tail) };
}

/**
 * How a series is judged; a spec can carry overrides under `judge:`. The defaults and why are in
 * docs/regressions.md.
 */
export const JudgeOptionsSchema = z
  .strictObject({
    lookback: z.int().min(1).default(7).describe('How many of the newest baseline results form the baseline'),
    minHistory: z.int().min(1).default(3).describe('Fewer baseline results than this: insufficient history'),
    minEffect: z.number().min(0).lt(1).default(0.05).describe('Smallest relative change of the p50 that counts (0.05 = 5%)'),
    alpha: z.number().gt(0).lt(1).default(0.001).describe('Significance level of the Mann–Whitney U test on the samples'),
    maxNoise: z.number().positive().default(0.1).describe("Coefficient of variation of the baseline's p50s above which the series is unstable"),
    consecutive: z.int().min(1).default(2).describe('Nights in a row a step must last to be confirmed'),
    autoAcceptAfter: z.int().min(1).nullable().default(null).describe('Nights after which a persisting step becomes the baseline by itself; null: only when a person accepts it'),
    confidence: z.number().gt(0).lt(1).default(0.99).describe('Confidence of the bootstrap interval of the p50 ratio'),
  })
  .refine((o) => o.minHistory <= o.lookback, { path: ['minHistory'], message: 'must be <= lookback' });

export type JudgeOptions = z.output<typeof JudgeOptionsSchema>;
export type JudgeOptionsInput = z.input<typeof JudgeOptionsSchema>;

/** One result of a series (one configuration on one hardware class), as judging needs it. */
export interface SeriesPoint {
  resultId: number;
  runId: string;
  recordedAt: string;
  p50Ms: number;
  samplesMs: number[];
  /** False when the result did not end ok or failed parity. */
  valid: boolean;
  unstable: boolean | null;
  provenance?: Partial<Provenance> | null;
  hardwareClass: string;
  modelSha256: string | null;
  /** A person (or auto-accept) made this result the start of a new baseline. */
  acceptedBaseline?: boolean;
}

export const JUDGEMENT_VERDICTS = ['regression', 'improvement', 'unchanged', 'unstable', 'insufficient history'] as const;
export type JudgementVerdict = (typeof JUDGEMENT_VERDICTS)[number];

/** A field of the environment that differs between the baseline's newest result and the candidate. */
export interface EnvironmentDrift {
  field: string;
  baseline: string | null;
  now: string | null;
}

export interface Judgement {
  verdict: JudgementVerdict;
  /** The step has lasted `consecutive` nights, this one included (regression and improvement only). */
  confirmed: boolean;
  /** Candidate p50 / median of the baseline p50s. */
  ratio: number | null;
  /** Bootstrap interval of the ratio at `confidence`. */
  interval: { low: number; high: number } | null;
  /** Mann–Whitney U of the candidate's samples against the baseline's pooled samples. */
  pValue: number | null;
  baseline: { resultIds: number[]; p50Ms: number; from: string; to: string } | null;
  /** For a regression or improvement: the first result of the step and how many nights it has lasted, this one included. */
  step: { since: { resultId: number; recordedAt: string }; nights: number } | null;
  drift: EnvironmentDrift[];
  reasons: string[];
}

/**
 * Judges the candidate against the series' history (older results, oldest first: every result since the newest
 * accepted baseline point, or as many nights as the caller keeps). Throws for a candidate that is not valid or
 * has no samples: a failed result is reported as failed, not judged.
 */
export function judgeSeries(history: readonly SeriesPoint[], candidate: SeriesPoint, options: JudgeOptionsInput = {}): Judgement {
  const opts = parseJudgeOptions(options);
  if (!usable(candidate)) throw new Error(`result ${candidate.resultId} cannot be judged: only valid results with samples and a p50 can`);
  const { baseline, step } = replay(history, opts);
  const a = assess(candidate, baseline, opts, true);
  const newest = baseline[baseline.length - 1];
  const drift = newest ? environmentDrift(newest, candidate) : [];
  const reasons = [...a.reasons];

  let stepOut: Judgement['step'] = null;
  let confirmed = false;
  if (a.verdict === 'regression' || a.verdict === 'improvement') {
    // Earlier nights of the same step were judged against this same baseline: a step's results never join it.
    const earlier = step && step.direction === a.verdict ? step.points : [];
    const first = earlier[0] ?? candidate;
    stepOut = { since: { resultId: first.resultId, recordedAt: first.recordedAt }, nights: earlier.length + 1 };
    confirmed = stepOut.nights >= opts.consecutive;
    reasons.push(
      confirmed
        ? `confirmed: night ${stepOut.nights} of this step, since ${first.recordedAt}`
        : `not confirmed yet: night ${stepOut.nights} of ${opts.consecutive} needed`,
    );
  }
  for (const d of drift) reasons.push(`${DRIFT_LABELS[d.field] ?? d.field} changed ${d.baseline} → ${d.now}`);

  return {
    verdict: a.verdict,
    confirmed,
    ratio: a.ratio,
    interval: a.interval,
    pValue: a.pValue,
    baseline: newest
      ? {
          resultIds: baseline.map((p) => p.resultId),
          p50Ms: medianOf(baseline.map((p) => p.p50Ms)),
          from: baseline[0]!.recordedAt,
          to: newest.recordedAt,
        }
      : null,
    step: stepOut,
    drift,
    reasons,
  };
}

/** Whether a judgement's step has lasted `autoAcceptAfter` nights, so its first result becomes the new baseline. */
export function shouldAutoAccept(judgement: Judgement, options: JudgeOptionsInput = {}): boolean {
  const { autoAcceptAfter } = parseJudgeOptions(options);
  return autoAcceptAfter !== null && judgement.step !== null && judgement.step.nights >= autoAcceptAfter;
}

/** Environment fields that differ between two results of a series; a field unknown on either side is not compared. */
export function environmentDrift(baseline: SeriesPoint, now: SeriesPoint): EnvironmentDrift[] {
  const drift: EnvironmentDrift[] = [];
  for (const [field, read] of DRIFT_FIELDS) {
    const before = read(baseline);
    const after = read(now);
    if (before !== null && after !== null && before !== after) drift.push({ field, baseline: before, now: after });
  }
  return drift;
}

const DRIFT_FIELDS: [string, (p: SeriesPoint) => string | null][] = [
  ['onnxruntimeVersion', (p) => known(p.provenance?.onnxruntimeVersion)],
  ['gpus.driver', (p) => joined(p.provenance?.gpus?.map((g) => g.driver))],
  ['cudaVersion', (p) => known(p.provenance?.cudaVersion)],
  ['gpus.model', (p) => joined(p.provenance?.gpus?.map((g) => g.model))],
  ['os.release', (p) => (p.provenance?.os ? known(`${p.provenance.os.distro} ${p.provenance.os.release}`.trim()) : null)],
  ['os.kernel', (p) => known(p.provenance?.os?.kernel)],
  ['cpu.brand', (p) => known(p.provenance?.cpu?.brand)],
  ['nodeVersion', (p) => known(p.provenance?.nodeVersion)],
  ['ortfleetVersion', (p) => known(p.provenance?.ortfleetVersion)],
  ['modelSha256', (p) => known(p.modelSha256)],
  ['hardwareClass', (p) => known(p.hardwareClass)],
];

const DRIFT_LABELS: Record<string, string> = {
  onnxruntimeVersion: 'ONNX Runtime',
  'gpus.driver': 'GPU driver',
  cudaVersion: 'CUDA',
  'gpus.model': 'GPU',
  'os.release': 'OS',
  'os.kernel': 'kernel',
  'cpu.brand': 'CPU',
  nodeVersion: 'Node.js',
  ortfleetVersion: 'ortfleet',
  modelSha256: 'model',
  hardwareClass: 'hardware class',
};

function known(s: string | null | undefined): string | null {
  return s === null || s === undefined || s === '' ? null : s;
}

function joined(xs: (string | null)[] | undefined): string | null {
  const present = (xs ?? []).filter((x): x is string => !!x);
  return present.length > 0 ? present.join(', ') : null;
}

interface Assessment {
  verdict: JudgementVerdict;
  ratio: number | null;
  interval: { low: number; high: number } | null;
  pValue: number | null;
  reasons: string[];
}

/**
 * Walks the history from the newest accepted point, growing the baseline with results that are in line with it.
 * Results of a step (judged a regression or improvement) stay out of it, so a persisting step is reported night
 * after night against the level before it instead of sliding into the baseline unnoticed.
 */
function replay(history: readonly SeriesPoint[], opts: JudgeOptions): { baseline: SeriesPoint[]; step: { direction: JudgementVerdict; points: SeriesPoint[] } | null } {
  let start = 0;
  history.forEach((p, i) => {
    if (p.acceptedBaseline) start = i;
  });
  let inLine: SeriesPoint[] = [];
  let step: { direction: JudgementVerdict; points: SeriesPoint[] } | null = null;
  for (const p of history.slice(start)) {
    if (!usable(p)) continue;
    // Only the newest accepted result is in this slice; it starts the baseline whatever it measured, since a
    // person chose it.
    if (p.acceptedBaseline) {
      inLine.push(p);
      continue;
    }
    // A result flagged unstable moved during its own loop: not a reference, and no evidence for or against a step.
    if (p.unstable === true) continue;
    const { verdict } = assess(p, inLine.slice(-opts.lookback), opts, false);
    if (verdict !== 'regression' && verdict !== 'improvement') {
      inLine.push(p);
      step = null;
      continue;
    }
    step = step !== null && step.direction === verdict ? { direction: verdict, points: [...step.points, p] } : { direction: verdict, points: [p] };
    // Auto-accepting here as well as telling the caller makes the verdicts the same whether or not the caller stored the flag.
    if (opts.autoAcceptAfter !== null && step.points.length >= opts.autoAcceptAfter) {
      inLine = step.points;
      step = null;
    }
  }
  return { baseline: inLine.slice(-opts.lookback), step };
}

/** The verdict of one result against a baseline; `full` computes the test and interval even when the ratio alone settles it. */
function assess(p: SeriesPoint, baseline: readonly SeriesPoint[], opts: JudgeOptions, full: boolean): Assessment {
  const none = { ratio: null, interval: null, pValue: null };
  const flagged = p.unstable === true;
  if (baseline.length < opts.minHistory) {
    const reasons = [`${baseline.length} baseline result${baseline.length === 1 ? '' : 's'}, ${opts.minHistory} needed`];
    if (flagged) return { verdict: 'unstable', ...none, reasons: ['the result is flagged unstable (its loop medians disagree by more than 10%)', ...reasons] };
    return { verdict: 'insufficient history', ...none, reasons };
  }
  const p50s = baseline.map((b) => b.p50Ms);
  const baseP50 = medianOf(p50s);
  const ratio = p.p50Ms / baseP50;
  const noise = coefficientOfVariation(p50s);
  const noisy = noise > opts.maxNoise;
  const withinEffect = Math.abs(ratio - 1) < opts.minEffect - 1e-9;
  if (!full && (noisy || withinEffect)) return { verdict: noisy ? 'unstable' : 'unchanged', ratio, interval: null, pValue: null, reasons: [] };

  const test = mannWhitneyU(p.samplesMs, baseline.flatMap((b) => b.samplesMs));
  const ci = medianRatioInterval(
    baseline.map((b) => b.samplesMs),
    p.samplesMs,
    { confidence: opts.confidence },
  );
  const interval = { low: ci.low, high: ci.high };
  const stats = { ratio, interval, pValue: test.pTwoSided };
  const summary = `p50 ${fmtMs(p.p50Ms)} vs baseline ${fmtMs(baseP50)} (${fmtChange(ratio)}; ${fmtPct(opts.confidence)} interval ${fmtChange(ci.low)} to ${fmtChange(ci.high)}; Mann–Whitney p = ${test.pTwoSided.toPrecision(2)})`;

  if (noisy)
    return { verdict: 'unstable', ...stats, reasons: [`baseline p50s vary by CV ${fmtPct(noise)}, above the limit of ${fmtPct(opts.maxNoise)}`, summary] };

  const significant = test.pTwoSided < opts.alpha;
  const slower = significant && !withinEffect && test.z > 0 && ratio > 1 && ci.low > 1;
  const faster = significant && !withinEffect && test.z < 0 && ratio < 1 && ci.high < 1;
  if (flagged) {
    // A result that moved during its own loop is no evidence of a small step, but one whose whole interval
    // lies beyond the minimum effect is a step however its loop wandered.
    const flaggedReason = 'the result is flagged unstable (its loop medians disagree by more than 10%)';
    if (slower && ci.low > 1 + opts.minEffect) return { verdict: 'regression', ...stats, reasons: [summary, `${flaggedReason}, but its whole interval is beyond the minimum effect`] };
    if (faster && ci.high < 1 - opts.minEffect) return { verdict: 'improvement', ...stats, reasons: [summary, `${flaggedReason}, but its whole interval is beyond the minimum effect`] };
    return { verdict: 'unstable', ...stats, reasons: [flaggedReason, summary] };
  }
  if (slower) return { verdict: 'regression', ...stats, reasons: [summary] };
  if (faster) return { verdict: 'improvement', ...stats, reasons: [summary] };
  const why = withinEffect
    ? `change below the minimum effect of ${fmtPct(opts.minEffect)}`
    : !significant
      ? `Mann–Whitney p is not below ${opts.alpha}`
      : 'the interval of the ratio includes no change, or the test and the ratio disagree on the direction';
  return { verdict: 'unchanged', ...stats, reasons: [summary, why] };
}

function usable(p: SeriesPoint): boolean {
  return p.valid && p.samplesMs.length > 0 && Number.isFinite(p.p50Ms) && p.p50Ms > 0;
}

function parseJudgeOptions(options: JudgeOptionsInput): JudgeOptions {
  const result = JudgeOptionsSchema.safeParse(options);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `judge.${i.path.join('.')}: ${i.message}`);
  throw new BadInputError(`judge options are invalid:\n  ${problems.join('\n  ')}`, problems);
}

/**
 * Median of a resample (with replacement) of sorted values. Counting how often each index is drawn and walking
 * the counts finds the middle order statistics without sorting or selecting: the resample's values in order
 * are the sorted values at the drawn indices in index order.
 */
function resampledMedian(sorted: readonly number[], random: () => number, counts: Uint32Array): number {
  const n = sorted.length;
  counts.fill(0, 0, n);
  for (let i = 0; i < n; i++) counts[Math.floor(random() * n)]!++;
  const lowRank = (n - 1) >> 1;
  const highRank = n >> 1;
  let seen = 0;
  let low = NaN;
  for (let i = 0; i < n; i++) {
    seen += counts[i]!;
    if (Number.isNaN(low) && seen > lowRank) low = sorted[i]!;
    if (seen > highRank) return (low + sorted[i]!) / 2;
  }
  throw new Error('unreachable: the counts add up to n');
}

function sortedCopy(xs: readonly number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

function medianOf(xs: readonly number[]): number {
  return percentile(sortedCopy(xs), 50);
}

function coefficientOfVariation(xs: readonly number[]): number {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  if (xs.length < 2 || mean <= 0) return 0;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
  return Math.sqrt(variance) / mean;
}

/** Complementary error function (Numerical Recipes' erfcc): relative error below 1.2e-7 everywhere, tails included. */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

function fmtMs(ms: number): string {
  return `${Number(ms.toPrecision(4))} ms`;
}

function fmtPct(x: number): string {
  return `${Number((x * 100).toFixed(2))}%`;
}

function fmtChange(ratio: number): string {
  const change = (ratio - 1) * 100;
  return `${change >= 0 ? '+' : ''}${change.toFixed(1)}%`;
}
