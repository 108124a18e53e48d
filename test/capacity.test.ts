import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadFigures, RunSummary } from '@ortfleet/core';
import { createApp } from '@ortfleet/dashboard';
import { openDatabase } from '@ortfleet/db';
import { ortfleet } from './support/cli';
import { freshDatabase, OCR_MODELS, tempHome, temporalBinary } from './support/env';

const CLS = join(OCR_MODELS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx');
const specText = (load: string) => `name: capacity
models:
  - name: ppocr-cls
    file: ${CLS}
    inputs: { x: { shape: [batch, 3, 48, 192] } }
matrix: { ep: [cpu], batch: [1], intraOpThreads: [1] }
measure: { warmup: 3, minIterations: 50, minDurationMs: 1000, maxDurationMs: 5000, profileIterations: 0, cellTimeoutMs: 120000 }
load: ${load}
`;

// `ortfleet run` with a load block as a user runs it (a subprocess with a real embedded Temporal dev server, a
// local agent, real onnxruntime-node sessions on a real PaddleOCR model, PostgreSQL), then `ortfleet plan`.
describe('the open-loop scenario and the capacity plan, end to end', () => {
  let databaseUrl: string;
  let home: string;
  let env: Record<string, string>;
  let summary: RunSummary;
  let load: LoadFigures;

  beforeAll(async () => {
    databaseUrl = await freshDatabase();
    home = tempHome();
    env = { DATABASE_URL: databaseUrl, ORTFLEET_HOME: home, ORTFLEET_TEMPORAL_BIN: temporalBinary() };
    const spec = join(home, 'spec.yaml');
    writeFileSync(spec, specText('{ slo: p99<=50, qps: [50], search: true, durationMs: 2000, seed: 3 }'));
    const result = await ortfleet(['run', spec, '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    summary = JSON.parse(result.stdout) as RunSummary;
    load = summary.cells[0]!.measurement!.load!;
  });

  it('runs the offered rate and the search after the timed loop', () => {
    expect(summary.cells[0]!.status).toBe('ok');
    expect(load).toMatchObject({ slo: { percentile: 99, boundMs: 50 }, servers: 1, seed: 3 });
    const [offered, ...searched] = load.trials;
    expect(offered).toMatchObject({ offeredQps: 50, search: false, requests: 100, unserved: 0, pass: true });
    expect(Math.abs(offered!.achievedQps / 50 - 1)).toBeLessThan(0.03);
    expect(searched.length).toBe(load.peak!.trials);
    expect(searched.every((t) => t.search)).toBe(true);
    // The search starts from the closed loop's requests/s, and its answer is a rate that passed.
    const closedLoop = summary.cells[0]!.measurement!.iterations / (summary.cells[0]!.measurement!.durationMs / 1000);
    expect(searched[0]!.offeredQps).toBeCloseTo(closedLoop, 6);
    expect(load.peak!.qps).toBeGreaterThan(50);
    expect(searched.find((t) => t.offeredQps === load.peak!.qps)!.pass).toBe(true);
  });

  it('stores the SLO and the capacity, ranks by it and exports it', async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const { rows } = await client.query('select id, slo, capacity_qps, load from results where run_id = $1', [
      summary.runId,
    ]);
    const latest = await client.query('select slo, capacity_qps from latest_results');
    await client.end();
    expect(rows[0]).toMatchObject({ slo: 'p99<=50', capacity_qps: load.peak!.qps });
    expect(rows[0].load.trials).toHaveLength(load.trials.length);
    expect(latest.rows).toEqual([{ slo: 'p99<=50', capacity_qps: load.peak!.qps }]);
    const database = await openDatabase({ databaseUrl, home: tempHome() });
    try {
      const app = createApp({ db: database.db });
      const api = await (await app.request(`/api/v1/results/${rows[0].id}`)).json();
      expect(api).toMatchObject({ slo: 'p99<=50', capacityQps: load.peak!.qps, load: { seed: 3, peak: load.peak } });
      const board = (await (
        await app.request('/api/v1/leaderboard?model=ppocr-cls&objective=capacity&budget=p99<=50')
      ).json()) as { ranked: { score: number }[] };
      expect(board.ranked.map((r) => r.score)).toEqual([load.peak!.qps]);
    } finally {
      await database.close();
    }
  });

  it('plans machines and cost for a request rate at the SLO', async () => {
    const hardwareClass = summary.cells[0]!.params.hardwareClass;
    const plan = await ortfleet(
      ['plan', 'ppocr-cls', '--qps', '5000', '--slo', 'p99<=50', '--prices', `${hardwareClass}=0.5`, '--json'],
      env,
    );
    expect(plan.code, plan.stderr).toBe(0);
    const machines = Math.ceil(5000 / (load.peak!.qps! * 0.7));
    expect(JSON.parse(plan.stdout).plans).toEqual([
      expect.objectContaining({
        hardwareClass,
        capacityQps: load.peak!.qps,
        machines,
        costPerHour: machines * 0.5,
        costPerMonth: machines * 0.5 * 730,
      }),
    ]);
    const text = await ortfleet(['plan', 'ppocr-cls', '--qps', '5000', '--slo', 'p99<=20'], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`${hardwareClass}: no capacity measured at p99<=20 (measured at p99<=50)`);
  });

  it('shows the capacity beside the judgement in ortfleet compare', async () => {
    const compared = await ortfleet(['compare', summary.runId, summary.runId], env);
    expect(compared.code, compared.stderr).toBe(0);
    const qps = load.peak!.qps!.toFixed(1);
    expect(compared.stdout).toContain(`capacity at p99<=50: ${qps} req/s → ${qps} req/s (+0.0%)`);
  });

  it('refuses bad input with exit 2 naming it', async () => {
    const cases: [string[], RegExp][] = [
      [['plan', 'ppocr-cls', '--slo', 'p99<=50'], /--qps must be a number of requests per second above 0/],
      [['plan', 'ppocr-cls', '--qps=-3', '--slo', 'p99<=50'], /--qps must be/],
      [['plan', 'ppocr-cls', '--qps', '10', '--slo', 'fast'], /--slo: "fast" is not a percentile bound/],
      [['plan', 'ppocr-cls', '--qps', '10'], /--slo is required/],
      [['plan', 'ppocr-cls', '--qps', '10', '--slo', 'p99<=5', '--headroom', '1'], /--headroom must be a fraction/],
      [['plan', 'ppocr-cls', '--qps', '10', '--slo', 'p99<=5', '--prices', 'x=-1'], /--prices: .*got 'x=-1'/],
      [['plan', 'nope', '--qps', '10', '--slo', 'p99<=5'], /no results of model 'nope'/],
    ];
    for (const [args, message] of cases) {
      const r = await ortfleet(args, env);
      expect([r.code, r.stderr], args.join(' ')).toEqual([2, expect.stringMatching(message)]);
    }
    for (const [load, key] of [
      ['{ search: true }', /load\.slo: a search needs an slo/],
      ['{ slo: p99<=5, qps: [0] }', /load\.qps\[0\]/],
      ['{ slo: p99<30, qps: [5] }', /load\.slo: "p99<30" is not a percentile bound/],
    ] as const) {
      const spec = join(home, 'bad.yaml');
      writeFileSync(spec, specText(load));
      const r = await ortfleet(['run', spec], env);
      expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(key)]);
    }
  });
});
