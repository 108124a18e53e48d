import { describe, expect, it } from 'vitest';
import {
  BUDGET_METRICS,
  type ConfigurationFigures,
  costPerMillion,
  formatBudget,
  meetsBudget,
  OBJECTIVES,
  objectiveDirection,
  objectiveValue,
  parseBudget,
  rankLeaderboard,
} from './leaderboard';

type Row = ConfigurationFigures & { id: string };

function row(id: string, over: Partial<ConfigurationFigures> = {}): Row {
  return {
    id,
    hardwareClass: 'cpu-x86',
    status: 'ok',
    valid: true,
    unstable: false,
    batch: 1,
    p50Ms: 10,
    p90Ms: 12,
    p95Ms: 14,
    p99Ms: 20,
    throughput: 100,
    energyPerInferenceJ: 0.5,
    ...over,
  };
}

const ids = (list: { row: Row }[]) => list.map((r) => r.row.id);

describe('objectiveValue', () => {
  const r = row('a', { p50Ms: 8, p99Ms: 30, throughput: 250, energyPerInferenceJ: 0.25 });

  it('reads latency and throughput figures as they are', () => {
    expect(objectiveValue(r, 'p50')).toBe(8);
    expect(objectiveValue(r, 'p99')).toBe(30);
    expect(objectiveValue(r, 'throughput')).toBe(250);
  });

  it('gives items per joule for throughput_per_watt', () => {
    expect(objectiveValue(r, 'throughput_per_watt')).toBe(4);
  });

  it('gives cost per million items in the price currency', () => {
    // 250 items/s at 3.6 per hour: 4000 s for a million items at 0.001 per second.
    expect(objectiveValue(r, 'cost_per_million', 3.6)).toBeCloseTo(4, 12);
    expect(objectiveValue(r, 'cost_per_million', 0)).toBe(0);
  });

  it('is null when the figure is missing', () => {
    const empty = row('e', { p50Ms: null, p99Ms: null, throughput: null, energyPerInferenceJ: null });
    for (const objective of OBJECTIVES) expect(objectiveValue(empty, objective, 1)).toBeNull();
  });

  it('is null for cost without a price, or without a usable throughput', () => {
    expect(objectiveValue(r, 'cost_per_million')).toBeNull();
    expect(objectiveValue(r, 'cost_per_million', -1)).toBeNull();
    expect(objectiveValue(row('z', { throughput: 0 }), 'cost_per_million', 1)).toBeNull();
  });

  it('treats a zero or non-finite figure as no figure where it would divide', () => {
    expect(objectiveValue(row('z', { energyPerInferenceJ: 0 }), 'throughput_per_watt')).toBeNull();
    expect(objectiveValue(row('n', { p50Ms: Number.NaN }), 'p50')).toBeNull();
  });
});

describe('objectiveDirection', () => {
  it('prefers low latency and cost, high throughput and efficiency', () => {
    expect(Object.fromEntries(OBJECTIVES.map((o) => [o, objectiveDirection(o)]))).toEqual({
      p50: 'lower',
      p99: 'lower',
      throughput: 'higher',
      throughput_per_watt: 'higher',
      cost_per_million: 'lower',
      ttft: 'lower',
      itl: 'lower',
      decode_tokens_per_s: 'higher',
      capacity: 'higher',
      cost_per_million_requests: 'lower',
    });
  });
});

describe('generation objectives and budgets', () => {
  const decoder = (id: string, ttft: number, itl: number, tokensPerS: number) =>
    row(id, { ttftP50Ms: ttft, ttftP99Ms: 2 * ttft, itlP50Ms: itl, itlP99Ms: 3 * itl, decodeTokensPerS: tokensPerS });

  it('ranks decoders by median TTFT, median inter-token latency and decode tokens/s', () => {
    const rows = [decoder('a', 30, 4, 250), decoder('b', 10, 9, 110), decoder('c', 20, 2, 500)];
    expect(ids(rankLeaderboard(rows, { objective: 'ttft' }).ranked)).toEqual(['b', 'c', 'a']);
    expect(ids(rankLeaderboard(rows, { objective: 'itl' }).ranked)).toEqual(['c', 'a', 'b']);
    expect(ids(rankLeaderboard(rows, { objective: 'decode_tokens_per_s' }).ranked)).toEqual(['c', 'a', 'b']);
  });

  it('leaves a configuration that is not a generation cell unranked, saying so', () => {
    const board = rankLeaderboard([row('plain'), decoder('d', 10, 1, 100)], { objective: 'ttft' });
    expect(ids(board.ranked)).toEqual(['d']);
    expect(board.unranked).toEqual([
      { row: expect.objectContaining({ id: 'plain' }), why: 'no ttft figure (not a generation cell)' },
    ]);
  });

  it('bounds p99 TTFT with ttft<= and p99 inter-token latency with itl_p99<=', () => {
    const rows = [decoder('a', 10, 4, 250), decoder('b', 40, 1, 900)];
    const byTtft = rankLeaderboard(rows, { objective: 'decode_tokens_per_s', budget: parseBudget('ttft<=50') });
    expect(byTtft.ranked.map((r) => [r.row.id, r.meetsBudget])).toEqual([
      ['b', false],
      ['a', true],
    ]);
    expect(ids(byTtft.recommendation)).toEqual(['a']);
    const byItl = rankLeaderboard(rows, { objective: 'ttft', budget: parseBudget('itl_p99 ≤ 5 ms') });
    expect(byItl.ranked.map((r) => [r.row.id, r.meetsBudget])).toEqual([
      ['a', false],
      ['b', true],
    ]);
  });
});

describe('costPerMillion', () => {
  it('follows (1e6 / throughput) × (price per hour / 3600)', () => {
    expect(costPerMillion(1000, 3.6)).toBeCloseTo(1, 12);
    expect(costPerMillion(500, 7.2)).toBeCloseTo(4, 12);
  });
});

describe('rankLeaderboard', () => {
  it('ranks lower-is-better objectives ascending with 1-based ranks', () => {
    const { ranked } = rankLeaderboard([row('b', { p50Ms: 20 }), row('a', { p50Ms: 5 }), row('c', { p50Ms: 12 })], {
      objective: 'p50',
    });
    expect(ids(ranked)).toEqual(['a', 'c', 'b']);
    expect(ranked.map((r) => [r.rank, r.score])).toEqual([
      [1, 5],
      [2, 12],
      [3, 20],
    ]);
  });

  it('ranks by p99 when asked, not p50', () => {
    const rows = [row('a', { p50Ms: 5, p99Ms: 40 }), row('b', { p50Ms: 9, p99Ms: 11 })];
    expect(ids(rankLeaderboard(rows, { objective: 'p99' }).ranked)).toEqual(['b', 'a']);
  });

  it('ranks higher-is-better objectives descending', () => {
    const rows = [row('a', { throughput: 50 }), row('b', { throughput: 300 }), row('c', { throughput: 120 })];
    expect(ids(rankLeaderboard(rows, { objective: 'throughput' }).ranked)).toEqual(['b', 'c', 'a']);
  });

  it('ranks throughput_per_watt by items per joule', () => {
    const rows = [
      row('a', { energyPerInferenceJ: 2 }),
      row('b', { energyPerInferenceJ: 0.1 }),
      row('c', { energyPerInferenceJ: null }),
    ];
    const board = rankLeaderboard(rows, { objective: 'throughput_per_watt' });
    expect(ids(board.ranked)).toEqual(['b', 'a']);
    expect(board.ranked[0]!.score).toBeCloseTo(10, 12);
    expect(board.unranked).toEqual([{ row: rows[2], why: 'no throughput_per_watt figure (no energy reading)' }]);
  });

  it('ranks cost_per_million with the price of each row’s hardware class', () => {
    const rows = [
      row('gpu', { hardwareClass: 'gpu-a10', throughput: 2000 }),
      row('cpu', { hardwareClass: 'cpu-x86', throughput: 200 }),
      row('arm', { hardwareClass: 'cpu-arm', throughput: 150 }),
      row('tpu', { hardwareClass: 'tpu', throughput: 5000 }),
    ];
    const board = rankLeaderboard(rows, {
      objective: 'cost_per_million',
      prices: { 'gpu-a10': 1.2, 'cpu-x86': 0.4, 'cpu-arm': 0.1 },
    });
    expect(ids(board.ranked)).toEqual(['gpu', 'arm', 'cpu']);
    expect(board.ranked.map((r) => r.score)).toEqual([
      costPerMillion(2000, 1.2),
      costPerMillion(150, 0.1),
      costPerMillion(200, 0.4),
    ]);
    expect(board.unranked).toEqual([
      { row: rows[3], why: 'no cost_per_million figure (no price for hardware class tpu)' },
    ]);
  });

  it('does not take a price from the object prototype', () => {
    const board = rankLeaderboard([row('a', { hardwareClass: 'constructor' })], {
      objective: 'cost_per_million',
      prices: {},
    });
    expect(board.unranked[0]!.why).toBe('no cost_per_million figure (no price for hardware class constructor)');
  });

  it('says why a priced row has no cost figure', () => {
    const rows = [row('a', { throughput: null }), row('b', { hardwareClass: 'bad' })];
    const board = rankLeaderboard(rows, { objective: 'cost_per_million', prices: { 'cpu-x86': 1, bad: -2 } });
    expect(board.unranked.map((u) => u.why)).toEqual([
      'no cost_per_million figure (no throughput)',
      'no cost_per_million figure (bad price -2 for hardware class bad)',
    ]);
  });

  it('leaves out rows that did not end ok, failed parity or lack the figure, saying why', () => {
    const rows = [
      row('ok'),
      row('failed', { status: 'failed', p50Ms: null }),
      row('unsupported', { status: 'unsupported', p50Ms: null }),
      row('drift', { valid: false, p50Ms: 1 }),
      row('nop50', { p50Ms: null }),
    ];
    const board = rankLeaderboard(rows, { objective: 'p50' });
    expect(ids(board.ranked)).toEqual(['ok']);
    expect(board.unranked.map((u) => [u.row.id, u.why])).toEqual([
      ['failed', 'failed'],
      ['unsupported', 'unsupported'],
      ['drift', 'failed parity'],
      ['nop50', 'no p50 figure'],
    ]);
    expect(board.recommendation.map((r) => r.row.id)).toEqual(['ok']);
  });

  it('breaks ties by p50 ascending, then throughput descending, then input order', () => {
    const rows = [
      row('slower', { throughput: 100, p50Ms: 12 }),
      row('faster-1st', { throughput: 100, p50Ms: 10 }),
      row('faster-2nd', { throughput: 100, p50Ms: 10 }),
    ];
    expect(ids(rankLeaderboard(rows, { objective: 'throughput' }).ranked)).toEqual([
      'faster-1st',
      'faster-2nd',
      'slower',
    ]);

    const byP99 = [
      row('lowtput', { p99Ms: 20, p50Ms: 10, throughput: 50 }),
      row('slow', { p99Ms: 20, p50Ms: 11, throughput: 500 }),
      row('hightput', { p99Ms: 20, p50Ms: 10, throughput: 80 }),
      row('nulltput', { p99Ms: 20, p50Ms: 10, throughput: null }),
      row('best', { p99Ms: 19, p50Ms: 15, throughput: 1 }),
    ];
    expect(ids(rankLeaderboard(byP99, { objective: 'p99' }).ranked)).toEqual([
      'best',
      'hightput',
      'lowtput',
      'nulltput',
      'slow',
    ]);
  });

  it('is deterministic and leaves the input alone', () => {
    const rows = [row('a', { p50Ms: 3 }), row('b', { p50Ms: 1 }), row('c', { p50Ms: 2 })];
    const copy = structuredClone(rows);
    const first = rankLeaderboard(rows, { objective: 'p50' });
    expect(rankLeaderboard(rows, { objective: 'p50' })).toEqual(first);
    expect(rows).toEqual(copy);
  });

  it('ranks unstable rows but keeps them out of the recommendation', () => {
    const rows = [
      row('shaky', { p50Ms: 5, unstable: true }),
      row('steady', { p50Ms: 8 }),
      row('unknown', { p50Ms: 9, unstable: null }),
    ];
    const board = rankLeaderboard(rows, { objective: 'p50' });
    expect(ids(board.ranked)).toEqual(['shaky', 'steady', 'unknown']);
    expect(board.ranked[0]!.row.unstable).toBe(true);
    expect(ids(board.recommendation)).toEqual(['steady']);
  });

  it('recommends the best stable row per hardware class without a budget, in objective order', () => {
    const rows = [
      row('cpu-best', { hardwareClass: 'cpu', throughput: 300 }),
      row('gpu-unstable', { hardwareClass: 'gpu', throughput: 5000, unstable: true }),
      row('gpu-best', { hardwareClass: 'gpu', throughput: 4000 }),
      row('gpu-second', { hardwareClass: 'gpu', throughput: 3500 }),
      row('cpu-second', { hardwareClass: 'cpu', throughput: 200 }),
      row('npu-only-unstable', { hardwareClass: 'npu', throughput: 900, unstable: true }),
    ];
    const board = rankLeaderboard(rows, { objective: 'throughput' });
    expect(board.ranked.every((r) => r.meetsBudget === null)).toBe(true);
    expect(ids(board.recommendation)).toEqual(['gpu-best', 'cpu-best']);
    expect(board.recommendation.map((r) => r.rank)).toEqual([2, 5]);
  });

  it('with a budget, recommends per class the best stable row within it', () => {
    const rows = [
      row('gpu-fast-tail', { hardwareClass: 'gpu', throughput: 5000, p99Ms: 40 }),
      row('gpu-in', { hardwareClass: 'gpu', throughput: 3000, p99Ms: 20 }),
      row('gpu-in-unstable', { hardwareClass: 'gpu', throughput: 4000, p99Ms: 10, unstable: true }),
      row('cpu-in', { hardwareClass: 'cpu', throughput: 400, p99Ms: 15 }),
      row('cpu-no-p99', { hardwareClass: 'cpu', throughput: 900, p99Ms: null }),
      row('arm-over', { hardwareClass: 'arm', throughput: 100, p99Ms: 21 }),
      row('bad', { hardwareClass: 'arm', throughput: 9999, p99Ms: 1, valid: false }),
    ];
    const board = rankLeaderboard(rows, { objective: 'throughput', budget: { metric: 'p99', maxMs: 20 } });
    expect(board.ranked.map((r) => [r.row.id, r.meetsBudget])).toEqual([
      ['gpu-fast-tail', false],
      ['gpu-in-unstable', true],
      ['gpu-in', true],
      ['cpu-no-p99', false],
      ['cpu-in', true],
      ['arm-over', false],
    ]);
    expect(ids(board.recommendation)).toEqual(['gpu-in', 'cpu-in']);
  });

  it('applies a budget on whichever percentile it names', () => {
    const rows = [row('a', { p90Ms: 9, p95Ms: 11 }), row('b', { p50Ms: 11, p90Ms: 10, p95Ms: 10 })];
    expect(
      ids(rankLeaderboard(rows, { objective: 'p50', budget: { metric: 'p95', maxMs: 10 } }).recommendation),
    ).toEqual(['b']);
    expect(
      ids(rankLeaderboard(rows, { objective: 'p50', budget: { metric: 'p90', maxMs: 9 } }).recommendation),
    ).toEqual(['a']);
    expect(rankLeaderboard(rows, { objective: 'p50', budget: { metric: 'p50', maxMs: 5 } }).recommendation).toEqual([]);
  });

  it('handles no rows', () => {
    expect(rankLeaderboard([], { objective: 'p50' })).toEqual({ ranked: [], unranked: [], recommendation: [] });
  });
});

describe('meetsBudget', () => {
  it('includes the limit itself and fails a missing figure', () => {
    expect(meetsBudget(row('a', { p99Ms: 20 }), { metric: 'p99', maxMs: 20 })).toBe(true);
    expect(meetsBudget(row('a', { p99Ms: 20.01 }), { metric: 'p99', maxMs: 20 })).toBe(false);
    expect(meetsBudget(row('a', { p95Ms: null }), { metric: 'p95', maxMs: 20 })).toBe(false);
  });
});

describe('parseBudget', () => {
  it.each([
    ['p99<=20', { metric: 'p99', maxMs: 20 }],
    ['p99 ≤ 20 ms', { metric: 'p99', maxMs: 20 }],
    ['p95<=7.5ms', { metric: 'p95', maxMs: 7.5 }],
    ['  P90 <= 0.5 MS ', { metric: 'p90', maxMs: 0.5 }],
    ['p50≤.25', { metric: 'p50', maxMs: 0.25 }],
    ['ttft<=200', { metric: 'ttft', maxMs: 200 }],
    ['itl_p99 ≤ 50 ms', { metric: 'itl_p99', maxMs: 50 }],
  ])('reads %j', (text, budget) => {
    expect(parseBudget(text)).toEqual(budget);
  });

  it.each([
    '',
    'p99',
    'p99 20',
    'p99>=20',
    'p99<20',
    'p99<=',
    'p99<=abc',
    'p99<=20s',
    'p99<=-1',
    'latency<=20',
    'p99<=1e3',
  ])('refuses %j, saying what it expects', (text) => {
    expect(() => parseBudget(text)).toThrow(
      /expected <metric> <= <milliseconds> with metric one of p50, p90, p95, p99, ttft, itl_p99/,
    );
  });

  it('names an unknown percentile and a zero limit', () => {
    expect(() => parseBudget('p999<=5')).toThrow(/unknown metric p999/);
    expect(() => parseBudget('itl_p50<=5')).toThrow(/unknown metric itl_p50/);
    expect(() => parseBudget('p99<=0')).toThrow(/above 0 ms/);
  });

  it('throws a plain Error', () => {
    expect(() => parseBudget('nope')).toThrow(Error);
  });

  it('reads back what formatBudget writes', () => {
    for (const metric of BUDGET_METRICS) {
      const budget = { metric, maxMs: 7.5 };
      expect(parseBudget(formatBudget(budget))).toEqual(budget);
    }
  });
});

describe('formatBudget', () => {
  it('writes the metric, ≤ and milliseconds', () => {
    expect(formatBudget({ metric: 'p99', maxMs: 20 })).toBe('p99 ≤ 20 ms');
    expect(formatBudget({ metric: 'p95', maxMs: 7.5 })).toBe('p95 ≤ 7.5 ms');
  });
});

describe('capacity objectives', () => {
  const rows = [
    row('slow', { hardwareClass: 'a', slo: 'p99<=30', capacityQps: 100 }),
    row('fast', { hardwareClass: 'b', slo: 'p99<=30', capacityQps: 400 }),
    row('other-slo', { hardwareClass: 'b', slo: 'p99<=10', capacityQps: 900 }),
    row('none-passed', { hardwareClass: 'a', slo: 'p99<=30', capacityQps: null }),
    row('no-load', { hardwareClass: 'a' }),
  ];

  it('ranks requests/s at the SLO, highest first, and its cost per million requests, cheapest first', () => {
    const board = rankLeaderboard(rows, { objective: 'capacity', budget: parseBudget('p99<=30') });
    expect(ids(board.ranked)).toEqual(['fast', 'slow']);
    expect(board.ranked.every((r) => r.meetsBudget)).toBe(true);
    expect(Object.fromEntries(board.unranked.map((u) => [u.row.id, u.why]))).toEqual({
      'other-slo': 'capacity measured at p99<=10, not p99<=30',
      'none-passed': 'no capacity figure (no offered rate met p99<=30)',
      'no-load': "no capacity figure (no open-loop search or passing rate at an SLO: the spec's load)",
    });
    // 100 requests/s at 3.6 an hour: 10,000 s for a million requests at 0.001 a second.
    const cost = rankLeaderboard(rows, {
      objective: 'cost_per_million_requests',
      budget: parseBudget('p99<=30'),
      prices: { a: 3.6, b: 36 },
    });
    expect(cost.ranked.map((r) => [r.row.id, r.score])).toEqual([
      ['slow', 10],
      ['fast', 25],
    ]);
  });

  it('ranks across SLOs without a budget, and names a budget that is not an SLO', () => {
    expect(ids(rankLeaderboard(rows, { objective: 'capacity' }).ranked)).toEqual(['other-slo', 'fast', 'slow']);
    const ttft = rankLeaderboard(rows, { objective: 'capacity', budget: parseBudget('ttft<=30') });
    expect(ttft.ranked).toEqual([]);
    expect(ttft.unranked[0]!.why).toBe('a ttft budget is not an SLO');
  });
});
