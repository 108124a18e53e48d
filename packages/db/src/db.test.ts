import { afterAll, describe, expect, it } from 'vitest';
import { cellId, summarize, histogramOf, type CellParams, type CellResult } from '@ortfleet/core';
import { freshDatabase, tempHome } from '../../../test/support/env';
import { openDatabase, type Database } from './client';
import { createRun, getRun } from './runs/queries';
import { listRunResults, recordResult } from './results/queries';

const params: CellParams = { model: 'm', hardwareClass: 'h', ep: 'cpu', precision: 'fp32', batch: 4, graphOptimization: 'all', intraOpThreads: 2 };
const samples = [10, 11, 12, 13, 30];
const result: CellResult = {
  cellId: cellId(params),
  params,
  status: 'ok',
  agentId: 'a1',
  measurement: { sessionCreateMs: 50, firstInferenceMs: 20, warmupIterations: 2, iterations: 5, durationMs: 76, throughput: (4 * 5) / 0.076, stats: summarize(samples), histogram: histogramOf(samples) },
};

const opened: Database[] = [];
afterAll(async () => {
  for (const d of opened) await d.close();
});

// The same migrations and queries against real PostgreSQL and embedded PGlite.
describe.each([
  ['PostgreSQL', async () => openDatabase({ databaseUrl: await freshDatabase(), home: tempHome() })],
  ['PGlite', async () => openDatabase({ home: tempHome() })],
])('database on %s', (_, open) => {
  it('applies the migrations and records a result once, however often it is written', async () => {
    const database = await open();
    opened.push(database);
    const { db } = database;
    await createRun(db, { id: 'r1', name: 'n', spec: { name: 'n' } });
    await createRun(db, { id: 'r1', name: 'changed', spec: {} });
    expect((await getRun(db, 'r1'))?.name).toBe('n');

    expect(await recordResult(db, 'r1', result, 'abc')).toBe(true);
    expect(await recordResult(db, 'r1', result, 'abc')).toBe(false);
    const rows = await listRunResults(db, 'r1');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ cellId: result.cellId, status: 'ok', batch: 4, modelSha256: 'abc', p50Ms: 12, iterations: 5, agentId: 'a1' });
    expect(rows[0]!.histogram?.counts).toEqual(result.measurement!.histogram.counts);
  });

  it('keeps a failed cell with its reason and no figures', async () => {
    const database = await open();
    opened.push(database);
    await createRun(database.db, { id: 'r2', name: 'n', spec: {} });
    await recordResult(database.db, 'r2', { cellId: 'c', params, status: 'failed', reason: 'boom' });
    expect(await listRunResults(database.db, 'r2')).toEqual([expect.objectContaining({ status: 'failed', reason: 'boom', p50Ms: null })]);
  });
});
