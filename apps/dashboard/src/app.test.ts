import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellId, LatencyRecorder, type CellParams } from '@ortfleet/core';
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
  const recorder = new LatencyRecorder();
  for (let i = 0; i < 40; i++) recorder.record(1 + (i % 3) / 10, i);
  const measurement = { sessionCreateMs: 1, firstInferenceMs: 1, warmupIterations: 0, iterations: 40, durationMs: 45, throughput: 888, ...recorder.finish() };
  const fp16 = { ...params, model: 'm', precision: 'fp16' };
  const parity = { reference: 'fp32 cpu', outputs: [], maxAbsError: 1, meanRelError: 1, cosine: 0.5, nonFinite: 0 };
  await recordResult(database.db, 'run-1', { cellId: cellId(fp16), params: fp16, status: 'ok', measurement, parity: { ...parity, ok: false, reason: "output 'y' cosine 0.5000 < 0.99" } });
  await recordResult(database.db, 'run-1', { cellId: cellId({ ...fp16, precision: 'fp32' }), params: { ...fp16, precision: 'fp32' }, status: 'ok', measurement: { ...measurement, stats: { ...measurement.stats, p50Ms: 9 } } });
});

afterAll(async () => {
  await database.close();
});

describe('dashboard app on PostgreSQL', () => {
  it('lists runs and their results as JSON', async () => {
    const runs = (await (await app.request('/api/v1/runs')).json()) as { items: unknown[] };
    expect(runs.items).toEqual([expect.objectContaining({ id: 'run-1', status: 'running' })]);
    const results = (await (await app.request('/api/v1/runs/run-1/results')).json()) as { items: unknown[] };
    expect(results.items).toHaveLength(3);
    expect(results.items[0]).toEqual(expect.objectContaining({ status: 'failed', reason: 'bad <b>thing</b>', valid: false }));
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

  it('lists a result that failed parity below the valid ones, flagged, even when it is faster', async () => {
    const page = await (await app.request('/runs/run-1')).text();
    const valid = page.indexOf('<td>fp32</td><td>1</td>', page.indexOf('<td>m</td>'));
    const flagged = page.indexOf("parity failed: output &#39;y&#39; cosine 0.5000 &lt; 0.99");
    expect(valid).toBeGreaterThan(0);
    expect(flagged).toBeGreaterThan(valid);
  });
});
