import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellId, LatencyRecorder, type CellParams, type CellResult } from '@ortfleet/core';
import { createApiToken, createRun, openDatabase, recordJudgement, recordResult, revokeApiToken, upsertAgent, type Database } from '@ortfleet/db';
import { freshDatabase, tempHome } from '../../../test/support/env';
import { probeFixture } from '../../../test/support/probe';
import { createApp } from './app';
import type { RunControl } from '@ortfleet/contracts';

let database: Database;
let app: ReturnType<typeof createApp>;
let token: string;
const started: unknown[] = [];

const base: CellParams = { model: 'det', hardwareClass: 'cpu-a', ep: 'cpu', precision: 'fp32', batch: 1, graphOptimization: 'all', intraOpThreads: 1, interOpThreads: 0, executionMode: 'sequential', memoryPattern: true, cpuArena: true };

/** A result whose latencies centre on `p50` ms (±5%). */
function measured(params: CellParams, p50: number, extra: Partial<CellResult> = {}): CellResult {
  const recorder = new LatencyRecorder();
  for (let i = 0; i < 200; i++) recorder.record(p50 * (0.95 + (i % 11) / 100), i * p50);
  const stats = recorder.finish();
  return {
    cellId: cellId(params),
    params,
    status: 'ok',
    agentId: `${params.hardwareClass}-agent`,
    measurement: { sessionCreateMs: 5, firstInferenceMs: 2, warmupIterations: 5, iterations: 200, durationMs: 200 * p50, throughput: (params.batch * 1000) / p50, ...stats },
    ...extra,
  };
}

const control: RunControl = {
  async start(spec, runId) {
    started.push(spec);
    return { runId: runId ?? 'api-run-1' };
  },
  async live() {
    return { total: 10, running: [{ cellId: 'c1', agentId: 'cpu-a-agent', phase: 'measuring', attempt: 1, startedAt: null }], problems: ['no worker'] };
  },
};

beforeAll(async () => {
  database = await openDatabase({ databaseUrl: await freshDatabase(), home: tempHome() });
  const { db } = database;
  app = createApp({ db, runs: control, modelDir: tempHome() });
  token = (await createApiToken(db, 'ci')).token;
  await upsertAgent(db, { agentId: 'cpu-a-agent', hardwareClass: 'cpu-a', taskQueue: 'q-a', probe: probeFixture('a'), labels: { price_per_hour: '2' } });
  await upsertAgent(db, { agentId: 'cpu-b-agent', hardwareClass: 'cpu-b', taskQueue: 'q-b', probe: probeFixture('b'), labels: { price_per_hour: '1' } });
  // Two runs of the same 2 classes × 3 batches × 2 threads = 12 cells each; run-2 is 20% slower on cpu-b.
  for (const [run, slowB] of [['run-1', 1], ['run-2', 1.2]] as const) {
    await createRun(db, { id: run, name: 'nightly', spec: {} });
    for (const hardwareClass of ['cpu-a', 'cpu-b'])
      for (const batch of [1, 2, 4])
        for (const threads of [1, 2]) {
          const params = { ...base, hardwareClass, batch, intraOpThreads: threads };
          const p50 = (hardwareClass === 'cpu-a' ? 10 : 8 * slowB) * batch / threads;
          await recordResult(db, run, measured(params, p50));
        }
  }
  await createRun(db, { id: 'run-3', name: 'odd', spec: {} });
  await recordResult(db, 'run-3', { cellId: cellId({ ...base, precision: 'fp16' }), params: { ...base, precision: 'fp16' }, status: 'failed', reason: '=cmd("x"), bad' });
  const wrong = { ...base, precision: 'int8' };
  await recordResult(db, 'run-3', measured(wrong, 1, { parity: { reference: 'fp32 cpu', outputs: [], maxAbsError: 1, meanRelError: 1, cosine: 0.2, nonFinite: 0, ok: false, reason: 'cosine 0.2 < 0.99' } }));
});

afterAll(async () => {
  await database.close();
});

const get = async (url: string, headers: Record<string, string> = {}) => {
  const res = await app.request(url, { headers });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
  return { status: res.status, body: (await res.json()) as any };
};

describe('results API on PostgreSQL', () => {
  it('pages through a filtered query with a cursor, every result once, in order', async () => {
    const seen: number[] = [];
    let url = '/api/v1/results?hardwareClass=cpu-a,cpu-b&status=ok&sort=-recordedAt&limit=5';
    for (let pages = 0; pages < 20; pages++) {
      const { status, body } = await get(url);
      expect(status).toBe(200);
      seen.push(...body.items.map((r: { id: number }) => r.id));
      if (!body.nextCursor) break;
      url = `/api/v1/results?hardwareClass=cpu-a,cpu-b&status=ok&sort=-recordedAt&limit=5&cursor=${body.nextCursor}`;
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
  });

  it('filters and sorts by a figure', async () => {
    const { body } = await get('/api/v1/results?run=run-1&hardwareClass=cpu-b&batch=4&sort=p50Ms');
    expect(body.items.map((r: { p50Ms: number }) => Math.round(r.p50Ms))).toEqual([16, 32]);
    const later = await get(`/api/v1/results?run=run-1&from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(later.body.items).toEqual([]);
  });

  it('answers bad parameters with 400 naming them, never a 500', async () => {
    const cases: [string, RegExp][] = [
      ['/api/v1/results?colour=red', /unknown parameter 'colour'/],
      ['/api/v1/results?cursor=bm9wZQ', /parameter 'cursor'/],
      ['/api/v1/results?ep=gpu', /parameter 'ep\[0\]'/],
      ['/api/v1/results?limit=100000', /parameter 'limit'/],
      ['/api/v1/results?limit=-1', /parameter 'limit'/],
      ["/api/v1/results?model=x'%20OR%201=1--", /parameter 'model\[0\]'/],
      ['/api/v1/results?hardwareClass=a;DROP%20TABLE%20results', /parameter 'hardwareClass\[0\]'/],
      ['/api/v1/results?sort=p42', /parameter 'sort'/],
      ['/api/v1/results?from=yesterday', /parameter 'from'/],
      ['/api/v1/results/abc', /parameter 'id'/],
      ['/api/v1/leaderboard?model=det&budget=p99<20', /parameter 'budget'/],
      ['/api/v1/leaderboard?model=det&objective=fastest', /parameter 'objective'/],
      ['/api/v1/leaderboard?model=det&prices=cpu-a', /parameter 'prices'/],
      ['/api/v1/compare?runA=run-1', /give either runA and runB/],
      ["/api/v1/runs/x'%20or%201=1--", /parameter 'id'/],
      ['/api/v1/history?cell=', /parameter 'cell'/],
    ];
    for (const [url, message] of cases) {
      const { status, body } = await get(url);
      expect({ url, status }).toEqual({ url, status: 400 });
      expect(body).toEqual({ code: 'bad_parameter', message: expect.stringMatching(message) });
    }
    expect((await get('/api/v1/runs/nope')).status).toBe(404);
    expect((await get('/api/v1/results/999999')).status).toBe(404);
  });

  it('exports a query as CSV and JSON Lines with the same rows', async () => {
    const csv = await (await app.request('/api/v1/results/export?format=csv&run=run-3')).text();
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toMatch(/^id,runId,cellId,model,/);
    expect(lines).toHaveLength(3);
    // Quoted, and kept from being read as a spreadsheet formula.
    expect(csv).toContain(`"'=cmd(""x""), bad"`);
    const jsonl = await (await app.request('/api/v1/results/export?format=jsonl&run=run-1')).text();
    expect(jsonl.trim().split('\n').map((l) => JSON.parse(l).runId)).toEqual(Array(12).fill('run-1'));
  });
});

describe('leaderboard, compare and history API', () => {
  it('ranks the newest result of each configuration and recommends per class under a budget', async () => {
    const { body } = await get('/api/v1/leaderboard?model=det&objective=p50&budget=p99<=12&batch=1,2');
    expect(body.ranked).toHaveLength(8);
    // run-2's cpu-b is 20% slower than in run-1 and still the fastest (9.6 ms × batch / threads against 10).
    expect(body.ranked[0].result).toMatchObject({ hardwareClass: 'cpu-b', batch: 1, intraOpThreads: 2, runId: 'run-2' });
    expect(body.ranked.every((r: { result: { runId: string } }) => r.result.runId === 'run-2')).toBe(true);
    expect(body.recommendation.map((r: { result: { hardwareClass: string } }) => r.result.hardwareClass).sort()).toEqual(['cpu-a', 'cpu-b']);
    expect(body.recommendation.every((r: { meetsBudget: boolean }) => r.meetsBudget)).toBe(true);
  });

  it('returns the best `limit` configurations in full, with counts of all', async () => {
    const { body } = await get('/api/v1/leaderboard?model=det&limit=3');
    expect(body).toMatchObject({ configurations: 14, rankedTotal: 12, unrankedTotal: 2, unrankedByReason: { failed: 1, 'failed parity': 1 } });
    expect(body.ranked.map((r: { rank: number }) => r.rank)).toEqual([1, 2, 3]);
    expect(body.ranked[0].result).toHaveProperty('cellId');
  });

  it('keeps a result that failed parity out of the ranking, with why', async () => {
    const { body } = await get('/api/v1/leaderboard?model=det&precision=int8,fp16');
    expect(body.ranked).toEqual([]);
    expect(body.unranked.map((u: { why: string }) => u.why).sort()).toEqual(['failed', 'failed parity']);
  });

  it('prices cost per million inferences from agent labels, overridable in the query', async () => {
    const labelled = await get('/api/v1/leaderboard?model=det&objective=cost_per_million&batch=1');
    const best = labelled.body.ranked[0];
    expect(best.result.hardwareClass).toBe('cpu-b');
    expect(best.score).toBeCloseTo((1e6 / best.result.throughput) * (1 / 3600), 6);
    const overridden = await get('/api/v1/leaderboard?model=det&objective=cost_per_million&batch=1&prices=cpu-b:100');
    expect(overridden.body.ranked[0].result.hardwareClass).toBe('cpu-a');
  });

  it('compares two runs cell by cell and says which differences are significant', async () => {
    const { body } = await get('/api/v1/compare?runA=run-1&runB=run-2');
    expect(body.rows).toHaveLength(12);
    const verdicts = body.rows.map((r: { candidate: { hardwareClass: string }; comparison: { verdict: string; significant: boolean } }) => `${r.candidate.hardwareClass}:${r.comparison.verdict}`);
    expect(verdicts.filter((v: string) => v === 'cpu-b:slower')).toHaveLength(6);
    expect(verdicts.filter((v: string) => v === 'cpu-a:same')).toHaveLength(6);
    const classes = await get('/api/v1/compare?model=det&classA=cpu-a&classB=cpu-b');
    expect(classes.body.rows.length).toBeGreaterThanOrEqual(6);
  });

  it('returns a configuration history oldest first', async () => {
    const id = cellId({ ...base, hardwareClass: 'cpu-b' });
    const { body } = await get(`/api/v1/history?cell=${id}`);
    expect(body.points.map((p: { runId: string }) => p.runId)).toEqual(['run-1', 'run-2']);
    expect(body.points[1].p50Ms / body.points[0].p50Ms).toBeCloseTo(1.2, 1);
  });

  it('lists the fleet with labels, and run progress from the database and Temporal', async () => {
    const fleet = await get('/api/v1/fleet');
    expect(fleet.body.classes).toEqual([{ hardwareClass: 'cpu-a', agents: ['cpu-a-agent'] }, { hardwareClass: 'cpu-b', agents: ['cpu-b-agent'] }]);
    expect(fleet.body.agents[0].labels).toHaveProperty('price_per_hour');
    const progress = await get('/api/v1/runs/run-3/progress');
    expect(progress.body).toMatchObject({ status: 'running', recorded: 2, total: 10, byStatus: { ok: 1, failed: 1 }, running: [{ cellId: 'c1', agentId: 'cpu-a-agent' }], problems: ['no worker'] });
  });
});

describe('regressions API', () => {
  it('lists judged regressions newest first, and other verdicts on request', async () => {
    const { db } = database;
    const { body: results } = await get('/api/v1/results?run=run-2&hardwareClass=cpu-b&limit=2');
    const at = (r: { id: number; cellId: string }) => ({ resultId: r.id, runId: 'run-2', cellId: r.cellId, model: 'det', hardwareClass: 'cpu-b' });
    const judgement = { verdict: 'regression' as const, confirmed: false, ratio: 1.2, interval: { low: 1.15, high: 1.25 }, pValue: 1e-9, baseline: { resultIds: [1], p50Ms: 8, from: 'a', to: 'b' }, step: null, drift: [{ field: 'onnxruntimeVersion', baseline: '1.29.0', now: '1.30.0' }], reasons: [] };
    await recordJudgement(db, at(results.items[0]), judgement);
    await recordJudgement(db, at(results.items[1]), { ...judgement, verdict: 'unchanged', ratio: 1, drift: [] });
    const regressions = await get('/api/v1/regressions');
    expect(regressions.body.items.map((j: { verdict: string; ratio: number }) => [j.verdict, j.ratio])).toEqual([['regression', 1.2]]);
    const both = await get('/api/v1/regressions?verdict=regression,unchanged&hardwareClass=cpu-b');
    expect(both.body.items.map((j: { verdict: string }) => j.verdict)).toEqual(['unchanged', 'regression']);
    expect((await get('/api/v1/regressions?verdict=worse')).body.message).toMatch(/parameter 'verdict\[0\]'/);
    const page = await (await app.request('/regressions')).text();
    expect(page).toContain('det on cpu-b');
    expect(page).toContain('onnxruntimeVersion 1.29.0 → 1.30.0');
    // The history page marks the judged night on its chart and in its table.
    const history = await (await app.request(`/history?cell=${results.items[0].cellId}`)).text();
    const data = JSON.parse(/<script type="application\/json" id="chart-history">(.*?)<\/script>/s.exec(history)![1]!) as { data: { datasets: { label: string; data: (number | null)[] }[] } };
    expect(data.data.datasets.find((d) => d.label === 'regression')!.data.filter((v) => v !== null)).toHaveLength(1);
    expect(history).toContain('<span class="flag">regression</span>');
  });
});

describe('tokens, writes and the OpenAPI document', () => {
  const spec = { name: 'x', models: [{ name: 'm', file: 'm.onnx' }] };

  it('refuses to start a run without a live token, and starts one with it', async () => {
    const post = (headers: Record<string, string>, body: unknown = { spec }) =>
      app.request('/api/v1/runs', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    expect((await post({})).status).toBe(401);
    expect((await post({ authorization: 'Bearer ortf_wrong' })).status).toBe(401);
    const ok = await post({ authorization: `Bearer ${token}` });
    expect(ok.status).toBe(202);
    expect(await ok.json()).toMatchObject({ runId: 'api-run-1', links: { page: '/runs/api-run-1' } });
    expect(started).toEqual([spec]);
    const bad = await post({ authorization: `Bearer ${token}` }, { spec: 'not an object' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ message: expect.stringMatching(/parameter 'spec'/) });
  });

  it('stops accepting a token once revoked', async () => {
    const { db } = database;
    const t = await createApiToken(db, 'short-lived');
    const upload = () => app.request('/api/v1/models/files?name=a.onnx', { method: 'POST', headers: { authorization: `Bearer ${t.token}` }, body: new Uint8Array([0x08, 0x07, 0x12, 0x00]) });
    expect((await upload()).status).toBe(201);
    expect((await upload()).status).toBe(200);
    await revokeApiToken(db, t.id);
    expect((await upload()).status).toBe(401);
  });

  it('stores uploads by sha256, refuses what is not ONNX, serves them back', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const notOnnx = await app.request('/api/v1/models/files?name=b.onnx', { method: 'POST', headers: auth, body: 'hello' });
    expect(notOnnx.status).toBe(400);
    const bytes = new Uint8Array([0x08, 0x09, 0x3a, 0x00]);
    const stored = (await (await app.request('/api/v1/models/files?name=c.onnx', { method: 'POST', headers: auth, body: bytes })).json()) as { sha256: string; url: string };
    expect(stored.sha256).toMatch(/^[0-9a-f]{64}$/);
    const back = await app.request(stored.url);
    expect(new Uint8Array(await back.arrayBuffer())).toEqual(bytes);
  });

  it('requires a token for reads when configured', async () => {
    const closed = createApp({ db: database.db, readRequiresToken: true });
    expect((await closed.request('/api/v1/runs')).status).toBe(401);
    expect((await closed.request('/api/v1/runs', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    // A browser signs in once; the cookie then opens pages and the API alike.
    const page = await closed.request('/leaderboard?model=det', { headers: { accept: 'text/html' } });
    expect([page.status, page.headers.get('location')]).toEqual([303, '/login?next=%2Fleaderboard%3Fmodel%3Ddet']);
    const login = (tokenText: string, next: string) => closed.request('/login', { method: 'POST', body: new URLSearchParams({ token: tokenText, next }) });
    expect((await login('ortf_nope', '/')).status).toBe(401);
    const signedIn = await login(token, '//evil.example/');
    expect([signedIn.status, signedIn.headers.get('location')]).toEqual([303, '/']);
    const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
    expect(signedIn.headers.get('set-cookie')).toMatch(/HttpOnly/);
    expect((await closed.request('/leaderboard?model=det', { headers: { cookie } })).status).toBe(200);
    expect((await closed.request('/api/v1/runs', { headers: { cookie } })).status).toBe(200);
  });

  it('generates an OpenAPI 3.1 document covering every route, and a docs page', async () => {
    const doc = (await (await app.request('/api/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      ['/api/v1/compare', '/api/v1/fleet', '/api/v1/regressions', '/api/v1/history', '/api/v1/leaderboard', '/api/v1/models', '/api/v1/models/files', '/api/v1/models/files/{sha256}', '/api/v1/results', '/api/v1/results/export', '/api/v1/results/{id}', '/api/v1/runs', '/api/v1/runs/{id}', '/api/v1/runs/{id}/progress', '/api/v1/runs/{id}/results'].sort(),
    );
    const docs = await (await app.request('/api/docs')).text();
    expect(docs).toContain('/api/v1/leaderboard');
  });
});
