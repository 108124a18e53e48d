import { describe, expect, it } from 'vitest';
import { cellId } from '@ortfleet/core';
import { base, useApiFixture } from '../testing/api-fixture';
import { historyApi } from './api';

const fx = useApiFixture(historyApi);

describe('history API', () => {
  it('returns a configuration history oldest first', async () => {
    const id = cellId({ ...base, hardwareClass: 'cpu-b' });
    const { body } = await fx.get(`/api/v1/history?cell=${id}`);
    expect(body.points.map((p: { runId: string }) => p.runId)).toEqual(['run-1', 'run-2']);
    expect(body.points[1].p50Ms / body.points[0].p50Ms).toBeCloseTo(1.2, 1);
  });
});
