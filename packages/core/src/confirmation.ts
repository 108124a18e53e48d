/**
 * Same-night A/B confirmation (docs/regressions.md): when a series' model file changed, its previous file and
 * the new one run on one agent in interleaved pairs, and the pairs decide whether the step is the model's.
 * Paired on one machine minutes apart, the comparison does not see the drift between nights.
 */
import { mulberry32 } from './random';
import type { MeasureSpec } from './spec';
import type { Judgement } from './verdict';
import { confirmationReason } from './verdict-text';
import { medianOf } from './significance';

/**
 * Pairs an A/B confirmation runs. Of eight, seven that agree give a two-sided sign-test p of 0.070 and eight
 * 0.0078: at CONFIRMATION_ALPHA one pair upset by a hiccup of the machine does not hide a step.
 */
export const CONFIRMATION_PAIRS = 8;
/** The sign test's level; the median's distance from 1 (see judgePairs) is what keeps an unchanged file quiet. */
export const CONFIRMATION_ALPHA = 0.1;

export type PairOrder = 'AB' | 'BA';

/**
 * How each side of a pair is measured: the spec's warm-up, then at least 50 timed runs and 2 s (at most the
 * spec's maximum), no profile pass. Twelve such runs take about half a minute for a model of a few ms.
 */
export function confirmationMeasure(measure: MeasureSpec): MeasureSpec {
  const maxDurationMs = Math.min(measure.maxDurationMs, 10_000);
  return {
    ...measure,
    minIterations: Math.min(measure.minIterations, 50),
    minDurationMs: Math.min(2_000, maxDurationMs),
    maxDurationMs,
    profileIterations: 0,
  };
}

/**
 * Which side runs first in each pair: half the pairs AB and half BA (one more AB for an odd count), in a
 * seeded order. Balanced, so that a machine drifting during the pairs favours A in as many pairs as it favours
 * B, and cannot make them agree; shuffled, so that no rhythm of the machine lines up with the order.
 */
export function pairOrders(pairs: number, seed: number): PairOrder[] {
  const random = mulberry32(seed);
  const orders: PairOrder[] = Array.from({ length: pairs }, (_, i) => (i < Math.ceil(pairs / 2) ? 'AB' : 'BA'));
  for (let i = orders.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [orders[i], orders[j]] = [orders[j]!, orders[i]!];
  }
  return orders;
}

/** One pair as measured: the previous file's p50 (A) and the new one's (B). */
export interface MeasuredPair {
  order: PairOrder;
  aP50Ms: number;
  bP50Ms: number;
}

export interface Confirmation {
  outcome: 'confirmed' | 'dismissed';
  agentId: string | null;
  previousSha256: string;
  pairs: MeasuredPair[];
  /** Median over the pairs of B / A. */
  medianRatio: number;
  /** Pairs with B slower than A. */
  slower: number;
  /** Exact two-sided sign test of `slower` out of the pairs. */
  pValue: number;
  /** The smallest |median ratio − 1| that confirms: half the judge's minimum effect. */
  minEffect: number;
}

/**
 * Judges the pairs: a step is confirmed when the pairs agree on its direction (sign test p ≤ CONFIRMATION_ALPHA:
 * seven of eight) and the median ratio is at least half the judge's minimum effect away from 1, and dismissed
 * otherwise. Half:
 * the minimum effect is sized for the noise between nights, which pairs minutes apart on one machine do not have,
 * and a change of the minimum effect itself must be found, not missed half the time.
 */
export function judgePairs(
  pairs: readonly MeasuredPair[],
  judgeMinEffect: number,
  agentId: string | null,
  previousSha256: string,
): Confirmation {
  if (pairs.length === 0) throw new Error('an A/B confirmation needs at least one measured pair');
  const ratios = pairs.map((p) => p.bP50Ms / p.aP50Ms);
  const medianRatio = medianOf(ratios);
  const slower = ratios.filter((r) => r > 1).length;
  const pValue = signTest(slower, pairs.length);
  const minEffect = judgeMinEffect / 2;
  // With eight pairs the test passes when seven or eight agree, and then they agree with the median.
  const confirmed = pValue <= CONFIRMATION_ALPHA && Math.abs(medianRatio - 1) >= minEffect;
  return {
    outcome: confirmed ? 'confirmed' : 'dismissed',
    agentId,
    previousSha256,
    pairs: [...pairs],
    medianRatio,
    slower,
    pValue,
    minEffect,
  };
}

/** The fewest of n pairs that must agree for the sign test to pass at CONFIRMATION_ALPHA. */
function agreeingNeeded(n: number): number {
  let k = n;
  while (k > 0 && signTest(k - 1, n) <= CONFIRMATION_ALPHA) k--;
  return k;
}

/** Exact two-sided sign test: the chance of k or a more extreme count of n fair coin flips. */
export function signTest(k: number, n: number): number {
  const tail = Math.min(k, n - k);
  let p = 0;
  for (let i = 0; i <= tail; i++) p += binomial(n, i);
  return Math.min(1, (2 * p) / 2 ** n);
}

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

/**
 * The night's judgement once its A/B confirmation is in: a confirmed step is a regression or improvement,
 * confirmed this night, and a dismissed one unchanged, whatever the nightly comparison said (unstable
 * included: the pairs do not see the drift that made it so). Either way the evidence is the last reason.
 */
export function applyConfirmation(
  j: Judgement,
  c: Confirmation,
  result: { resultId: number; recordedAt: string },
): Judgement {
  const reasons = [
    ...j.reasons,
    confirmationReason({ ...c, agreeing: `${agreeingNeeded(c.pairs.length)} of ${c.pairs.length}` }),
  ];
  if (c.outcome === 'dismissed')
    return {
      ...j,
      verdict: 'unchanged',
      confirmed: false,
      step: null,
      reasons,
    };
  const verdict = c.medianRatio > 1 ? 'regression' : 'improvement';
  const step = j.verdict === verdict && j.step ? j.step : { since: result, nights: 1 };
  return { ...j, verdict, confirmed: true, step, reasons };
}
