import { describe, expect, it } from 'vitest';
import {
  applyConfirmation,
  CONFIRMATION_PAIRS,
  confirmationMeasure,
  judgePairs,
  pairOrders,
  signTest,
  type MeasuredPair,
} from './confirmation';
import type { Judgement } from './verdict';

const pairs = (ratios: number[]): MeasuredPair[] =>
  ratios.map((r, i) => ({ order: i % 2 ? 'BA' : 'AB', aP50Ms: 10, bP50Ms: 10 * r }));
const SHA = 'f'.repeat(64);
const nightly: Judgement = {
  verdict: 'unchanged',
  confirmed: false,
  ratio: 1.03,
  threshold: 0.05,
  interval: { low: 0.99, high: 1.07 },
  pValue: 0.01,
  baseline: { resultIds: [1, 2, 3], p50Ms: 10, from: 'a', to: 'b' },
  step: null,
  drift: [{ field: 'modelSha256', baseline: SHA, now: 'e'.repeat(64) }],
  reasons: ['p50 10.3 ms vs baseline 10 ms'],
};
const result = { resultId: 4, recordedAt: '2026-11-28T02:00:00Z' };

describe('the sign test', () => {
  it('is exact: 8 of 8 gives 2/256, 7 of 8 gives 18/256, 6 of 8 gives 74/256, 4 of 8 gives 1', () => {
    expect(signTest(8, 8)).toBeCloseTo(2 / 256, 10);
    expect(signTest(0, 8)).toBeCloseTo(2 / 256, 10);
    expect(signTest(7, 8)).toBeCloseTo(18 / 256, 10);
    expect(signTest(6, 8)).toBeCloseTo(74 / 256, 10);
    expect(signTest(4, 8)).toBe(1);
  });
});

describe('pairOrders', () => {
  it('is balanced and seeded: half AB and half BA, the same seed the same order, other seeds others', () => {
    const a = pairOrders(CONFIRMATION_PAIRS, 7);
    expect(a).toEqual(pairOrders(CONFIRMATION_PAIRS, 7));
    expect(a.filter((o) => o === 'AB')).toHaveLength(4);
    expect(a.filter((o) => o === 'BA')).toHaveLength(4);
    const seen = new Set([1, 2, 3, 4, 5, 6].map((seed) => pairOrders(CONFIRMATION_PAIRS, seed).join()));
    expect(seen.size).toBeGreaterThan(3);
    expect(pairOrders(5, 1).filter((o) => o === 'AB')).toHaveLength(3);
  });
});

describe('judgePairs', () => {
  it('confirms a step when seven of eight pairs agree and the median is at least half the minimum effect', () => {
    const c = judgePairs(pairs([1.04, 1.05, 1.03, 1.06, 1.05, 1.04, 0.99, 1.05]), 0.05, 'a1', SHA);
    expect(c).toMatchObject({ outcome: 'confirmed', slower: 7, minEffect: 0.025, agentId: 'a1' });
    expect(c.medianRatio).toBeCloseTo(1.045, 6);
    expect(judgePairs(pairs([0.9, 0.92, 0.91, 0.9, 0.93, 0.9, 0.9, 0.9]), 0.05, 'a1', SHA).outcome).toBe('confirmed');
  });

  it('dismisses pairs that disagree, and a consistent change smaller than half the minimum effect', () => {
    expect(judgePairs(pairs([1.1, 1.1, 1.1, 1.1, 1.1, 1.1, 0.99, 0.98]), 0.05, 'a1', SHA).outcome).toBe('dismissed');
    expect(judgePairs(pairs([1.01, 1.02, 1.01, 1.02, 1.01, 1.02, 1.01, 1.02]), 0.05, 'a1', SHA).outcome).toBe(
      'dismissed',
    );
    expect(() => judgePairs([], 0.05, 'a1', SHA)).toThrow(/at least one/);
  });
});

describe('applyConfirmation', () => {
  it('makes a confirmed step a regression confirmed this night, whatever the nightly comparison said', () => {
    const c = judgePairs(pairs([1.04, 1.05, 1.03, 1.06, 1.05, 1.04, 1.04, 1.05]), 0.05, 'a1', SHA);
    const j = applyConfirmation(nightly, c, result);
    expect(j).toMatchObject({ verdict: 'regression', confirmed: true, step: { since: result, nights: 1 } });
    expect(j.reasons.at(-1)).toMatch(
      /^confirmed the same night by A\/B: 8 interleaved pairs on a1 of the previous model file ffffffffffff and this one: median \+4\.5%, 8 of 8 slower \(sign test p = 0\.0078\)$/,
    );
  });

  it('makes a dismissed nightly step unchanged, with the evidence', () => {
    const c = judgePairs(pairs([1.01, 0.99, 1.0, 1.02, 0.98, 1.0, 1.01, 0.99]), 0.05, 'a1', SHA);
    const step = { ...nightly, verdict: 'regression' as const, step: { since: result, nights: 1 } };
    const j = applyConfirmation(step, c, result);
    expect(j).toMatchObject({ verdict: 'unchanged', confirmed: false, step: null });
    expect(j.reasons.at(-1)).toMatch(
      /^dismissed by the same-night A\/B: .*; a step needs 7 of 8 pairs to agree and at least 2\.5%$/,
    );
  });
});

describe('confirmationMeasure', () => {
  it("shortens the spec's loop to about two seconds a side, without a profile pass", () => {
    const m = confirmationMeasure({
      warmup: 10,
      minIterations: 200,
      minDurationMs: 10_000,
      maxDurationMs: 60_000,
      cellTimeoutMs: 600_000,
      seed: 0,
      profileIterations: 10,
      parityMinCosine: 0.99,
      parityMinTop1: 0.99,
    });
    expect(m).toMatchObject({
      warmup: 10,
      minIterations: 50,
      minDurationMs: 2000,
      maxDurationMs: 10_000,
      profileIterations: 0,
    });
  });
});
