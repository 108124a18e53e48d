import { afterAll, beforeAll, expect } from 'vitest';
import type { Hono } from 'hono';
import { cellId, LatencyRecorder, type CellParams, type CellResult, type Provenance } from '@ortfleet/core';
import { createRun, finishRun, recordResult, runResultSummaries, upsertAgent, type Database } from '@ortfleet/db';
import type { RunControl } from '@ortfleet/contracts';
import { openTestDatabase } from '../../../../test/support/env';
import { probeFixture } from '../../../../test/support/probe';
import { createApp, createFeatureApp } from '../app';
import type { DashboardDeps, FeatureRouter } from '../deps';

export const EVIL = '<script>alert(1)</script>';
export const base: CellParams = {
  model: 'm',
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
export const gpu: CellParams = { ...base, hardwareClass: 'gpu-a', ep: 'cuda' };

const provenance = (onnxruntimeVersion: string): Provenance => ({
  ortfleetVersion: '0.2.0',
  ortfleetCommit: null,
  onnxruntimeVersion,
  nodeVersion: '20.19.0',
  os: { platform: 'linux', distro: 'Debian', release: '12', kernel: '6.1', arch: 'x64' },
  cpu: { brand: 'EPYC', flags: ['avx2'] },
  gpus: [],
  cudaVersion: null,
});

/**
 * A result whose latencies centre on `p50` ms (±5%); `shift` makes the last two thirds of the loop that much
 * slower.
 */
function measured(params: CellParams, p50: number, extra: Partial<CellResult> = {}, shift = 1): CellResult {
  const recorder = new LatencyRecorder();
  for (let i = 0; i < 120; i++) recorder.record(p50 * (0.95 + (i % 11) / 100) * (i < 40 ? 1 : shift), i * p50);
  return {
    cellId: cellId(params),
    params,
    status: 'ok',
    agentId: `${params.hardwareClass}-agent`,
    measurement: {
      sessionCreateMs: 50,
      firstInferenceMs: 7,
      warmupIterations: 5,
      iterations: 120,
      durationMs: 120 * p50,
      throughput: (params.batch * 1000) / p50,
      ...recorder.finish(),
    },
    provenance: provenance('1.29.0'),
    ...extra,
  };
}

const control: RunControl = {
  async start() {
    throw new Error('not used');
  },
  async live() {
    return {
      total: 10,
      running: [
        {
          cellId: 'cell-now',
          agentId: 'gpu-a-agent',
          phase: 'profiling',
          attempt: 2,
          startedAt: '2026-01-01T00:00:00Z',
        },
      ],
      problems: ['workflow run-1.gpu-a: 3 cell(s) have waited up to 45 s for an agent of the class <gone>'],
    };
  },
};

/** What a test of the pages reaches: the app (one feature's routers, or all) and its database. */
export interface PagesFixture {
  app: Hono;
  database: Database;
  deps: DashboardDeps;
  /** Result ids by a name given here (`run-1:gpu-a/fp16/1`, `run-1:evil`), for links. */
  ids: Record<string, number>;
  /** GETs a page as a browser does and checks its status. */
  page(url: string, status?: number): Promise<string>;
}

/**
 * A fresh database per test file with the page tests' data: agents on cpu-a, gpu-a and an emulated arm64;
 * run-1, finished with failures (a model named like a script, parity failures, an unsupported batch, an
 * unstable GPU result, a profiled one); run-2, running, slower on a new model file and ONNX Runtime.
 * Mounts the given routers, or the whole app.
 */
export function usePagesFixture(...routers: FeatureRouter[]): PagesFixture {
  const ids: Record<string, number> = {};
  const fixture = { ids } as PagesFixture;
  fixture.page = (url, status) => page(fixture.app, url, status);

  beforeAll(async () => {
    const database = await openTestDatabase();
    const { db } = database;
    const deps: DashboardDeps = { db, runs: control };
    Object.assign(fixture, {
      database,
      deps,
      app: routers.length > 0 ? createFeatureApp(deps, ...routers) : createApp(deps),
    });
    await upsertAgent(db, {
      agentId: 'cpu-a-agent',
      hardwareClass: 'cpu-a',
      taskQueue: 'q-a',
      probe: probeFixture('host-a', [
        { name: 'cpu', available: true },
        { name: 'cuda', available: false, error: 'libcudart <missing>' },
      ]),
      labels: { region: '<b>eu</b>', price_per_hour: '1' },
    });
    const arm = probeFixture('host-arm');
    await upsertAgent(db, {
      agentId: 'arm-agent',
      hardwareClass: 'arm64-emulated-amd-epyc-2c',
      taskQueue: 'q-arm',
      probe: {
        ...arm,
        os: { ...arm.os, arch: 'arm64' },
        cpu: { ...arm.cpu, simd: ['neon'] },
        emulated: true,
        emulator: 'qemu-user',
      },
      labels: {},
    });
    await upsertAgent(db, {
      agentId: 'gpu-a-agent',
      hardwareClass: 'gpu-a',
      taskQueue: 'q-g',
      probe: probeFixture('host-g', [
        { name: 'cpu', available: true },
        { name: 'cuda', available: true },
      ]),
      labels: {},
    });

    await createRun(db, { id: 'run-1', name: 'nightly', spec: {} });
    const evil = { ...base, model: EVIL };
    await recordResult(db, 'run-1', {
      cellId: cellId(evil),
      params: evil,
      status: 'failed',
      reason: 'bad <b>thing</b>',
    });
    await recordResult(db, 'run-1', measured(base, 9), 'a'.repeat(64));
    const fp16 = { ...base, precision: 'fp16' };
    await recordResult(
      db,
      'run-1',
      measured(fp16, 1, {
        parity: {
          reference: 'fp32 cpu',
          outputs: [{ name: 'y', maxAbsError: 1, meanRelError: 1, cosine: 0.5, nonFinite: 0 }],
          maxAbsError: 1,
          meanRelError: 1,
          cosine: 0.5,
          nonFinite: 0,
          ok: false,
          reason: "output 'y' cosine 0.5000 < 0.99",
        },
      }),
    );
    const b2 = { ...base, batch: 2 };
    await recordResult(db, 'run-1', {
      cellId: cellId(b2),
      params: b2,
      status: 'unsupported',
      reason: 'the model has no open batch dimension',
    });
    await recordResult(db, 'run-1', measured(gpu, 1, {}, 1.5));
    const profiled = measured({ ...gpu, precision: 'fp16' }, 4, {
      profile: {
        iterations: 10,
        byOpType: [
          { opType: '</script><script>alert(2)</script>', calls: 20, totalUs: 900, timeShare: 0.9 },
          { opType: 'Relu', calls: 10, totalUs: 100, timeShare: 0.1 },
        ],
        topNodes: [{ name: 'conv<1>', opType: 'Conv', provider: 'CUDAExecutionProvider', meanUs: 45 }],
        byProvider: [
          { provider: 'CUDAExecutionProvider', nodes: 2, nodeShare: 0.67, timeShare: 0.9 },
          { provider: 'CPUExecutionProvider', nodes: 1, nodeShare: 0.33, timeShare: 0.1 },
        ],
        fallback: { nodes: 1, nodeShare: 0.33, timeShare: 0.1 },
      },
      modelFacts: {
        irVersion: 8,
        producer: 'pytorch',
        opsets: [{ domain: '', version: 17 }],
        parameters: 1000,
        nodes: 3,
        operators: { Conv: 2, Relu: 1 },
        inputs: [{ name: 'x', type: 'float32', shape: ['N', 3, 32, 32] }],
        outputs: [{ name: 'y', type: 'float32', shape: ['N', 10] }],
      },
      sessionOptions: { executionProviders: ['cuda'], graphOptimizationLevel: 'all' },
    });
    profiled.measurement!.telemetry = {
      processCpuPercent: 101,
      systemCpuPercent: 60,
      peakRssBytes: 2 ** 28,
      energyPerInferenceJ: 0.02,
      powerSources: ['nvidia-smi'],
      gpu: { samples: 12, utilizationPercentMean: 80, utilizationPercentMax: 97, memoryUsedMbMax: 900, powerWMean: 70 },
    };
    await recordResult(db, 'run-1', profiled);
    await finishRun(db, 'run-1', 'completed_with_failures');

    // run-2 is still running; its cpu fp32 cell got slower, on a new model file and a new ONNX Runtime.
    await createRun(db, { id: 'run-2', name: 'nightly', spec: {} });
    await recordResult(db, 'run-2', measured(base, 12, { provenance: provenance('1.30.0') }), 'b'.repeat(64));

    for (const run of ['run-1', 'run-2'])
      for (const r of await runResultSummaries(db, run))
        ids[`${run}:${r.model === EVIL ? 'evil' : `${r.hardwareClass}/${r.precision}/${r.batch}`}`] = r.id;
  });

  afterAll(async () => {
    await fixture.database?.close();
  });

  return fixture;
}

/** GETs a page as a browser does and checks its status (and type, when 200). */
export async function page(app: Hono, url: string, status = 200): Promise<string> {
  const res = await app.request(url, { headers: { accept: 'text/html' } });
  const body = await res.text();
  expect(res.status, body).toBe(status);
  if (status === 200) expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  return body;
}

/** The part of a page after a heading and before the next h2. */
export function section(body: string, heading: string): string {
  const start = body.indexOf(`<h2>${heading}`);
  expect(start, `section ${heading}`).toBeGreaterThan(0);
  const end = body.indexOf('<h2>', start + 4);
  return body.slice(start, end < 0 ? undefined : end);
}

/** Chart.js configurations embedded in a page, parsed back. */
export function charts(body: string): Record<
  string,
  {
    type: string;
    data: { labels?: string[]; datasets: { label: string; fill?: unknown }[] };
    options: { plugins: { title: { text: string } }; scales: Record<'x' | 'y', { title: { text: string } }> };
  }
> {
  const found: Record<string, never> = {};
  for (const m of body.matchAll(/<script type="application\/json" id="([^"]+)">([\s\S]*?)<\/script>/g))
    found[m[1]!] = JSON.parse(m[2]!) as never;
  return found;
}
