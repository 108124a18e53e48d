import { afterAll, beforeAll } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { cellId, LatencyRecorder, type CellParams, type CellResult } from '@ortfleet/core';
import { createApiToken, createRun, recordResult, upsertAgent, type Database } from '@ortfleet/db';
import type { RunControl } from '@ortfleet/contracts';
import { openTestDatabase, tempHome } from '../../../../test/support/env';
import { probeFixture } from '../../../../test/support/probe';
import { createApp, createFeatureApp } from '../app';
import type { DashboardDeps, FeatureRouter } from '../deps';

/** The configuration every API test result varies from. */
export const base: CellParams = {
  model: 'det',
  hardwareClass: 'cpu-a',
  ep: 'cpu',
  precision: 'fp32',
  batch: 1,
  graphOptimization: 'all',
  intraOpThreads: 1,
  interOpThreads: 0,
  executionMode: 'sequential',
  memoryPattern: true,
  cpuArena: true,
};

/** A result whose latencies centre on `p50` ms (±5%). */
export function measured(params: CellParams, p50: number, extra: Partial<CellResult> = {}): CellResult {
  const recorder = new LatencyRecorder();
  for (let i = 0; i < 200; i++) recorder.record(p50 * (0.95 + (i % 11) / 100), i * p50);
  const stats = recorder.finish();
  return {
    cellId: cellId(params),
    params,
    status: 'ok',
    agentId: `${params.hardwareClass}-agent`,
    measurement: {
      sessionCreateMs: 5,
      firstInferenceMs: 2,
      warmupIterations: 5,
      iterations: 200,
      durationMs: 200 * p50,
      throughput: (params.batch * 1000) / p50,
      ...stats,
    },
    ...extra,
  };
}

/** What a test of the API reaches: the app (one feature's routers, or all), its database and a live token. */
export interface ApiFixture {
  app: OpenAPIHono;
  database: Database;
  deps: DashboardDeps;
  token: string;
  /** The specs the fake Temporal was asked to start. */
  started: unknown[];
  /** GET as JSON. */
  get(url: string, headers?: Record<string, string>): Promise<{ status: number; body: Json }>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
type Json = any;

/**
 * A fresh database per test file with the API tests' data: two agents (cpu-a, cpu-b) priced by label; two
 * nightly runs of 2 classes × 3 batches × 2 threads = 12 cells each, run-2 20% slower on cpu-b; and run-3,
 * still running, with a failed cell and one that failed parity. Mounts the given routers, or the whole app.
 */
export function useApiFixture(...routers: FeatureRouter[]): ApiFixture {
  const started: unknown[] = [];
  const control: RunControl = {
    async start(spec, runId) {
      started.push(spec);
      return { runId: runId ?? 'api-run-1' };
    },
    async live() {
      const running = [{ cellId: 'c1', agentId: 'cpu-a-agent', phase: 'measuring', attempt: 1, startedAt: null }];
      return { total: 10, running, problems: ['no worker'] };
    },
  };
  const fixture = { started } as ApiFixture;
  fixture.get = async (url, headers = {}) => {
    const res = await fixture.app.request(url, { headers });
    return { status: res.status, body: (await res.json()) as Json };
  };

  beforeAll(async () => {
    const database = await openTestDatabase();
    const { db } = database;
    const deps: DashboardDeps = { db, runs: control, modelDir: tempHome() };
    Object.assign(fixture, {
      database,
      deps,
      app: routers.length > 0 ? createFeatureApp(deps, ...routers) : createApp(deps),
      token: (await createApiToken(db, 'ci')).token,
    });
    const agent = (id: string, hardwareClass: string, taskQueue: string, probe: string, price: string) =>
      upsertAgent(db, {
        agentId: id,
        hardwareClass,
        taskQueue,
        probe: probeFixture(probe),
        labels: { price_per_hour: price },
      });
    await agent('cpu-a-agent', 'cpu-a', 'q-a', 'a', '2');
    await agent('cpu-b-agent', 'cpu-b', 'q-b', 'b', '1');
    // Two runs of the same 2 classes × 3 batches × 2 threads = 12 cells each; run-2 is 20% slower on cpu-b.
    for (const [run, slowB] of [
      ['run-1', 1],
      ['run-2', 1.2],
    ] as const) {
      await createRun(db, { id: run, name: 'nightly', spec: {} });
      for (const hardwareClass of ['cpu-a', 'cpu-b'])
        for (const batch of [1, 2, 4])
          for (const threads of [1, 2]) {
            const params = { ...base, hardwareClass, batch, intraOpThreads: threads };
            const p50 = ((hardwareClass === 'cpu-a' ? 10 : 8 * slowB) * batch) / threads;
            await recordResult(db, run, measured(params, p50));
          }
    }
    await createRun(db, { id: 'run-3', name: 'odd', spec: {} });
    const fp16 = { ...base, precision: 'fp16' };
    await recordResult(db, 'run-3', { cellId: cellId(fp16), params: fp16, status: 'failed', reason: '=cmd("x"), bad' });
    const wrong = { ...base, precision: 'int8' };
    const parity = {
      reference: 'fp32 cpu',
      outputs: [],
      maxAbsError: 1,
      meanRelError: 1,
      cosine: 0.2,
      nonFinite: 0,
      ok: false,
      reason: 'cosine 0.2 < 0.99',
    };
    await recordResult(db, 'run-3', measured(wrong, 1, { parity }));
  });

  afterAll(async () => {
    await fixture.database?.close();
  });

  return fixture;
}
