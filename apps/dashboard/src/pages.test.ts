import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellId, LatencyRecorder, type CellParams, type CellResult, type Provenance } from '@ortfleet/core';
import { createRun, finishRun, openDatabase, recordResult, runResultSummaries, upsertAgent, type Database } from '@ortfleet/db';
import { freshDatabase, tempHome } from '../../../test/support/env';
import { probeFixture } from '../../../test/support/probe';
import { createApp } from './app';
import type { RunControl } from '@ortfleet/contracts';

let database: Database;
let app: ReturnType<typeof createApp>;

const EVIL = '<script>alert(1)</script>';
const base: CellParams = { model: 'm', hardwareClass: 'cpu-a', ep: 'cpu', precision: 'fp32', batch: 1, graphOptimization: 'all', intraOpThreads: 1, interOpThreads: 0, executionMode: 'sequential', memoryPattern: true, cpuArena: true };
const gpu: CellParams = { ...base, hardwareClass: 'gpu-a', ep: 'cuda' };

const provenance = (onnxruntimeVersion: string): Provenance => ({
  ortfleetVersion: '0.2.0', ortfleetCommit: null, onnxruntimeVersion, nodeVersion: '20.19.0',
  os: { platform: 'linux', distro: 'Debian', release: '12', kernel: '6.1', arch: 'x64' }, cpu: { brand: 'EPYC', flags: ['avx2'] }, gpus: [], cudaVersion: null,
});

/** A result whose latencies centre on `p50` ms (±5%); `shift` makes the last two thirds of the loop that much slower. */
function measured(params: CellParams, p50: number, extra: Partial<CellResult> = {}, shift = 1): CellResult {
  const recorder = new LatencyRecorder();
  for (let i = 0; i < 120; i++) recorder.record(p50 * (0.95 + (i % 11) / 100) * (i < 40 ? 1 : shift), i * p50);
  return {
    cellId: cellId(params),
    params,
    status: 'ok',
    agentId: `${params.hardwareClass}-agent`,
    measurement: { sessionCreateMs: 50, firstInferenceMs: 7, warmupIterations: 5, iterations: 120, durationMs: 120 * p50, throughput: (params.batch * 1000) / p50, ...recorder.finish() },
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
      running: [{ cellId: 'cell-now', agentId: 'gpu-a-agent', phase: 'profiling', attempt: 2, startedAt: '2026-01-01T00:00:00Z' }],
      problems: ['workflow run-1.gpu-a: 3 cell(s) have waited up to 45 s for an agent of the class <gone>'],
    };
  },
};

/** Result ids by a name given here, for links. */
const ids: Record<string, number> = {};

beforeAll(async () => {
  database = await openDatabase({ databaseUrl: await freshDatabase(), home: tempHome() });
  const { db } = database;
  app = createApp({ db, runs: control });
  await upsertAgent(db, { agentId: 'cpu-a-agent', hardwareClass: 'cpu-a', taskQueue: 'q-a', probe: probeFixture('host-a', [{ name: 'cpu', available: true }, { name: 'cuda', available: false, error: 'libcudart <missing>' }]), labels: { region: '<b>eu</b>', price_per_hour: '1' } });
  const arm = probeFixture('host-arm');
  await upsertAgent(db, { agentId: 'arm-agent', hardwareClass: 'arm64-emulated-amd-epyc-2c', taskQueue: 'q-arm', probe: { ...arm, os: { ...arm.os, arch: 'arm64' }, cpu: { ...arm.cpu, simd: ['neon'] }, emulated: true, emulator: 'qemu-user' }, labels: {} });
  await upsertAgent(db, { agentId: 'gpu-a-agent', hardwareClass: 'gpu-a', taskQueue: 'q-g', probe: probeFixture('host-g', [{ name: 'cpu', available: true }, { name: 'cuda', available: true }]), labels: {} });

  await createRun(db, { id: 'run-1', name: 'nightly', spec: {} });
  const evil = { ...base, model: EVIL };
  await recordResult(db, 'run-1', { cellId: cellId(evil), params: evil, status: 'failed', reason: 'bad <b>thing</b>' });
  await recordResult(db, 'run-1', measured(base, 9), 'a'.repeat(64));
  const fp16 = { ...base, precision: 'fp16' };
  await recordResult(db, 'run-1', measured(fp16, 1, { parity: { reference: 'fp32 cpu', outputs: [{ name: 'y', maxAbsError: 1, meanRelError: 1, cosine: 0.5, nonFinite: 0 }], maxAbsError: 1, meanRelError: 1, cosine: 0.5, nonFinite: 0, ok: false, reason: "output 'y' cosine 0.5000 < 0.99" } }));
  const b2 = { ...base, batch: 2 };
  await recordResult(db, 'run-1', { cellId: cellId(b2), params: b2, status: 'unsupported', reason: 'the model has no open batch dimension' });
  await recordResult(db, 'run-1', measured(gpu, 1, {}, 1.5));
  const profiled = measured({ ...gpu, precision: 'fp16' }, 4, {
    profile: {
      iterations: 10,
      byOpType: [{ opType: '</script><script>alert(2)</script>', calls: 20, totalUs: 900, timeShare: 0.9 }, { opType: 'Relu', calls: 10, totalUs: 100, timeShare: 0.1 }],
      topNodes: [{ name: 'conv<1>', opType: 'Conv', provider: 'CUDAExecutionProvider', meanUs: 45 }],
      byProvider: [{ provider: 'CUDAExecutionProvider', nodes: 2, nodeShare: 0.67, timeShare: 0.9 }, { provider: 'CPUExecutionProvider', nodes: 1, nodeShare: 0.33, timeShare: 0.1 }],
      fallback: { nodes: 1, nodeShare: 0.33, timeShare: 0.1 },
    },
    modelFacts: { irVersion: 8, producer: 'pytorch', opsets: [{ domain: '', version: 17 }], parameters: 1000, nodes: 3, operators: { Conv: 2, Relu: 1 }, inputs: [{ name: 'x', type: 'float32', shape: ['N', 3, 32, 32] }], outputs: [{ name: 'y', type: 'float32', shape: ['N', 10] }] },
    sessionOptions: { executionProviders: ['cuda'], graphOptimizationLevel: 'all' },
  });
  profiled.measurement!.telemetry = { processCpuPercent: 101, systemCpuPercent: 60, peakRssBytes: 2 ** 28, energyPerInferenceJ: 0.02, powerSources: ['nvidia-smi'], gpu: { samples: 12, utilizationPercentMean: 80, utilizationPercentMax: 97, memoryUsedMbMax: 900, powerWMean: 70 } };
  await recordResult(db, 'run-1', profiled);
  await finishRun(db, 'run-1', 'completed_with_failures');

  // run-2 is still running; its cpu fp32 cell got slower, on a new model file and a new ONNX Runtime.
  await createRun(db, { id: 'run-2', name: 'nightly', spec: {} });
  await recordResult(db, 'run-2', measured(base, 12, { provenance: provenance('1.30.0') }), 'b'.repeat(64));

  for (const run of ['run-1', 'run-2'])
    for (const r of await runResultSummaries(db, run)) ids[`${run}:${r.model === EVIL ? 'evil' : `${r.hardwareClass}/${r.precision}/${r.batch}`}`] = r.id;
});

afterAll(async () => {
  await database.close();
});

async function page(url: string, status = 200): Promise<string> {
  const res = await app.request(url, { headers: { accept: 'text/html' } });
  const body = await res.text();
  expect(res.status, body).toBe(status);
  if (status === 200) expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  return body;
}

/** The part of a page after a heading and before the next h2. */
function section(body: string, heading: string): string {
  const start = body.indexOf(`<h2>${heading}`);
  expect(start, `section ${heading}`).toBeGreaterThan(0);
  const end = body.indexOf('<h2>', start + 4);
  return body.slice(start, end < 0 ? undefined : end);
}

/** Chart.js configurations embedded in a page, parsed back. */
function charts(body: string): Record<string, { type: string; data: { labels?: string[]; datasets: { label: string; fill?: unknown }[] }; options: { plugins: { title: { text: string } }; scales: Record<'x' | 'y', { title: { text: string } }> } }> {
  const found: Record<string, never> = {};
  for (const m of body.matchAll(/<script type="application\/json" id="([^"]+)">([\s\S]*?)<\/script>/g)) found[m[1]!] = JSON.parse(m[2]!) as never;
  return found;
}

describe('dashboard pages', () => {
  it('lists models with their leaderboards and recent runs, escaping names', async () => {
    const body = await page('/');
    expect(body).toContain('<meta name="viewport"');
    expect(body).toContain('href="/leaderboard?model=m"');
    expect(body).toContain('href="/leaderboard?model=%3Cscript%3Ealert%281%29%3C%2Fscript%3E"');
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).not.toContain(EVIL);
    // Newest run first.
    expect(body.indexOf('href="/runs/run-2"')).toBeGreaterThan(0);
    expect(body.indexOf('href="/runs/run-2"')).toBeLessThan(body.indexOf('href="/runs/run-1"'));
    for (const nav of ['/leaderboard', '/runs', '/compare', '/fleet', '/api/docs']) expect(body).toContain(`href="${nav}"`);
  });

  it('shows a finished run: escaped user text, a heat map, failures with reasons, valid results above parity failures', async () => {
    const body = await page('/runs/run-1');
    expect(body).not.toContain('http-equiv="refresh"');
    expect(body).toContain('completed_with_failures');
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).not.toContain(EVIL);

    const heat = section(body, 'Heat map');
    expect(heat).toContain('p50 relative to the fastest in its batch column');
    expect(heat).toContain('<h3>m on cpu-a</h3>');
    expect(heat).toMatch(/<th>cpu · fp16<\/th><td[^>]*><a href="\/results\/\d+">parity failed<\/a>/);
    expect(heat).toMatch(/title="the model has no open batch dimension"><a href="\/results\/\d+">unsupported<\/a>/);
    // On gpu-a at batch 1 the fp32 cell is the fastest (1 ms), fp16 (4 ms) is about 4×, and fp32 is flagged unstable.
    expect(heat).toMatch(/<th>cuda · fp32<\/th><td class="num" style="background:#8fd0c4"[^>]*><a href="\/results\/\d+">[\d.]+<\/a> <span class="muted">1\.00×<\/span> <span class="flag warn">unstable<\/span>/);
    expect(heat).toMatch(/<th>cuda · fp16<\/th><td class="num" style="background:#fed99a"/);

    const failures = section(body, 'Failed and unsupported cells');
    expect(failures).toContain('bad &lt;b&gt;thing&lt;/b&gt;');
    expect(failures).toContain('the model has no open batch dimension');
    expect(failures).not.toContain('parity failed');

    const all = section(body, 'All results');
    const valid = all.indexOf(`href="/results/${ids['run-1:cpu-a/fp32/1']}"`);
    const flagged = all.indexOf('parity failed: output &#39;y&#39; cosine 0.5000 &lt; 0.99');
    expect(valid).toBeGreaterThan(0);
    expect(flagged).toBeGreaterThan(valid);
    expect(all).toContain('<span class="flag warn" title="window medians differ by more than 10%">unstable</span>');
  });

  it('follows a running run: reloads itself and shows progress by status, by agent and the cells running now', async () => {
    const body = await page('/runs/run-2');
    expect(body).toContain('<meta http-equiv="refresh" content="5">');
    const progress = section(body, 'Progress');
    expect(progress).toContain('<strong>1</strong> of 10 cells recorded: 1 ok');
    expect(progress).toMatch(/<td>cpu-a-agent<\/td><td class="num">1<\/td>/);
    expect(progress).toContain('<td>cell-now</td><td>gpu-a-agent</td><td>profiling</td><td class="num">2</td>');
    expect(progress).toContain('<strong>This run is stuck:</strong><ul><li>workflow run-1.gpu-a: 3 cell(s) have waited up to 45 s for an agent of the class &lt;gone&gt;</li></ul>');
  });

  it('ranks a leaderboard with the recommendation first, flags, and links that keep the filters', async () => {
    const body = await page('/leaderboard?model=m&budget=p99%3C%3D10&ep=cpu,cuda');
    const recommendation = section(body, 'Recommendation');
    const ranking = section(body, 'Ranking');
    expect(body.indexOf('<h2>Recommendation')).toBeLessThan(body.indexOf('<h2>Ranking'));
    // gpu-a's fastest configuration is unstable and cpu-a's is over budget: only gpu-a fp16 is recommended.
    expect(recommendation).toContain(`href="/results/${ids['run-1:gpu-a/fp16/1']}"`);
    expect(recommendation).not.toContain(`href="/results/${ids['run-1:gpu-a/fp32/1']}"`);
    expect(recommendation).not.toContain(`href="/results/${ids['run-2:cpu-a/fp32/1']}"`);
    // Best p50 first; cpu-a shows its newest result (run-2), over the budget.
    const order = [ids['run-1:gpu-a/fp32/1'], ids['run-1:gpu-a/fp16/1'], ids['run-2:cpu-a/fp32/1']].map((id) => ranking.indexOf(`href="/results/${id}"`));
    expect(order[0]).toBeGreaterThan(0);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(ranking).not.toContain(`href="/results/${ids['run-1:cpu-a/fp32/1']}"`);
    expect(ranking).toContain('unstable</span>');
    expect(ranking).toContain('<span class="flag">over budget</span>');
    expect(ranking).toContain(`href="/history?cell=${cellId(base)}"`);

    const unranked = section(body, 'Not ranked');
    expect(unranked).toContain('parity failed: output &#39;y&#39; cosine 0.5000 &lt; 0.99');
    expect(unranked).toContain('unsupported: the model has no open batch dimension');

    // The form and the objective links carry every filter.
    expect(body).toContain('<input name="budget" value="p99&lt;=10"');
    expect(body).toContain('<input name="ep" value="cpu,cuda"');
    expect(body).toContain('href="/leaderboard?model=m&amp;budget=p99%3C%3D10&amp;ep=cpu%2Ccuda&amp;objective=throughput"');
    expect(body).toContain('href="/leaderboard?model=m&amp;budget=p99%3C%3D10&amp;ep=cpu%2Ccuda&amp;objective=p50&amp;hardwareClass=gpu-a"');
  });

  it('reads empty form fields as no filter, and answers bad parameters with a 400 page naming them', async () => {
    expect(await page('/leaderboard?model=m&objective=p50&budget=&prices=&ep=&precision=&batch=&hardwareClass=')).toContain('<h2>Ranking');
    expect(await page('/leaderboard')).toContain('href="/leaderboard?model=m"');
    expect(await page('/leaderboard?model=m&ep=gpu', 400)).toMatch(/parameter &#39;ep\[0\]&#39;/);
    expect(await page('/leaderboard?model=m&budget=p42%3C%3D1', 400)).toContain('parameter &#39;budget&#39;');
    expect(await page('/leaderboard?model=m&colour=red', 400)).toContain('unknown parameter &#39;colour&#39;');
    expect(await page('/history?cell=no%20such', 400)).toContain('parameter &#39;cell&#39;');
    expect(await page('/compare?runA=run-1', 400)).toContain('give either runA and runB');
    expect(await page("/runs/x'%20or%201=1--", 400)).toContain('parameter &#39;id&#39;');
    expect(await page('/results/abc', 400)).toContain('parameter &#39;id&#39;');
    expect(await page('/results/99999', 404)).toContain('no result 99999');
    expect(await page('/runs/nope', 404)).toContain('no run &#39;nope&#39;');
    expect(await page('/history?cell=nope', 404)).toContain('no results for configuration');
    // Without asking for HTML, the same errors are JSON.
    const res = await app.request('/leaderboard?model=m&ep=gpu');
    expect(await res.json()).toMatchObject({ code: 'bad_parameter' });
  });

  it('shows a result in full, with charts whose JSON cannot break out of its script element', async () => {
    const body = await page(`/results/${ids['run-1:gpu-a/fp16/1']}`);
    for (const heading of ['Configuration', 'Cold start', 'Latency', 'Distribution', 'Stability', 'Telemetry', 'Operator profile', 'Model', 'Provenance', 'Session options']) expect(body).toContain(`<h2>${heading}`);
    expect(body).not.toContain('<h2>Parity');
    expect(body).toContain('95% CI');
    expect(body).toContain('CPU fallback: 1 nodes');
    expect(section(body, 'Telemetry')).toContain('mean 80.0%, max 97.0% (12 samples)');
    expect(body).toContain('conv&lt;1&gt;');
    expect(body).not.toContain('</script><script>alert(2)');
    expect(body).toContain('\\u003c/script>\\u003cscript>alert(2)');
    expect(body).toContain('<script src="/assets/chart.umd.js"></script><script src="/assets/charts.js"></script>');
    expect(body).not.toMatch(/src="https?:/);

    const found = charts(body);
    expect(Object.keys(found).sort()).toEqual(['chart-cdf', 'chart-histogram', 'chart-profile', 'chart-samples']);
    expect(found['chart-profile']!.data.labels![0]).toBe('</script><script>alert(2)</script>');
    for (const [id, config] of Object.entries(found)) {
      expect(body, id).toContain(`<canvas data-chart="${id}"`);
      expect(config.options.plugins.title.text, id).not.toBe('');
      expect(config.options.scales.x.title.text, id).not.toBe('');
      expect(config.options.scales.y.title.text, id).not.toBe('');
      expect(`${config.options.scales.x.title.text} ${config.options.scales.y.title.text}`, id).toMatch(/\((ms|µs|%|count)/);
    }
    // The histogram counts every timed sample.
    expect((found['chart-histogram']!.data.datasets[0] as unknown as { data: number[] }).data.reduce((s, v) => s + v, 0)).toBe(120);
  });

  it('shows parity per output, and a failed cell without measurement sections', async () => {
    const parity = await page(`/results/${ids['run-1:cpu-a/fp16/1']}`);
    expect(section(parity, 'Parity')).toContain('parity failed: output &#39;y&#39; cosine 0.5000 &lt; 0.99');
    expect(section(parity, 'Parity')).toContain('<td>y</td>');

    const failed = await page(`/results/${ids['run-1:evil']}`);
    expect(failed).toContain('<strong>failed</strong>');
    expect(failed).toContain('bad &lt;b&gt;thing&lt;/b&gt;');
    expect(failed).not.toContain(EVIL);
    for (const heading of ['Latency', 'Distribution', 'Cold start', 'Operator profile']) expect(failed).not.toContain(`<h2>${heading}`);
    expect(failed).not.toContain('/assets/chart.umd.js');
  });

  it('charts a configuration over time and marks model and ONNX Runtime changes', async () => {
    const body = await page(`/history?cell=${cellId(base)}`);
    const chart = charts(body)['chart-history']!;
    expect(chart.data.labels).toHaveLength(2);
    expect(chart.data.datasets.map((d) => d.label)).toEqual(['95% CI of p50 (low)', '95% CI of p50', 'p50', 'p99', 'regression', 'improvement']);
    expect(chart.data.datasets[1]!.fill).toBe('-1');
    expect(chart.options.scales.y.title.text).toBe('latency (ms)');
    const points = section(body, 'Points');
    // Newest first: run-2 carries the change marks against run-1.
    expect(points.indexOf('href="/runs/run-2"')).toBeLessThan(points.indexOf('href="/runs/run-1"'));
    expect(points).toContain('model changed');
    expect(points).toContain('ORT changed from 1.29.0');
    expect(points).toContain('href="/compare?runA=run-1&amp;runB=run-2"');
    expect(await page(`/history?cell=${cellId(base)}&limit=1`)).not.toContain('href="/runs/run-1"');
  });

  it('compares two runs with the ratio and a marked significant verdict, and offers pickers', async () => {
    const body = await page('/compare?runA=run-1&runB=run-2');
    expect(body).toMatch(/<td class="num">1\.333×<\/td><td class="num">\+33\.3%<\/td><td><span class="flag">slower \(significant\)<\/span>/);
    expect(body).toContain('<strong>1</strong> significantly slower');
    expect(body).toContain('<option value="run-1" selected>');
    const bare = await page('/compare');
    expect(bare).toContain('<option value="run-2">run-2 (nightly, running)</option>');
    expect(bare).toContain('<option value="gpu-a">');
    const classes = await page('/compare?model=m&classA=cpu-a&classB=gpu-a');
    expect(classes).toContain('hardware class cpu-a (baseline) → hardware class gpu-a (candidate)');
  });

  it('lists the fleet by hardware class with EPs, labels and last seen', async () => {
    const body = await page('/fleet');
    const classes = section(body, 'Hardware classes');
    expect(classes).toMatch(/<td>cpu-a<\/td><td class="num">1<\/td><td>cpu<\/td>/);
    expect(classes).toMatch(/<td>gpu-a<\/td><td class="num">1<\/td><td>cpu, cuda<\/td>/);
    const agents = section(body, 'Agents');
    expect(agents).toContain('region=&lt;b&gt;eu&lt;/b&gt;');
    expect(agents).toContain('libcudart &lt;missing&gt;');
    expect(agents).toMatch(/EPYC · 1\/2 cores · neon <span class="muted">\(arm64, emulated by qemu-user\)<\/span>/);
  });

  it('serves Chart.js and the chart script locally, cacheable', async () => {
    const lib = await app.request('/assets/chart.umd.js');
    expect(lib.status).toBe(200);
    expect(lib.headers.get('content-type')).toMatch(/javascript/);
    expect(lib.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(await lib.text()).toMatch(/Chart\.js v4/);
    const again = await app.request('/assets/chart.umd.js', { headers: { 'if-none-match': lib.headers.get('etag')! } });
    expect(again.status).toBe(304);
    expect(await (await app.request('/assets/charts.js')).text()).toContain('canvas[data-chart]');
    expect((await app.request('/assets/nope.js')).status).toBe(404);
  });
});
