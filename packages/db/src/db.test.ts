import { afterAll, describe, expect, it } from 'vitest';
import {
  cellId,
  LatencyRecorder,
  type CellParams,
  type CellResult,
  type Parity,
  type SeriesPoint,
} from '@ortfleet/core';
import { freshDatabase, hasPostgres, openTestDatabase, tempHome } from '../../../test/support/env';
import { openDatabase, type Database } from './client';
import { createRun, getRun } from './runs/queries';
import { controlNightsByRun, listControlNights, recordControls } from './controls/queries';
import { listRunResults, recordResult } from './results/queries';

const params: CellParams = {
  model: 'm',
  hardwareClass: 'h',
  ep: 'cpu',
  precision: 'fp16',
  batch: 4,
  graphOptimization: 'all',
  intraOpThreads: 2,
  interOpThreads: 2,
  executionMode: 'parallel',
  memoryPattern: false,
  cpuArena: false,
  freeDimensions: { seq: 128 },
  sessionConfig: { 'session.intra_op.allow_spinning': '0' },
};
const recorder = new LatencyRecorder();
[10, 11, 12, 13, 30].forEach((ms, i) => recorder.record(ms, i * 15));
const parity: Parity = {
  reference: 'fp32 cpu',
  outputs: [],
  maxAbsError: 0.01,
  meanRelError: 0.001,
  cosine: 0.9999,
  nonFinite: 0,
  ok: true,
};
const result: CellResult = {
  cellId: cellId(params),
  params,
  status: 'ok',
  agentId: 'a1',
  parity,
  measurement: {
    sessionCreateMs: 50,
    firstInferenceMs: 20,
    warmupIterations: 2,
    iterations: 5,
    durationMs: 76,
    throughput: (4 * 5) / 0.076,
    ...recorder.finish(),
    telemetry: {
      processCpuPercent: 180,
      systemCpuPercent: 95,
      peakRssBytes: 2 ** 27,
      cpuEnergyJ: 3,
      energyPerInferenceJ: 0.15,
      powerSources: ['rapl'],
    },
    achievedGflops: 12.5,
  },
};

/** A series point of a run, as judging builds it, without a control yet. */
function seriesPointOf(runId: string): SeriesPoint {
  return {
    resultId: 1,
    runId,
    recordedAt: '2026-01-01T00:00:00Z',
    p50Ms: 12,
    samplesMs: [12],
    valid: true,
    unstable: false,
    provenance: null,
    hardwareClass: 'h',
    modelSha256: null,
  };
}

const opened: Database[] = [];
afterAll(async () => {
  for (const d of opened) await d.close();
});

// The same migrations and queries against real PostgreSQL and embedded PGlite.
// The fast lane has no PostgreSQL server; there PGlite alone is tested, on copies of the template its setup
// migrated from empty (test/support/fast-lane-setup.ts), since a fresh PGlite takes seconds to initialise.
const engines: [string, () => Promise<Database>][] = [
  ['PostgreSQL', async () => openDatabase({ databaseUrl: await freshDatabase(), home: tempHome() })],
  ['PGlite', async () => (hasPostgres() ? openDatabase({ home: tempHome() }) : openTestDatabase())],
];
describe.each(hasPostgres() ? engines : engines.slice(1))('database on %s', (_, open) => {
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
    expect(rows[0]).toMatchObject({
      cellId: result.cellId,
      status: 'ok',
      batch: 4,
      modelSha256: 'abc',
      p50Ms: 12,
      iterations: 5,
      agentId: 'a1',
    });
    expect(rows[0]!.histogram?.counts).toEqual(result.measurement!.histogram.counts);
    expect(rows[0]).toMatchObject({
      interOpThreads: 2,
      executionMode: 'parallel',
      memoryPattern: false,
      cpuArena: false,
      freeDimensions: { seq: 128 },
      sessionConfig: { 'session.intra_op.allow_spinning': '0' },
      valid: true,
      unstable: false,
      achievedGflops: 12.5,
      energyPerInferenceJ: 0.15,
      parity,
      samplesMs: [10, 11, 12, 13, 30],
      telemetry: result.measurement!.telemetry,
    });
  });

  it('records a result that failed parity as not valid for ranking', async () => {
    const database = await open();
    opened.push(database);
    await createRun(database.db, { id: 'r3', name: 'n', spec: {} });
    await recordResult(database.db, 'r3', {
      ...result,
      parity: { ...parity, nonFinite: 3, ok: false, reason: "output 'y' has 3 NaN/Inf values" },
    });
    expect(await listRunResults(database.db, 'r3')).toEqual([
      expect.objectContaining({ status: 'ok', valid: false, parity: expect.objectContaining({ ok: false }) }),
    ]);
  });

  it('reads only the newest control nights per agent, or the nights of the runs asked for', async () => {
    const database = await open();
    opened.push(database);
    const { db } = database;
    // Ten nights on agent a1 and two on a2, each night's three controls a minute apart, one night a day.
    const night = (day: number, agentId: string, p50Ms: number): { result: CellResult } => ({
      result: {
        ...result,
        agentId,
        controls: (['start', 'middle', 'end'] as const).map((position, i) => ({
          position,
          p50Ms: p50Ms + i * 0.1,
          samplesMs: [p50Ms],
          iterations: 1,
          modelSha256: 'c0',
          recordedAt: new Date(Date.UTC(2026, 0, day, 2, i)).toISOString(),
        })),
      },
    });
    for (let day = 1; day <= 10; day++) {
      await createRun(db, { id: `n${day}`, name: 'n', spec: {} });
      await recordControls(db, `n${day}`, [night(day, 'a1', 10 + day)]);
      if (day > 8) await recordControls(db, `n${day}`, [night(day, 'a2', 20 + day)]);
    }
    const newest = await listControlNights(db, { newestPerAgent: 3 });
    expect(newest.map((n) => `${n.runId}/${n.agentId}`).sort()).toEqual([
      'n10/a1',
      'n10/a2',
      'n8/a1',
      'n9/a1',
      'n9/a2',
    ]);
    // Every one of a night's three controls is read, not only those of the newest rows.
    expect(newest.find((n) => n.runId === 'n10' && n.agentId === 'a1')?.p50Ms).toBeCloseTo(20.1, 9);
    expect((await listControlNights(db, { agentIds: ['a2'], newestPerAgent: 1 })).map((n) => n.runId)).toEqual(['n10']);

    const byRun = controlNightsByRun(db, ['a1']);
    await byRun.load(['n2', 'n4', 'n2', 'n9']);
    expect(byRun.withControl(seriesPointOf('n2'), 'a1')?.control?.p50Ms).toBeCloseTo(12.1, 9);
    expect(byRun.withControl(seriesPointOf('n9'), 'a1')?.control?.p50Ms).toBeCloseTo(19.1, 9);
    // A run not loaded has no control; nor has an agent not asked for, in a run that was loaded.
    expect(byRun.withControl(seriesPointOf('n3'), 'a1')?.control).toBeUndefined();
    expect(byRun.withControl(seriesPointOf('n9'), 'a2')?.control).toBeUndefined();
  });

  it('keeps a failed cell with its reason and no figures', async () => {
    const database = await open();
    opened.push(database);
    await createRun(database.db, { id: 'r2', name: 'n', spec: {} });
    await recordResult(database.db, 'r2', { cellId: 'c', params, status: 'failed', reason: 'boom' });
    expect(await listRunResults(database.db, 'r2')).toEqual([
      expect.objectContaining({ status: 'failed', reason: 'boom', p50Ms: null, valid: false }),
    ]);
  });
});

describe.skipIf(!hasPostgres())('migrations on PostgreSQL', () => {
  it('lets several processes open an empty database at once', async () => {
    const url = await freshDatabase();
    const all = await Promise.all([1, 2, 3, 4].map(() => openDatabase({ databaseUrl: url, home: tempHome() })));
    opened.push(...all);
    expect(await getRun(all[3]!.db, 'none')).toBeUndefined();
  });
});
