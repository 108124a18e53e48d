/** The words of a verdict: the reasons `judgeSeries` gives, as alerts and the dashboard show them. */
import { formatChange, formatPercent } from './format';
import type { EnvironmentDrift } from './drift';

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

/** Why a result flagged unstable is not evidence of a step. */
export const FLAGGED_UNSTABLE = 'the result is flagged unstable (its loop medians disagree by more than 10%)';

/** Why a result flagged unstable still counts as a step. */
export const flaggedBeyondEffectReason = `${FLAGGED_UNSTABLE}, but its whole interval is beyond the minimum effect`;

/** One environment field that changed, in words: 'ONNX Runtime changed 1.29.0 → 1.30.0'. */
export function driftReason(d: EnvironmentDrift): string {
  return `${DRIFT_LABELS[d.field] ?? d.field} changed ${d.baseline} → ${d.now}`;
}

/** Whether a step has lasted long enough to be confirmed, and since when. */
export function stepReason(confirmed: boolean, nights: number, consecutive: number, since: string): string {
  return confirmed
    ? `confirmed: night ${nights} of this step, since ${since}`
    : `not confirmed yet: night ${nights} of ${consecutive} needed`;
}

/** Too few baseline results to judge by. */
export function historyShortReason(results: number, minHistory: number): string {
  return `${results} baseline result${results === 1 ? '' : 's'}, ${minHistory} needed`;
}

/** The candidate's p50 against the baseline's, with the interval of the ratio and the test's p-value. */
export function comparisonSummary(c: {
  p50Ms: number;
  baselineP50Ms: number;
  /** The p50s are divided by the agents' control p50s (drift normalization): they are in controls, not ms. */
  normalized?: boolean;
  ratio: number;
  confidence: number;
  interval: { low: number; high: number };
  pValue: number;
}): string {
  const figure = c.normalized ? (x: number) => `${Number(x.toPrecision(4))} × the control` : formatMs;
  return `p50 ${figure(c.p50Ms)} vs baseline ${figure(c.baselineP50Ms)} (${formatChange(c.ratio)}; ${formatPercent(c.confidence)} interval ${formatChange(c.interval.low)} to ${formatChange(c.interval.high)}; Mann–Whitney p = ${c.pValue.toPrecision(2)})`;
}

/** The baseline's own nights spread too far to judge a step against. */
export function noiseReason(noise: number, maxNoise: number): string {
  return `baseline p50s vary by CV ${formatPercent(noise)}, above the limit of ${formatPercent(maxNoise)}`;
}

/** The three changes of a drift-normalized verdict: the model's raw change, its agent's control's, and the model's own. */
export function normalizedReason(c: {
  source: 'interleaved' | 'night';
  rawRatio: number;
  controlRatio: number;
  ratio: number;
}): string {
  const control = c.source === 'interleaved' ? 'the control run beside the cell' : 'the control on its agent';
  return `drift-normalized: raw change ${formatChange(c.rawRatio)}, ${control} ${formatChange(c.controlRatio)}, normalized ${formatChange(c.ratio)}`;
}

/** A raw step that the control shows too: the machine moved, not the model. */
export function machineDriftReason(controlRatio: number): string {
  return `machine drift, not the model: the agent's control moved ${formatChange(controlRatio)} with it`;
}

/** The candidate's control moved within its own night: no speed factor to divide out. */
export function controlUnstableReason(spread: number, maxSpread: number): string {
  return `the agent's control moved by ${formatPercent(spread)} within the night, above the limit of ${formatPercent(maxSpread)}`;
}

/** A same-night A/B confirmation's evidence, in words. */
export function confirmationReason(c: {
  outcome: 'confirmed' | 'dismissed';
  agentId: string | null;
  previousSha256: string;
  pairs: unknown[];
  medianRatio: number;
  slower: number;
  pValue: number;
  minEffect: number;
  /** In words: how many pairs must agree for the sign test to pass. */
  agreeing: string;
}): string {
  const where = c.agentId ? ` on ${c.agentId}` : '';
  const evidence = `${c.pairs.length} interleaved pairs${where} of the previous model file ${c.previousSha256.slice(0, 12)} and this one: median ${formatChange(c.medianRatio)}, ${c.slower} of ${c.pairs.length} slower (sign test p = ${c.pValue.toPrecision(2)})`;
  return c.outcome === 'confirmed'
    ? `confirmed the same night by A/B: ${evidence}`
    : `dismissed by the same-night A/B: ${evidence}; a step needs ${c.agreeing} pairs to agree and at least ${formatPercent(c.minEffect)}`;
}

/** Why a shift that the summary shows is not called a step. */
export function unchangedReason(r: {
  withinEffect: boolean;
  significant: boolean;
  threshold: number;
  minEffect: number;
  alpha: number;
}): string {
  if (r.withinEffect) {
    if (r.threshold < r.minEffect - 1e-9)
      return `change below ${formatPercent(r.threshold)}, the step threshold this steady a baseline gives the minimum effect of ${formatPercent(r.minEffect)}`;
    if (r.threshold > r.minEffect + 1e-9)
      return `change below ${formatPercent(r.threshold)}, the step threshold that a baseline this noisy raises the minimum effect of ${formatPercent(r.minEffect)} to: its unchanged nights move that far 1 time in 100`;
    return `change below the minimum effect of ${formatPercent(r.minEffect)}`;
  }
  if (!r.significant) return `Mann–Whitney p is not below ${r.alpha}`;
  return 'the interval of the ratio includes no change, or the test and the ratio disagree on the direction';
}

/** Why a change below the minimum effect is a step: the baseline is steady enough to lower the threshold. */
export function loweredThresholdReason(r: {
  threshold: number;
  minEffect: number;
  noise: number;
  nights: number;
}): string {
  return (
    `a step: beyond ${formatPercent(r.threshold)}, the step threshold that a baseline this steady ` +
    `(${r.nights} nights, CV ${formatPercent(r.noise)}) gives the minimum effect of ${formatPercent(r.minEffect)}`
  );
}

function formatMs(ms: number): string {
  return `${Number(ms.toPrecision(4))} ms`;
}
