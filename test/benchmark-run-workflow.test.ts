import { agentSettings } from '@ortfleet/agent';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORCHESTRATOR_QUEUE, silentLogger, validateSpec, type RunSummary } from '@ortfleet/core';
import { listRunCells, listRunResults, getRun } from '@ortfleet/db';
import { freshDatabase, tempHome, temporalBinary } from './support/env';
import { writeTestModels } from './support/models';
import { startStack, type Stack } from '@ortfleet/cli';
import { readRunProgress } from '../apps/orchestrator/src/run-progress';
import { benchmarkRun } from '../apps/orchestrator/src/workflows';

// A real Temporal dev server, a real PostgreSQL, a real agent running real onnxruntime-node sessions.
let stack: Stack;
let summary: RunSummary;
const runId = `it-${Date.now()}`;

beforeAll(async () => {
  const home = tempHome();
  stack = await startStack(
    {
      DATABASE_URL: await freshDatabase(),
      TEMPORAL_NAMESPACE: 'default',
      ORTFLEET_HOME: home,
      ORTFLEET_TEMPORAL_BIN: temporalBinary(),
      ORTFLEET_CELL_MEMORY_MB: 512,
    },
    { worker: true, agent: agentSettings({ id: 'it-agent' }, {}, home) },
    silentLogger,
  );
  const models = writeTestModels(home);
  const spec = validateSpec({
    name: 'integration',
    models: [
      { name: 'add', file: models.add },
      {
        name: 'stateful',
        file: models.stateful,
        inputs: { ids: { shape: ['batch', 8], range: [0, 5] }, state: { shape: ['batch', 8] } },
      },
      { name: 'hog', file: models.memoryHog },
      { name: 'missing', file: models.missing },
      { name: 'not-onnx', file: models.notOnnx },
    ],
    matrix: { ep: ['cpu', 'webgpu'], batch: [1, 256], intraOpThreads: [1] },
    measure: { warmup: 1, minIterations: 10, minDurationMs: 50, maxDurationMs: 2000, cellTimeoutMs: 60_000 },
    targets: ['any', 'nvidia-h100-80gb'],
  });
  const files = Object.fromEntries(spec.models.map((m) => [m.name, { fp32: { path: m.file! } }]));
  const totals = await stack.temporal.client.workflow.execute(benchmarkRun, {
    taskQueue: ORCHESTRATOR_QUEUE,
    workflowId: runId,
    args: [{ runId, spec, models: files }],
  });
  summary = { ...totals, cells: await listRunCells(stack.database!.db, runId) };
});

afterAll(async () => {
  await stack?.close();
});

const statusOf = (model: string, ep: string, batch: number, hardwareClass?: string) =>
  summary.cells.find(
    (c) =>
      c.params.model === model &&
      c.params.ep === ep &&
      c.params.batch === batch &&
      (hardwareClass ? c.params.hardwareClass === hardwareClass : c.params.hardwareClass !== 'nvidia-h100-80gb'),
  )?.status;

describe('benchmarkRun', () => {
  it('ends every cell in exactly one status, with exactly one row in Postgres', async () => {
    expect(summary.cells).toHaveLength(5 * 2 * 2 * 2);
    const rows = await listRunResults(stack.database!.db, runId);
    expect(rows).toHaveLength(summary.cells.length);
    expect(new Set(rows.map((r) => r.cellId)).size).toBe(rows.length);
    for (const cell of summary.cells) expect(rows.find((r) => r.cellId === cell.cellId)?.status).toBe(cell.status);
    const run = await getRun(stack.database!.db, runId);
    expect(run).toMatchObject({ status: 'completed_with_failures', finishedAt: expect.any(Date) });
  });

  it('runs what the agent can, and records what it cannot with the reason', () => {
    expect(statusOf('add', 'cpu', 1)).toBe('ok');
    expect(statusOf('add', 'cpu', 256)).toBe('ok');
    expect(statusOf('stateful', 'cpu', 256)).toBe('ok');
    expect(statusOf('hog', 'cpu', 1)).toBe('ok');
    // 256 × 16 MiB of output cannot fit the 512 MiB cell limit: the child dies, the agent goes on
    expect(statusOf('hog', 'cpu', 256)).toBe('crashed');
    expect(statusOf('missing', 'cpu', 1)).toBe('failed');
    expect(statusOf('not-onnx', 'cpu', 1)).toBe('failed');
    expect(statusOf('add', 'webgpu', 1)).toBe('unsupported');
    expect(statusOf('add', 'cpu', 1, 'nvidia-h100-80gb')).toBe('unschedulable');
    const webgpu = summary.cells.find((c) => c.params.ep === 'webgpu' && c.status === 'unsupported')!;
    expect(webgpu.reason).toMatch(/EP 'webgpu' is not available on .*; fleet has: cpu/);
    expect(summary.fleetEps).toEqual(['cpu']);
    const hog = summary.cells.find(
      (c) =>
        c.params.model === 'hog' &&
        c.params.batch === 256 &&
        c.params.ep === 'cpu' &&
        c.params.hardwareClass !== 'nvidia-h100-80gb',
    )!;
    expect(hog.reason).toMatch(/^crashed on attempt 3 of 3; last: out of memory/);
    const missing = summary.cells.find((c) => c.params.model === 'missing' && c.status === 'failed')!;
    expect(missing.reason).toMatch(/File doesn't exist/);
  });

  it('stores sane statistics for ok cells', async () => {
    const rows = (await listRunResults(stack.database!.db, runId)).filter((r) => r.status === 'ok');
    expect(rows.length).toBe(5);
    for (const r of rows) {
      expect(r.p50Ms!).toBeLessThanOrEqual(r.p99Ms!);
      expect(r.minMs!).toBeLessThanOrEqual(r.p50Ms!);
      expect(r.iterations!).toBeGreaterThanOrEqual(10);
      expect(r.throughput!).toBeCloseTo((r.batch * r.iterations!) / (r.durationMs! / 1000), 6);
      expect(r.agentId).toBe('it-agent');
      expect(r.sessionOptions).toMatchObject({ executionProviders: ['cpu'], intraOpNumThreads: 1 });
    }
  });

  it('returns counts, not cells, and answers the progress queries with the final counts', async () => {
    expect(summary).toMatchObject({
      total: 40,
      byStatus: { ok: 5, crashed: 1, failed: 4, unsupported: 10, unschedulable: 20 },
    });
    const progress = (await readRunProgress(stack.temporal.client, runId))!;
    expect(progress).toMatchObject({
      total: 40,
      done: 40,
      running: 0,
      finished: true,
      shards: [expect.stringMatching(new RegExp(`^${runId}\\.`))],
    });
    expect(progress.byStatus).toEqual({ ok: 5, crashed: 1, failed: 4, unsupported: 10, unschedulable: 20 });
  });
});
