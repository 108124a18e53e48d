import { describe, expect, it } from 'vitest';
import { useApiFixture } from '../testing/api-fixture';
import { runsApi } from './api';

const fx = useApiFixture(runsApi);

describe('runs API', () => {
  it('reports run progress from the database and Temporal', async () => {
    const progress = await fx.get('/api/v1/runs/run-3/progress');
    expect(progress.body).toMatchObject({
      status: 'running',
      recorded: 2,
      total: 10,
      byStatus: { ok: 1, failed: 1 },
      running: [{ cellId: 'c1', agentId: 'cpu-a-agent' }],
      problems: ['no worker'],
    });
  });
});

describe('starting a run', () => {
  const spec = { name: 'x', models: [{ name: 'm', file: 'm.onnx' }] };

  it('refuses to start a run without a live fx.token, and starts one with it', async () => {
    const post = (headers: Record<string, string>, body: unknown = { spec }) =>
      fx.app.request('/api/v1/runs', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    expect((await post({})).status).toBe(401);
    expect((await post({ authorization: 'Bearer ortf_wrong' })).status).toBe(401);
    const ok = await post({ authorization: `Bearer ${fx.token}` });
    expect(ok.status).toBe(202);
    expect(await ok.json()).toMatchObject({ runId: 'api-run-1', links: { page: '/runs/api-run-1' } });
    expect(fx.started).toEqual([spec]);
    const bad = await post({ authorization: `Bearer ${fx.token}` }, { spec: 'not an object' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ message: expect.stringMatching(/parameter 'spec'/) });
  });
});
