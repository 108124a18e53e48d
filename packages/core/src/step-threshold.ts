/**
 * The change a night must show to count as a step, given how much the series' nights move on their own
 * (docs/regressions.md, "The step threshold").
 *
 * A judge that counts a change only from `minEffect` up finds a step of exactly `minEffect` on half of its
 * nights: the night's noise puts the measured change below it as often as above. Where the baseline's nights
 * are steady enough, the threshold is lowered so that a step of `minEffect` is found on 19 nights in 20, but
 * never below what the baseline's own night-to-night noise reaches on 1 unchanged night in 100. Where the
 * nights are too noisy for both, it stays at `minEffect`, as it always was.
 */

/** A step of minEffect measured with the series' noise lands above the threshold 19 times in 20 (one-sided). */
const FOUND_Z = 1.645;
/** An unchanged night lands beyond the threshold, either way, 1 time in 100 (two-sided). */
const NOISE_Z = 2.576;

export interface StepThreshold {
  /** The smallest |ratio − 1| that counts as a step on this night. */
  threshold: number;
  /** The spread of one night's ratio to the baseline's median, as the baseline's nights predict it. */
  stepNoise: number;
}

/**
 * The threshold for a candidate judged against `baselineCount` nights whose normalized p50s have a
 * coefficient of variation `noise`. One night's ratio to the median of n nights varies by
 * noise × √(1 + π / 2n) (the median of n values varies about π/2 times as much as their mean).
 *
 * `aboveMinEffect`: on a baseline too noisy for both, the threshold rises above `minEffect` to where an
 * unchanged night crosses it 1 time in 100, instead of staying at `minEffect`. The judge asks for it where its
 * test and interval see only how precisely each night was measured (an interleaved control's pairs), and so
 * cannot guard against how far nights move.
 */
export function stepThreshold(
  minEffect: number,
  noise: number,
  baselineCount: number,
  aboveMinEffect = false,
): StepThreshold {
  const stepNoise = noise * Math.sqrt(1 + Math.PI / (2 * Math.max(1, baselineCount)));
  const lowered = Math.max(minEffect - FOUND_Z * stepNoise, NOISE_Z * stepNoise);
  return { threshold: aboveMinEffect ? lowered : Math.min(minEffect, lowered), stepNoise };
}
