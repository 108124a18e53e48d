import { describe, expect, it } from 'vitest';
import { useApiFixture } from '../testing/api-fixture';
import { leaderboardApi } from './api';

const fx = useApiFixture(leaderboardApi);

describe('leaderboard API', () => {
  it('ranks the newest result of each configuration and recommends per class under a budget', async () => {
    const { body } = await fx.get('/api/v1/leaderboard?model=det&objective=p50&budget=p99<=12&batch=1,2');
    expect(body.ranked).toHaveLength(8);
    // run-2's cpu-b is 20% slower than in run-1 and still the fastest (9.6 ms × batch / threads against 10).
    expect(body.ranked[0].result).toMatchObject({
      hardwareClass: 'cpu-b',
      batch: 1,
      intraOpThreads: 2,
      runId: 'run-2',
    });
    expect(body.ranked.every((r: { result: { runId: string } }) => r.result.runId === 'run-2')).toBe(true);
    expect(
      body.recommendation.map((r: { result: { hardwareClass: string } }) => r.result.hardwareClass).sort(),
    ).toEqual(['cpu-a', 'cpu-b']);
    expect(body.recommendation.every((r: { meetsBudget: boolean }) => r.meetsBudget)).toBe(true);
  });

  it('returns the best `limit` configurations in full, with counts of all', async () => {
    const { body } = await fx.get('/api/v1/leaderboard?model=det&limit=3');
    expect(body).toMatchObject({
      configurations: 14,
      rankedTotal: 12,
      unrankedTotal: 2,
      unrankedByReason: { failed: 1, 'failed parity': 1 },
    });
    expect(body.ranked.map((r: { rank: number }) => r.rank)).toEqual([1, 2, 3]);
    expect(body.ranked[0].result).toHaveProperty('cellId');
  });

  it('keeps a result that failed parity out of the ranking, with why', async () => {
    const { body } = await fx.get('/api/v1/leaderboard?model=det&precision=int8,fp16');
    expect(body.ranked).toEqual([]);
    expect(body.unranked.map((u: { why: string }) => u.why).sort()).toEqual(['failed', 'failed parity']);
  });

  it('prices cost per million inferences from agent labels, overridable in the query', async () => {
    const labelled = await fx.get('/api/v1/leaderboard?model=det&objective=cost_per_million&batch=1');
    const best = labelled.body.ranked[0];
    expect(best.result.hardwareClass).toBe('cpu-b');
    expect(best.score).toBeCloseTo((1e6 / best.result.throughput) * (1 / 3600), 6);
    const overridden = await fx.get(
      '/api/v1/leaderboard?model=det&objective=cost_per_million&batch=1&prices=cpu-b:100',
    );
    expect(overridden.body.ranked[0].result.hardwareClass).toBe('cpu-a');
  });
});
