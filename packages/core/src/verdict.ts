/** Judges a series' newest result against its recent history: the nightly regression verdicts (docs/regressions.md). */
import { z } from 'zod';
import { BadInputError } from './errors';
import type { Provenance } from './provenance';
import { coefficientOfVariation, mannWhitneyU, medianOf, medianRatioInterval } from './significance';
import { stepThreshold } from './step-threshold';
import type { EnvironmentDrift } from './drift';
import {
  comparisonSummary,
  controlUnstableReason,
  loweredThresholdReason,
  driftReason,
  machineDriftReason,
  normalizedReason,
  FLAGGED_UNSTABLE,
  flaggedBeyondEffectReason,
  historyShortReason,
  noiseReason,
  stepReason,
  unchangedReason,
} from './verdict-text';

/**
 * How a series is judged; a spec can carry overrides under `judge:`. The defaults and why are in
 * docs/regressions.md.
 */
export const JudgeOptionsSchema = z
  .strictObject({
    lookback: z.int().min(1).default(7).describe('How many of the newest baseline results form the baseline'),
    minHistory: z.int().min(1).default(3).describe('Fewer baseline results than this: insufficient history'),
    minEffect: z
      .number()
      .min(0)
      .lt(1)
      .default(0.05)
      .describe(
        'Relative change of the p50 that counts (0.05 = 5%); smaller changes count where the baseline is steady enough for a step of this size to be found 19 nights in 20, and only larger ones where the series is judged by its interleaved control\'s pairs and its baseline moves by more than this 1 night in 100 (docs/regressions.md, "The step threshold")',
      ),
    alpha: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.001)
      .describe('Significance level of the Mann–Whitney U test on the samples'),
    maxNoise: z
      .number()
      .positive()
      .default(0.1)
      .describe("Coefficient of variation of the baseline's p50s above which the series is unstable"),
    consecutive: z.int().min(1).default(2).describe('Nights in a row a step must last to be confirmed'),
    autoAcceptAfter: z
      .int()
      .min(1)
      .nullable()
      .default(null)
      .describe(
        'Nights after which a persisting step becomes the baseline by itself; null: only when a person accepts it',
      ),
    confidence: z.number().gt(0).lt(1).default(0.99).describe('Confidence of the bootstrap interval of the p50 ratio'),
    maxControlSpread: z
      .number()
      .positive()
      .default(0.1)
      .describe(
        "(max − min) / median of an agent's control p50s within a night above which that night's verdicts are unstable",
      ),
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
  /** The control night of the result's agent and run (docs/regressions.md); absent for results without one. */
  control?: { p50Ms: number; spread: number } | null;
  /** The control run beside the cell in its own process (docs/regressions.md); absent for results without one. */
  interleavedControl?: { ratio: number; controlP50Ms: number; width?: number; ratios?: number[] } | null;
}

/**
 * What a judgement divided the p50s by: the control interleaved with each cell where the candidate and its
 * whole baseline have one, else each result's agent's control night where they all have one.
 */
export type ControlSource = 'interleaved' | 'night';

export const JUDGEMENT_VERDICTS = [
  'regression',
  'improvement',
  'unchanged',
  'unstable',
  'insufficient history',
] as const;
export type { EnvironmentDrift } from './drift';
export type JudgementVerdict = (typeof JUDGEMENT_VERDICTS)[number];

export interface Judgement {
  verdict: JudgementVerdict;
  /** The step has lasted `consecutive` nights, this one included (regression and improvement only). */
  confirmed: boolean;
  /** Candidate p50 / median of the baseline p50s; drift-normalized when `control` is set. */
  ratio: number | null;
  /**
   * Set when the candidate and every baseline result have a control (ControlSource): the p50s were divided by
   * their controls' p50s before judging. `rawRatio` is the ratio before that, `controlRatio` the control's own.
   */
  control?: { source: ControlSource; rawRatio: number; controlRatio: number } | null;
  /**
   * The smallest |ratio − 1| that counted as a step on this night: `minEffect`, or lower on a steady baseline,
   * or, judged by an interleaved control's pairs, higher on a noisy one (step-threshold.ts). Null where nothing
   * was judged: fewer than `minHistory` baseline results, or a night whose control moved too much within it.
   */
  threshold: number | null;
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
export function judgeSeries(
  history: readonly SeriesPoint[],
  candidate: SeriesPoint,
  options: JudgeOptionsInput = {},
): Judgement {
  const opts = parseJudgeOptions(options);
  if (!usable(candidate))
    throw new Error(`result ${candidate.resultId} cannot be judged: only valid results with samples and a p50 can`);
  const { baseline, step } = replay(history, opts);
  const newest = baseline[baseline.length - 1];
  const drift = newest ? environmentDrift(newest, candidate) : [];
  const source = controlSource(candidate, baseline);
  const control = source ? controlRatios(source, candidate, baseline) : null;
  // The night's spread matters where the judge divides by the night's control; an interleaved control moved
  // with the cell, run by run, and the night's wandering divides out with it.
  const spread = source === 'night' ? (candidate.control?.spread ?? 0) : 0;
  const a: Assessment =
    spread > opts.maxControlSpread
      ? unsteadyMachine(assess(candidate, baseline, opts, true), spread, opts)
      : assess(candidate, baseline, opts, true);
  const reasons = [...a.reasons];
  if (control && a.ratio !== null) {
    reasons.push(normalizedReason({ ...control, ratio: a.ratio }));
    // The raw p50 moved beyond the minimum effect, and the control with it, but the model did not: the machine.
    const moved = (r: number) => Math.abs(r - 1) >= opts.minEffect;
    const sameWay = control.rawRatio > 1 === control.controlRatio > 1;
    const step = a.verdict === 'regression' || a.verdict === 'improvement';
    if (!step && moved(control.rawRatio) && moved(control.controlRatio) && sameWay)
      reasons.push(machineDriftReason(control.controlRatio));
  }

  let stepOut: Judgement['step'] = null;
  let confirmed = false;
  if (a.verdict === 'regression' || a.verdict === 'improvement') {
    // Earlier nights of the same step were judged against this same baseline: a step's results never join it.
    const earlier = step && step.direction === a.verdict ? step.points : [];
    const first = earlier[0] ?? candidate;
    stepOut = { since: { resultId: first.resultId, recordedAt: first.recordedAt }, nights: earlier.length + 1 };
    confirmed = stepOut.nights >= opts.consecutive;
    reasons.push(stepReason(confirmed, stepOut.nights, opts.consecutive, first.recordedAt));
  }
  for (const d of drift) reasons.push(driftReason(d));

  return {
    verdict: a.verdict,
    confirmed,
    ratio: a.ratio,
    control,
    threshold: a.threshold,
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

/**
 * The verdict of a night whose control moved by `spread` within it: `unstable`, unless the step's whole
 * interval lies beyond what the minimum effect and the control's own movement together could explain (a 2×
 * slowdown is no guess however the machine wandered).
 */
function unsteadyMachine(a: Assessment, spread: number, opts: JudgeOptions): Assessment {
  const why = controlUnstableReason(spread, opts.maxControlSpread);
  const { interval } = a;
  const beyond =
    interval !== null &&
    ((a.verdict === 'regression' && interval.low > (1 + opts.minEffect) * (1 + spread)) ||
      (a.verdict === 'improvement' && interval.high < (1 - opts.minEffect) / (1 + spread)));
  if (beyond) return { ...a, reasons: [...a.reasons, `${why}, but the whole interval is beyond it`] };
  return { verdict: 'unstable', ratio: null, threshold: null, interval: null, pValue: null, reasons: [why] };
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
  [
    'os.release',
    (p) => (p.provenance?.os ? known(`${p.provenance.os.distro} ${p.provenance.os.release}`.trim()) : null),
  ],
  ['os.kernel', (p) => known(p.provenance?.os?.kernel)],
  ['cpu.brand', (p) => known(p.provenance?.cpu?.brand)],
  ['nodeVersion', (p) => known(p.provenance?.nodeVersion)],
  ['ortfleetVersion', (p) => known(p.provenance?.ortfleetVersion)],
  ['modelSha256', (p) => known(p.modelSha256)],
  ['hardwareClass', (p) => known(p.hardwareClass)],
];

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
  threshold: number | null;
  interval: { low: number; high: number } | null;
  pValue: number | null;
  reasons: string[];
}

/**
 * Walks the history from the newest accepted point, growing the baseline with results that are in line with it.
 * Results of a step (judged a regression or improvement) stay out of it, so a persisting step is reported night
 * after night against the level before it instead of sliding into the baseline unnoticed.
 */
function replay(
  history: readonly SeriesPoint[],
  opts: JudgeOptions,
): { baseline: SeriesPoint[]; step: { direction: JudgementVerdict; points: SeriesPoint[] } | null } {
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
    // A result flagged unstable moved during its own loop: not a reference, and no evidence for or against a
    // step; unless its level comes from its interleaved control, which moved with it run by run.
    if (p.unstable === true && !p.interleavedControl) continue;
    // Likewise a result whose agent's control moved within the night: there is no factor to divide out.
    if (!p.interleavedControl && (p.control?.spread ?? 0) > opts.maxControlSpread) continue;
    const { verdict } = assess(p, inLine.slice(-opts.lookback), opts, false);
    if (verdict !== 'regression' && verdict !== 'improvement') {
      inLine.push(p);
      step = null;
      continue;
    }
    step =
      step !== null && step.direction === verdict
        ? { direction: verdict, points: [...step.points, p] }
        : { direction: verdict, points: [p] };
    // Auto-accepting here as well as telling the caller makes the verdicts the same whether or not the caller stored the flag.
    if (opts.autoAcceptAfter !== null && step.points.length >= opts.autoAcceptAfter) {
      inLine = step.points;
      step = null;
    }
  }
  return { baseline: inLine.slice(-opts.lookback), step };
}

/**
 * The verdict of one result against a baseline; `full` computes the test and interval even when the ratio alone
 * settles it. When `normalize` and every result has a control (ControlSource), each result's p50 and samples are
 * divided by its control's p50 first, so that a machine's drift between nights cancels out.
 */
function assess(
  p: SeriesPoint,
  baseline: readonly SeriesPoint[],
  opts: JudgeOptions,
  full: boolean,
  normalize = true,
): Assessment {
  const source = normalize ? controlSource(p, baseline) : null;
  if (source) {
    // Pair ratios are tested only against pair ratios: a timed loop's samples spread differently.
    const pairs = source === 'interleaved' && [p, ...baseline].every((q) => !!q.interleavedControl!.ratios?.length);
    const inUnits = (q: SeriesPoint) => perControl(source, q, pairs);
    return judgeAgainst(inUnits(p), baseline.map(inUnits), opts, full, source, pairs);
  }
  return judgeAgainst(p, baseline, opts, full, null, false);
}

/** What the candidate and its baseline can all be divided by, if anything. */
function controlSource(p: SeriesPoint, baseline: readonly SeriesPoint[]): ControlSource | null {
  if (baseline.length === 0) return null;
  const all = (has: (q: SeriesPoint) => boolean) => has(p) && baseline.every(has);
  // Ratios are comparable only where the control ran as wide on every side (InterleavedControl.width).
  const width = (q: SeriesPoint) => q.interleavedControl?.width ?? 1;
  if (all((q) => !!q.interleavedControl && width(q) === width(p))) return 'interleaved';
  if (all((q) => !!q.control)) return 'night';
  return null;
}

/**
 * The p50 of a result's control. An interleaved control's is scaled to the timed loop's level (p50 / the
 * interleaved ratio), so that the result in its units has the interleaved ratio as its p50 and the timed
 * loop's samples as its spread.
 */
function controlP50(source: ControlSource, q: SeriesPoint): number {
  return source === 'interleaved' ? q.p50Ms / q.interleavedControl!.ratio : q.control!.p50Ms;
}

/**
 * A result in units of its control. With `pairs`, its p50 is its interleaved ratio and its samples are its
 * pairs' ratios: the spread of the ratio within its night, which the machine's moves during the timed loop do
 * not widen.
 */
function perControl(source: ControlSource, q: SeriesPoint, pairs: boolean): SeriesPoint {
  if (pairs) return { ...q, p50Ms: q.interleavedControl!.ratio, samplesMs: q.interleavedControl!.ratios! };
  const c = controlP50(source, q);
  return { ...q, p50Ms: q.p50Ms / c, samplesMs: q.samplesMs.map((x) => x / c) };
}

/** The candidate's raw p50 ratio to the baseline's, and its control's ratio to theirs, as measured. */
function controlRatios(
  source: ControlSource,
  p: SeriesPoint,
  baseline: readonly SeriesPoint[],
): { source: ControlSource; rawRatio: number; controlRatio: number } {
  const measured = (q: SeriesPoint) =>
    source === 'interleaved' ? q.interleavedControl!.controlP50Ms : q.control!.p50Ms;
  return {
    source,
    rawRatio: p.p50Ms / medianOf(baseline.map((b) => b.p50Ms)),
    controlRatio: measured(p) / medianOf(baseline.map(measured)),
  };
}

function judgeAgainst(
  p: SeriesPoint,
  baseline: readonly SeriesPoint[],
  opts: JudgeOptions,
  full: boolean,
  source: ControlSource | null,
  pairs: boolean,
): Assessment {
  const none = { ratio: null, threshold: null, interval: null, pValue: null };
  // A loop that moved (flagged unstable) says nothing of a level measured beside the control, run by run.
  const flagged = p.unstable === true && source !== 'interleaved';
  if (baseline.length < opts.minHistory) {
    const reasons = [historyShortReason(baseline.length, opts.minHistory)];
    // As in the replay: a flagged loop with its interleaved control will join the baseline, so it only lacks history.
    if (flagged && !p.interleavedControl)
      return { verdict: 'unstable', ...none, reasons: [FLAGGED_UNSTABLE, ...reasons] };
    return { verdict: 'insufficient history', ...none, reasons };
  }
  const p50s = baseline.map((b) => b.p50Ms);
  const baseP50 = medianOf(p50s);
  const ratio = p.p50Ms / baseP50;
  const noise = coefficientOfVariation(p50s);
  const noisy = noise > opts.maxNoise;
  // The pairs' ratios spread only as much as one night's measurement: the threshold alone must hold an unchanged
  // night's noise, even above minEffect.
  const { threshold } = stepThreshold(opts.minEffect, noise, baseline.length, pairs);
  const withinEffect = Math.abs(ratio - 1) < threshold - 1e-9;
  if (!full && (noisy || withinEffect))
    return { verdict: noisy ? 'unstable' : 'unchanged', ratio, threshold, interval: null, pValue: null, reasons: [] };

  const test = mannWhitneyU(
    p.samplesMs,
    baseline.flatMap((b) => b.samplesMs),
  );
  const ci = medianRatioInterval(
    baseline.map((b) => b.samplesMs),
    p.samplesMs,
    { confidence: opts.confidence },
  );
  const interval = { low: ci.low, high: ci.high };
  const stats = { ratio, threshold, interval, pValue: test.pTwoSided };
  const summary = comparisonSummary({
    normalized: source !== null,
    p50Ms: p.p50Ms,
    baselineP50Ms: baseP50,
    ratio,
    confidence: opts.confidence,
    interval,
    pValue: test.pTwoSided,
  });

  if (noisy) return { verdict: 'unstable', ...stats, reasons: [noiseReason(noise, opts.maxNoise), summary] };

  const significant = test.pTwoSided < opts.alpha;
  const slower = significant && !withinEffect && test.z > 0 && ratio > 1 && ci.low > 1;
  const faster = significant && !withinEffect && test.z < 0 && ratio < 1 && ci.high < 1;
  if (flagged) {
    // A result that moved during its own loop is no evidence of a small step, but one whose whole interval
    // lies beyond the minimum effect is a step however its loop wandered.
    if (slower && ci.low > 1 + opts.minEffect)
      return { verdict: 'regression', ...stats, reasons: [summary, flaggedBeyondEffectReason] };
    if (faster && ci.high < 1 - opts.minEffect)
      return { verdict: 'improvement', ...stats, reasons: [summary, flaggedBeyondEffectReason] };
    return { verdict: 'unstable', ...stats, reasons: [FLAGGED_UNSTABLE, summary] };
  }
  // A step smaller than minEffect counts only through a steady baseline's lowered threshold: say so.
  const stepReasons =
    Math.abs(ratio - 1) < opts.minEffect - 1e-9
      ? [summary, loweredThresholdReason({ threshold, minEffect: opts.minEffect, noise, nights: baseline.length })]
      : [summary];
  if (slower) return { verdict: 'regression', ...stats, reasons: stepReasons };
  if (faster) return { verdict: 'improvement', ...stats, reasons: stepReasons };
  const why = unchangedReason({ withinEffect, significant, threshold, minEffect: opts.minEffect, alpha: opts.alpha });
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
