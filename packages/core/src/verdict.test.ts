import { describe, expect, it } from 'vitest';
import { BadInputError } from './errors';
import type { Provenance } from './provenance';
import { percentile } from './stats';
import { latencies } from './testing/samples';
import { type SeriesPoint, JudgeOptionsSchema, environmentDrift, judgeSeries } from './verdict';

const PROVENANCE: Partial<Provenance> = {
  onnxruntimeVersion: '1.29.0',
  nodeVersion: '22.11.0',
  ortfleetVersion: '0.2.0',
  os: { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', kernel: '6.1.0-18-amd64', arch: 'x64' },
  cpu: { brand: 'AMD EPYC 7763', flags: [] },
  gpus: [{ model: 'NVIDIA L4', driver: '550.54.15', vramMb: 23034 }],
  cudaVersion: '12.4',
};

/** One night of the series: a result with its samples around levelMs. */
function night(id: number, levelMs: number, over: Partial<SeriesPoint> = {}): SeriesPoint {
  const samplesMs = latencies(levelMs, id);
  return {
    resultId: id,
    runId: `run-${id}`,
    recordedAt: `2025-03-${String(id).padStart(2, '0')}T02:00:00Z`,
    p50Ms: percentile(
      [...samplesMs].sort((a, b) => a - b),
      50,
    ),
    samplesMs,
    valid: true,
    unstable: false,
    provenance: PROVENANCE,
    hardwareClass: 'nvidia-l4',
    modelSha256: 'abc123',
    ...over,
  };
}

/** Nights 1..levels.length at the given levels (small night-to-night wobble, as real series have). */
function nights(levels: number[], firstId = 1): SeriesPoint[] {
  return levels.map((level, i) => night(firstId + i, level));
}

const STEADY = [10, 10.1, 9.95, 10.05, 9.9];

describe('JudgeOptionsSchema', () => {
  it('has the documented defaults', () => {
    expect(JudgeOptionsSchema.parse({})).toEqual({
      lookback: 7,
      minHistory: 3,
      minEffect: 0.05,
      alpha: 0.001,
      maxNoise: 0.1,
      consecutive: 2,
      autoAcceptAfter: null,
      confidence: 0.99,
      maxControlSpread: 0.1,
    });
  });

  it('rejects unknown keys and a minHistory above the lookback, naming the field', () => {
    expect(JudgeOptionsSchema.safeParse({ lookbak: 7 }).success).toBe(false);
    expect(() => judgeSeries([], night(1, 10), { lookback: 2, minHistory: 3 })).toThrow(BadInputError);
    expect(() => judgeSeries([], night(1, 10), { lookback: 2, minHistory: 3 })).toThrow(
      /judge\.minHistory: must be <= lookback/,
    );
  });
});

describe('judgeSeries', () => {
  it('calls a result in line with its history unchanged', () => {
    const j = judgeSeries(nights(STEADY), night(6, 10.02));
    expect(j).toMatchObject({ verdict: 'unchanged', confirmed: false, step: null, drift: [] });
    expect(j.ratio).toBeCloseTo(1, 1);
    expect(j.baseline).toMatchObject({
      resultIds: [1, 2, 3, 4, 5],
      from: '2025-03-01T02:00:00Z',
      to: '2025-03-05T02:00:00Z',
    });
    expect(j.baseline!.p50Ms).toBeCloseTo(10, 1);
    expect(j.interval!.low).toBeLessThan(1);
    expect(j.interval!.high).toBeGreaterThan(1);
  });

  it('calls a 10% slower result a regression, unconfirmed on its first night', () => {
    const j = judgeSeries(nights(STEADY), night(6, 11));
    expect(j).toMatchObject({ verdict: 'regression', confirmed: false, step: { since: { resultId: 6 }, nights: 1 } });
    expect(j.ratio).toBeCloseTo(1.1, 1);
    expect(j.interval!.low).toBeGreaterThan(1);
    expect(j.pValue).toBeLessThan(1e-10);
    expect(j.reasons.join('\n')).toMatch(/not confirmed yet: night 1 of 2 needed/);
  });

  it('calls a 10% faster result an improvement', () => {
    const j = judgeSeries(nights(STEADY), night(6, 9));
    expect(j).toMatchObject({ verdict: 'improvement', confirmed: false, step: { nights: 1 } });
    expect(j.interval!.high).toBeLessThan(1);
  });

  it('calls a real but 2% shift unchanged: significant, below the minimum effect', () => {
    const j = judgeSeries(nights([10, 10, 10, 10, 10]), night(6, 10.2));
    expect(j.verdict).toBe('unchanged');
    expect(j.pValue).toBeLessThan(1e-10);
    expect(j.reasons.join('\n')).toMatch(/change below [\d.]+%, the step threshold .* minimum effect of 5%/);
    expect(judgeSeries(nights([10, 10, 10, 10, 10]), night(6, 10.2), { minEffect: 0.01 }).verdict).toBe('regression');
  });

  it('counts a 4% step on a baseline steady enough to lower the threshold, not on one that is not', () => {
    // Nights with CV about 1%: the threshold comes down to about 3.1% (docs/regressions.md, "The step threshold").
    const steady = nights([10, 10.1, 9.9, 10.15, 9.85, 10.05, 9.95]);
    const j = judgeSeries(steady, night(8, 10.4));
    expect(j.verdict).toBe('regression');
    expect(j.reasons.join('\n')).toMatch(/a step: beyond 3\.\d+%, the step threshold .*7 nights.*minimum effect of 5%/);
    expect(j.threshold).toBeGreaterThan(0.03);
    expect(j.threshold).toBeLessThan(0.04);
    // Nights with CV about 2.5%: the threshold stays at minEffect, and 4% is not a step.
    const wide = nights([10, 10.25, 9.75, 10.35, 9.65, 10.1, 9.9]);
    const k = judgeSeries(wide, night(8, 10.4));
    expect(k.verdict).toBe('unchanged');
    expect(k.reasons.join('\n')).toMatch(/change below the minimum effect of 5%/);
    expect(k.threshold).toBe(0.05);
  });

  it('calls a shift unchanged when the baseline nights themselves spread that far', () => {
    // Nights between 9.2 and 10.8 ms (CV 6%, under maxNoise): 10.6 ms is 6% above their median yet inside their spread.
    const j = judgeSeries(nights([9.2, 10.8, 10, 9.4, 10.6]), night(6, 10.6));
    expect(j.verdict).toBe('unchanged');
    expect(j.pValue).toBeLessThan(0.001);
    expect(j.interval!.low).toBeLessThanOrEqual(1);
  });

  it('calls a series with noisy history unstable', () => {
    const j = judgeSeries(nights([8, 12, 10, 9, 11.5]), night(6, 13));
    expect(j.verdict).toBe('unstable');
    expect(j.reasons[0]).toMatch(/baseline p50s vary by CV .* above the limit of 10%/);
    expect(j.ratio).not.toBeNull();
  });

  it('calls a candidate flagged unstable unstable, even without history, unless its whole interval is beyond the minimum effect', () => {
    expect(judgeSeries(nights(STEADY), night(6, 10.4, { unstable: true })).verdict).toBe('unstable');
    expect(judgeSeries([], night(1, 13, { unstable: true })).verdict).toBe('unstable');
    const large = judgeSeries(nights(STEADY), night(6, 13, { unstable: true }));
    expect(large.verdict).toBe('regression');
    expect(large.interval!.low).toBeGreaterThan(1.05);
    expect(large.reasons.join(' ')).toMatch(/flagged unstable.*but its whole interval is beyond the minimum effect/);
  });

  it('needs minHistory valid, stable results', () => {
    const history = [night(1, 10), night(2, 10, { valid: false }), night(3, 10, { unstable: true }), night(4, 10)];
    const j = judgeSeries(history, night(5, 20));
    expect(j).toMatchObject({
      verdict: 'insufficient history',
      ratio: null,
      threshold: null,
      pValue: null,
      baseline: { resultIds: [1, 4] },
    });
    expect(j.reasons).toEqual(['2 baseline results, 3 needed']);
    expect(judgeSeries([], night(1, 10))).toMatchObject({ verdict: 'insufficient history', baseline: null });
  });

  it('refuses to judge an invalid candidate', () => {
    expect(() => judgeSeries(nights(STEADY), night(6, 10, { valid: false }))).toThrow(/cannot be judged/);
    expect(() => judgeSeries(nights(STEADY), night(6, 10, { samplesMs: [] }))).toThrow(/cannot be judged/);
  });

  it('uses only the newest lookback results', () => {
    const j = judgeSeries(nights([10, 10, 10, 10, 10, 10, 10, 10, 10, 10]), night(11, 10));
    expect(j.baseline!.resultIds).toEqual([4, 5, 6, 7, 8, 9, 10]);
    expect(judgeSeries(nights([10, 10, 10, 10]), night(5, 10), { lookback: 3 }).baseline!.resultIds).toEqual([2, 3, 4]);
  });

  it('confirms a regression that the previous night showed against the same baseline', () => {
    const history = nights([...STEADY, 11]);
    const j = judgeSeries(history, night(7, 11.05));
    expect(j).toMatchObject({ verdict: 'regression', confirmed: true, step: { since: { resultId: 6 }, nights: 2 } });
    expect(j.baseline!.resultIds).toEqual([1, 2, 3, 4, 5]);
    expect(j.reasons.join('\n')).toMatch(/confirmed: night 2 of this step, since 2025-03-06/);
    expect(judgeSeries(history, night(7, 11.05), { consecutive: 3 }).confirmed).toBe(false);
    expect(judgeSeries(nights(STEADY), night(6, 11), { consecutive: 1 }).confirmed).toBe(true);
  });

  it('does not confirm when the previous night went the other way or was in line', () => {
    expect(judgeSeries(nights([...STEADY, 9]), night(7, 11))).toMatchObject({
      verdict: 'regression',
      confirmed: false,
      step: { nights: 1 },
    });
    expect(judgeSeries(nights([...STEADY, 10]), night(7, 11))).toMatchObject({
      verdict: 'regression',
      confirmed: false,
      step: { nights: 1 },
    });
  });

  it('lets an invalid night neither join the baseline nor break a step', () => {
    const history = [...nights([...STEADY, 11]), night(7, 10, { valid: false })];
    expect(judgeSeries(history, night(8, 11))).toMatchObject({
      verdict: 'regression',
      confirmed: true,
      step: { since: { resultId: 6 }, nights: 2 },
    });
  });

  it('keeps a persisting step out of the baseline until it is accepted', () => {
    const history = nights([10, 10, 10, 10, 10, 10, 10, 11, 11, 11, 11, 11, 11, 11, 11]);
    const j = judgeSeries(history, night(16, 11));
    expect(j).toMatchObject({ verdict: 'regression', confirmed: true, step: { since: { resultId: 8 }, nights: 9 } });
    expect(j.baseline!.resultIds).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('keeps a one-night spike out of the baseline', () => {
    const j = judgeSeries(nights([10, 10, 10, 10, 13, 10]), night(7, 10));
    expect(j.verdict).toBe('unchanged');
    expect(j.baseline!.resultIds).toEqual([1, 2, 3, 4, 6]);
  });

  it('starts the baseline over at an accepted result', () => {
    const history = nights([10, 10, 10, 10, 10, 12, 12, 12]);
    expect(judgeSeries(history, night(9, 12)).verdict).toBe('regression');
    history[5]!.acceptedBaseline = true;
    const j = judgeSeries(history, night(9, 12));
    expect(j.verdict).toBe('unchanged');
    expect(j.baseline!.resultIds).toEqual([6, 7, 8]);
    expect(judgeSeries(history.slice(0, 7), night(8, 12)).verdict).toBe('insufficient history');
    expect(judgeSeries(history, night(9, 10)).verdict).toBe('improvement');
  });

  it('accepts a step by itself after autoAcceptAfter nights when configured', () => {
    const opts = { autoAcceptAfter: 3 };
    const history = nights([...STEADY, 11, 11]);
    const third = judgeSeries(history, night(8, 11), opts);
    expect(third).toMatchObject({
      verdict: 'regression',
      confirmed: true,
      step: { since: { resultId: 6 }, nights: 3 },
    });

    // The next night the step is the baseline, whether or not the caller stored the acceptance.
    const next = judgeSeries([...history, night(8, 11)], night(9, 11), opts);
    expect(next).toMatchObject({ verdict: 'unchanged', baseline: { resultIds: [6, 7, 8] } });
    const stored = [...history, night(8, 11)];
    stored[5] = { ...stored[5]!, acceptedBaseline: true };
    expect(judgeSeries(stored, night(9, 11), opts)).toEqual(next);
  });

  it('starts the baseline at an accepted result even when it was flagged unstable', () => {
    const history = [...nights(STEADY), night(6, 11, { unstable: true, acceptedBaseline: true })];
    expect(judgeSeries(history, night(7, 11), { minHistory: 1 })).toMatchObject({
      verdict: 'unchanged',
      baseline: { resultIds: [6] },
    });
  });

  it('is deterministic', () => {
    const history = nights([...STEADY, 11]);
    expect(judgeSeries(history, night(7, 11))).toEqual(judgeSeries(history, night(7, 11)));
  });

  it('attributes environment drift between the newest baseline result and the candidate', () => {
    const upgraded: Partial<Provenance> = {
      ...PROVENANCE,
      onnxruntimeVersion: '1.30.0',
      gpus: [{ model: 'NVIDIA L4', driver: '560.35.03', vramMb: 23034 }],
      os: { ...PROVENANCE.os!, kernel: '6.1.0-25-amd64' },
    };
    const j = judgeSeries(nights(STEADY), night(6, 11, { provenance: upgraded, modelSha256: 'def456' }));
    expect(j.verdict).toBe('regression');
    expect(j.drift).toEqual([
      { field: 'onnxruntimeVersion', baseline: '1.29.0', now: '1.30.0' },
      { field: 'gpus.driver', baseline: '550.54.15', now: '560.35.03' },
      { field: 'os.kernel', baseline: '6.1.0-18-amd64', now: '6.1.0-25-amd64' },
      { field: 'modelSha256', baseline: 'abc123', now: 'def456' },
    ]);
    expect(j.reasons).toContain('ONNX Runtime changed 1.29.0 → 1.30.0');
    expect(j.reasons).toContain('GPU driver changed 550.54.15 → 560.35.03');
  });

  it('compares the environment only where both sides know it', () => {
    const before = night(1, 10);
    expect(environmentDrift(before, night(2, 10, { provenance: null, modelSha256: null }))).toEqual([]);
    expect(environmentDrift(before, night(2, 10, { provenance: { onnxruntimeVersion: '1.30.0' } }))).toEqual([
      { field: 'onnxruntimeVersion', baseline: '1.29.0', now: '1.30.0' },
    ]);
    expect(
      environmentDrift(
        before,
        night(2, 10, {
          hardwareClass: 'nvidia-l4-new',
          provenance: { ...PROVENANCE, cpu: { brand: 'AMD EPYC 9454', flags: [] } },
        }),
      ),
    ).toEqual([
      { field: 'cpu.brand', baseline: 'AMD EPYC 7763', now: 'AMD EPYC 9454' },
      { field: 'hardwareClass', baseline: 'nvidia-l4', now: 'nvidia-l4-new' },
    ]);
  });
});

describe('drift-normalized judging', () => {
  /** A night measured on a machine running at `speed` (1.1: 10% slower), its control with it. */
  const onMachine = (id: number, modelMs: number, speed: number, spread = 0.01): SeriesPoint =>
    night(id, modelMs * speed, { control: { p50Ms: 1.5 * speed, spread } });
  const history = [1, 0.99, 1.01, 1, 1.005].map((speed, i) => onMachine(i + 1, 10, speed));

  it('divides out a machine that got 15% slower: unchanged, with raw, control and normalized changes', () => {
    const j = judgeSeries(history, onMachine(6, 10, 1.15));
    expect(j.verdict).toBe('unchanged');
    expect(j.control!.rawRatio).toBeCloseTo(1.15, 1);
    expect(j.control!.controlRatio).toBeCloseTo(1.15, 2);
    expect(Math.abs(j.ratio! - 1)).toBeLessThan(0.02);
    expect(j.reasons.join('\n')).toMatch(
      /drift-normalized: raw change \+1[45]\.\d%, the control on its agent \+15\.0%/,
    );
    expect(j.reasons.join('\n')).toMatch(/machine drift, not the model: the agent's control moved \+15\.0%/);
    // The same night without its controls is the regression the machine would have been blamed for.
    const raw = judgeSeries(
      history.map((p) => ({ ...p, control: null })),
      { ...onMachine(6, 10, 1.15), control: null },
    );
    expect(raw.verdict).toBe('regression');
  });

  it('still finds a 10% step of the model on a machine that got 5% faster', () => {
    const j = judgeSeries(history, onMachine(6, 11, 0.95));
    expect(j.verdict).toBe('regression');
    expect(j.ratio!).toBeCloseTo(1.1, 1);
    expect(j.control!.rawRatio).toBeCloseTo(1.045, 1);
    expect(j.reasons.join('\n')).not.toMatch(/machine drift/);
  });

  it('says unstable when the control moved within the night, whatever the model did', () => {
    const j = judgeSeries(history, onMachine(6, 12, 1, 0.2));
    expect(j.verdict).toBe('unstable');
    expect(j.ratio).toBeNull();
    // The raw and control changes are still there to read.
    expect(j.control!.rawRatio).toBeCloseTo(1.2, 1);
    expect(j.reasons[0]).toMatch(/control moved by 20% within the night, above the limit of 10%/);
    // Unless the step is far beyond what the control's movement could explain.
    const doubled = judgeSeries(history, onMachine(6, 20, 1, 0.2));
    expect(doubled.verdict).toBe('regression');
    expect(doubled.reasons.join('\n')).toMatch(
      /control moved by 20% within the night, .*, but the whole interval is beyond it/,
    );
    // And an unstable night stays out of the baseline of the nights after it.
    const next = judgeSeries([...history, onMachine(6, 12, 1, 0.2)], onMachine(7, 10, 1));
    expect(next.baseline!.resultIds).not.toContain(6);
  });

  it('judges as before when an older result has no control: no normalization, the same verdict', () => {
    const mixed = [night(1, 10), ...history.slice(1)];
    const candidate = onMachine(6, 10.2, 1);
    const j = judgeSeries(mixed, candidate);
    expect(j.control ?? null).toBeNull();
    expect(j).toEqual(
      judgeSeries(
        mixed.map((p) => ({ ...p, control: null })),
        { ...candidate, control: null },
      ),
    );
  });
});

describe('judging by the control interleaved with each cell', () => {
  /**
   * A night whose timed loop ran on a machine at `loopSpeed` and whose interleaved block (cell and control run
   * by run) ran at `blockSpeed`: the interleaved ratio is the model's own speed over the control's, whatever
   * either speed was. The night's control is on the machine of another moment, at `nightSpeed`.
   */
  const interleaved = (id: number, modelMs: number, loopSpeed: number, blockSpeed: number, nightSpeed = 1) =>
    night(id, modelMs * loopSpeed, {
      control: { p50Ms: 1.5 * nightSpeed, spread: 0.01 },
      interleavedControl: { ratio: modelMs / 1.5, controlP50Ms: 1.5 * blockSpeed },
    });
  const history = [1, 0.99, 1.01, 1, 1.005].map((speed, i) => interleaved(i + 1, 10, speed, speed));

  it("divides by the interleaved control before the night's: a loop 15% slower than the night's control is not a step", () => {
    const j = judgeSeries(history, interleaved(6, 10, 1.15, 1.12, 1));
    expect(j.verdict).toBe('unchanged');
    expect(j.control).toMatchObject({ source: 'interleaved' });
    expect(j.control!.controlRatio).toBeCloseTo(1.12, 2);
    expect(Math.abs(j.ratio! - 1)).toBeLessThan(0.01);
    expect(j.reasons.join('\n')).toMatch(/the control run beside the cell \+12\.0%, normalized/);
    // By the night's control alone, the same night is a regression.
    const night = judgeSeries(
      history.map((p) => ({ ...p, interleavedControl: null })),
      { ...interleaved(6, 10, 1.15, 1.12, 1), interleavedControl: null },
    );
    expect(night.control).toMatchObject({ source: 'night' });
    expect(night.verdict).toBe('regression');
  });

  it('finds a 5% step of the model on a machine that moved', () => {
    const j = judgeSeries(history, interleaved(6, 10.5, 0.9, 0.93, 1.1));
    expect(j.verdict).toBe('regression');
    expect(j.ratio!).toBeCloseTo(1.05, 2);
  });

  it("ignores the night's spread: the interleaved control moved with the cell", () => {
    const candidate = interleaved(6, 10, 1, 1);
    const j = judgeSeries(history, { ...candidate, control: { p50Ms: 1.5, spread: 0.3 } });
    expect(j.verdict).toBe('unchanged');
  });

  it('judges a loop flagged unstable by its interleaved level, and keeps it in later baselines', () => {
    const flagged = { ...interleaved(6, 10.55, 1, 1), unstable: true };
    expect(judgeSeries(history, flagged).verdict).toBe('regression');
    const next = judgeSeries(
      [...history, { ...interleaved(6, 10, 1.2, 1.2), unstable: true }],
      interleaved(7, 10, 1, 1),
    );
    expect(next.baseline!.resultIds).toContain(6);
    // Without the interleaved control, the same loop is no evidence.
    const bare = (p: SeriesPoint) => ({ ...p, interleavedControl: null });
    expect(judgeSeries(history.map(bare), bare(flagged)).verdict).toBe('unstable');
  });

  it('calls a first night flagged unstable with an interleaved control short of history, not unstable', () => {
    const first = { ...interleaved(1, 10, 1.2, 1.2), unstable: true };
    expect(judgeSeries([], first).verdict).toBe('insufficient history');
    expect(judgeSeries([], { ...first, interleavedControl: null }).verdict).toBe('unstable');
  });

  it('does not divide by interleaved controls of another width: a closed loop measured before its control ran as wide', () => {
    const wide = (p: SeriesPoint) => ({ ...p, interleavedControl: { ...p.interleavedControl!, width: 2 } });
    expect(judgeSeries(history.map(wide), wide(interleaved(6, 10, 1, 1))).control).toMatchObject({
      source: 'interleaved',
    });
    // Older results of the series (no width: one control run against the cell's round) are judged by the night.
    const j = judgeSeries([...history.slice(0, 3), ...history.slice(3).map(wide)], wide(interleaved(6, 10, 1, 1)));
    expect(j.control).toMatchObject({ source: 'night' });
  });

  // A night whose pairs agree within about 2% run by run, while its timed loop moved by about 40% as it ran.
  const paired = (id: number, ratio: number): SeriesPoint => ({
    ...night(id, 10, { samplesMs: latencies(10, id, 256, 0.4) }),
    interleavedControl: { ratio, controlP50Ms: 1.5, ratios: latencies(ratio, 100 + id, 256, 0.02) },
  });
  const loops = (p: SeriesPoint): SeriesPoint => ({
    ...p,
    interleavedControl: { ...p.interleavedControl!, ratios: undefined },
  });

  it("tests the pairs' ratios where every result has them: a step that the timed loops' spread hides", () => {
    const base = [1, 1.004, 0.997, 1.002, 0.999].map((r, i) => paired(i + 1, (10 / 1.5) * r));
    const step = paired(6, (10 / 1.5) * 1.06);
    const j = judgeSeries(base, step);
    expect(j.verdict).toBe('regression');
    expect(j.pValue!).toBeLessThan(1e-6);
    // The same nights tested on their loops' samples: the spread hides the step from the interval.
    const byLoops = judgeSeries(base.map(loops), loops(step));
    expect(byLoops.ratio).toBeCloseTo(j.ratio!, 6);
    expect(byLoops.verdict).toBe('unchanged');
    expect(byLoops.reasons.join('\n')).toMatch(/the interval of the ratio includes no change/);
    // One baseline result without the pairs' ratios (recorded before they were kept): loop samples for all.
    const mixed = judgeSeries([loops(base[0]!), ...base.slice(1)], step);
    expect(mixed.pValue).toBeCloseTo(
      judgeSeries([loops(base[0]!), ...base.slice(1).map(loops)], loops(step)).pValue!,
      12,
    );
    expect(mixed.verdict).toBe('unchanged');
  });

  it('raises the threshold above minEffect where nights judged by their pairs move by more than it', () => {
    // Ratios that move by about 3% from night to night (CV), each night measured to within 2% by its pairs.
    const noisy = [1, 1.04, 0.97, 1.03, 0.98, 1.01, 0.96].map((r, i) => paired(i + 1, (10 / 1.5) * r));
    const candidate = paired(8, (10 / 1.5) * 1.07);
    const j = judgeSeries(noisy, candidate);
    expect(j.threshold!).toBeGreaterThan(0.08);
    expect(j.verdict).toBe('unchanged');
    expect(j.reasons.join('\n')).toMatch(
      /change below 8\.\d+%, the step threshold that a baseline this noisy raises the minimum effect of 5% to/,
    );
    // Tested on the loops' samples, whose spread holds the test back, the threshold stays at minEffect.
    expect(judgeSeries(noisy.map(loops), loops(candidate)).threshold).toBe(0.05);
  });

  it("falls back to the night's control when a baseline result has no interleaved control", () => {
    const mixed = [{ ...history[0]!, interleavedControl: null }, ...history.slice(1)];
    const j = judgeSeries(mixed, interleaved(6, 10, 1, 1));
    expect(j.control).toMatchObject({ source: 'night' });
  });
});
