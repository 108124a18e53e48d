import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { expandMatrix, parseSpec, type RunSummary } from '@ortfleet/core';
import { createApp } from '@ortfleet/dashboard';
import { openDatabase } from '@ortfleet/db';
import { ortfleet } from './support/cli';
import { freshDatabase, OCR_MODELS, tempHome, temporalBinary } from './support/env';

const CLS = join(OCR_MODELS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx');
const specText = (concurrency: string) => `name: closed-loop
models:
  - name: ppocr-cls
    file: ${CLS}
    inputs: { x: { shape: [batch, 3, 48, 192] } }
matrix:
  ep: [cpu]
  batch: [1]
  intraOpThreads: [1]
  concurrency: ${concurrency}
measure: { warmup: 3, minIterations: 50, minDurationMs: 400, maxDurationMs: 5000, profileIterations: 0, cellTimeoutMs: 60000 }
`;

// `ortfleet run` with a closed-loop concurrency axis, as a user runs it: a subprocess with a real embedded
// Temporal dev server, a local agent, real onnxruntime-node sessions on a real PaddleOCR model and PostgreSQL.
describe('ortfleet run with matrix.concurrency, end to end', () => {
  let databaseUrl: string;
  let result: Awaited<ReturnType<typeof ortfleet>>;

  beforeAll(async () => {
    databaseUrl = await freshDatabase();
    const home = tempHome();
    const spec = join(home, 'spec.yaml');
    writeFileSync(spec, specText('[1, 2, 4]'));
    result = await ortfleet(['run', spec, '--json'], {
      DATABASE_URL: databaseUrl,
      ORTFLEET_HOME: home,
      ORTFLEET_TEMPORAL_BIN: temporalBinary(),
    });
  });

  it('measures each concurrency with its requests in flight, the single-stream cell keeping its id', () => {
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as RunSummary;
    const byConcurrency = new Map(summary.cells.map((c) => [c.params.concurrency ?? 1, c]));
    expect([...byConcurrency.keys()].sort()).toEqual([1, 2, 4]);
    const single = byConcurrency.get(1)!;
    const unchanged = expandMatrix(parseSpec(specText('[1]')), single.params.hardwareClass)[0]!;
    expect(single.cellId).toBe(unchanged.id);
    expect(single.measurement!.concurrency).toBeUndefined();
    for (const n of [2, 4]) {
      const cell = byConcurrency.get(n)!;
      expect(cell.status, cell.reason).toBe('ok');
      const c = cell.measurement!.concurrency!;
      expect(c).toMatchObject({ requested: n, mode: 'worker-sessions' });
      expect(c.meanInFlight).toBeGreaterThan(n * 0.9);
      expect(c.meanInFlight).toBeLessThanOrEqual(n + 1e-6);
      expect(cell.measurement!.iterations).toBeGreaterThanOrEqual(50);
      expect(cell.parity?.ok).toBe(true);
      expect(cell.measurement!.interleavedControl?.runs, cell.measurement!.note).toBeGreaterThanOrEqual(50);
    }
  });

  it('stores requests/s and requests in flight, exports them, and shows them on the result page', async () => {
    const summary = JSON.parse(result.stdout) as RunSummary;
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const { rows } = await client.query(
      'select id, concurrency, concurrency_mode, mean_in_flight, requests_per_s, throughput, iterations, duration_ms, interleaved_control, note from results where run_id = $1 order by concurrency',
      [summary.runId],
    );
    await client.end();
    expect(rows.map((r) => [r.concurrency, r.concurrency_mode])).toEqual([
      [1, null],
      [2, 'worker-sessions'],
      [4, 'worker-sessions'],
    ]);
    for (const r of rows.slice(1)) {
      expect(r.requests_per_s).toBeCloseTo(r.iterations / (r.duration_ms / 1000), 6);
      // The control beside the cell, round by round: a request on each of its sessions, then as many control runs.
      expect(r.interleaved_control?.runs, r.note).toBeGreaterThanOrEqual(50);
      expect(r.interleaved_control.ratio).toBeGreaterThan(0);
      expect(r.interleaved_control.width).toBe(r.concurrency);
    }
    const database = await openDatabase({ databaseUrl, home: tempHome() });
    try {
      const app = createApp({ db: database.db });
      const api = (await (await app.request(`/api/v1/results/${rows[2].id}`)).json()) as {
        concurrency: number;
        meanInFlight: number;
        requestsPerS: number;
      };
      expect(api).toMatchObject({
        concurrency: 4,
        meanInFlight: rows[2].mean_in_flight,
        requestsPerS: rows[2].requests_per_s,
      });
      const page = await (await app.request(`/results/${rows[2].id}`)).text();
      expect(page).toContain(
        '4 requests in flight (closed loop, a worker thread with a session of its own per request)',
      );
      expect(page).toMatch(/requests\/s<\/strong> · [\d.]+ requests in flight on average \(of 4\)/);
    } finally {
      await database.close();
    }
  });
});

describe('ortfleet run with matrix.concurrency, bad input', () => {
  const home = tempHome();
  it.each([
    ['zero', '[1, 0]', /matrix\.concurrency\[1\]: .*>=1/],
    ['a huge value', '[100000]', /matrix\.concurrency\[0\]: .*<=64/],
  ])('exits 2 for %s, naming the key, before the run starts', async (_, values, message) => {
    const path = join(home, `spec-${values.length}.yaml`);
    writeFileSync(path, specText(values));
    const res = await ortfleet(['run', path], { ORTFLEET_HOME: home });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(existsSync(join(home, 'temporal.db'))).toBe(false);
  });
});
