/** Tests of whether two samples of latencies differ: Mann–Whitney U and a bootstrap interval of the median ratio. */
import { mulberry32 } from './random';
import { percentile } from './stats';

/** Mann–Whitney U test of a against b: U counts pairs with a > b (ties count ½); z > 0 when a tends larger. */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): { u: number; z: number; pTwoSided: number } {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new Error('Mann–Whitney U needs samples on both sides');
  const all = [...a.map((v) => ({ v, first: true })), ...b.map((v) => ({ v, first: false }))].sort((x, y) => x.v - y.v);
  const n = n1 + n2;
  let rankSumA = 0;
  let tieTerm = 0;
  for (let i = 0; i < n;) {
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
  if (!Number.isInteger(resamples) || resamples < 1)
    throw new Error(`resamples must be a positive integer, got ${resamples}`);
  const groups = (
    baseline.length > 0 && typeof baseline[0] === 'number' ? [baseline] : baseline
  ) as readonly (readonly number[])[];
  if (groups.length === 0 || groups.some((g) => g.length === 0) || candidate.length === 0)
    throw new Error('a median ratio needs samples on both sides');

  const ratio = medianOf(candidate) / medianOf(groups.map(medianOf));
  const random = mulberry32(seed);
  const sortedGroups = groups.map(sortedCopy);
  const sortedCandidate = sortedCopy(candidate);
  const counts = new Uint32Array(Math.max(candidate.length, ...groups.map((g) => g.length)));
  const ratios: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const groupMedians = groups.map(() =>
      resampledMedian(sortedGroups[Math.floor(random() * groups.length)]!, random, counts),
    );
    ratios.push(resampledMedian(sortedCandidate, random, counts) / medianOf(groupMedians));
  }
  ratios.sort((x, y) => x - y);
  const tail = ((1 - confidence) / 2) * 100;
  return { ratio, low: percentile(ratios, tail), high: percentile(ratios, 100 - tail) };
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

/** Median as numpy takes it: the mean of the two middle values of an even count. */
export function medianOf(xs: readonly number[]): number {
  return percentile(sortedCopy(xs), 50);
}

/** Sample standard deviation / mean; 0 for fewer than two values or a mean that is not positive. */
export function coefficientOfVariation(xs: readonly number[]): number {
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
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
