import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellId, type CellParams } from '@ortfleet/core';
import { createRun, openDatabase, recordResult, type Database } from '@ortfleet/db';
import { freshDatabase, tempHome } from '../../../test/support/env';
import { createApp } from './app';

let database: Database;
let app: ReturnType<typeof createApp>;
const params: CellParams = { model: '<script>alert(1)</script>', hardwareClass: 'h', ep: 'cpu', precision: 'fp32', batch: 1, graphOptimization: 'all', intraOpThreads: 1, interOpThreads: 0, executionMode: 'sequential', memoryPattern: true, cpuArena: true };

beforeAll(async () => {
  database = await openDatabase({ databaseUrl: await freshDatabase(), home: tempHome() });
  app = createApp(database.db);
  await createRun(database.db, { id: 'run-1', name: 'n', spec: {} });
  await recordResult(database.db, 'run-1', { cellId: cellId(params), params, status: 'failed', reason: 'bad <b>thing</b>' });
});

afterAll(async () => {
  await database.close();
});

describe('dashboard app on PostgreSQL', () => {
  it('lists runs and their results as JSON', async () => {
    const runs = (await (await app.request('/api/v1/runs')).json()) as { items: unknown[] };
    expect(runs.items).toEqual([expect.objectContaining({ id: 'run-1', status: 'running' })]);
    const results = (await (await app.request('/api/v1/runs/run-1/results')).json()) as { items: unknown[] };
    expect(results.items).toEqual([expect.objectContaining({ status: 'failed', reason: 'bad <b>thing</b>' })]);
  });

  it('answers bad and unknown ids with {code, message} and a 4xx', async () => {
    const bad = await app.request("/api/v1/runs/x'%20or%201=1--");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ code: 'bad_parameter', message: expect.stringMatching(/parameter 'id'/) });
    const missing = await app.request('/api/v1/runs/nope/results');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'not_found' });
  });

  it('escapes user text in HTML', async () => {
    const page = await (await app.request('/runs/run-1')).text();
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain('bad &lt;b&gt;thing&lt;/b&gt;');
  });
});
