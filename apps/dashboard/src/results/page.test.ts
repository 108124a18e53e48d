import { beforeAll, describe, expect, it } from 'vitest';
import { controlKey, createRun, listRunResults, recordResult, setControlFactors } from '@ortfleet/db';
import { measured } from '../testing/api-fixture';
import { recordServedModel } from '../testing/load-results';
import { charts, EVIL, gpu, section, usePagesFixture } from '../testing/pages-fixture';
import { resultPages } from './page';

const fx = usePagesFixture(resultPages);
let served: Record<string, number>;

beforeAll(async () => {
  served = await recordServedModel(fx.database.db);
});

describe('result page', () => {
  it('shows a result in full, with charts whose JSON cannot break out of its script element', async () => {
    const body = await fx.page(`/results/${fx.ids['run-1:gpu-a/fp16/1']}`);
    for (const heading of [
      'Configuration',
      'Cold start',
      'Latency',
      'Distribution',
      'Stability',
      'Telemetry',
      'Operator profile',
      'Model',
      'Provenance',
      'Session options',
    ])
      expect(body).toContain(`<h2>${heading}`);
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
      expect(`${config.options.scales.x.title.text} ${config.options.scales.y.title.text}`, id).toMatch(
        /\((ms|µs|%|count)/,
      );
    }
    // The histogram counts every timed sample.
    expect(
      (found['chart-histogram']!.data.datasets[0] as unknown as { data: number[] }).data.reduce((s, v) => s + v, 0),
    ).toBe(120);
  });

  it("shows the control beside the cell and its agent's speed factor, where they were measured", async () => {
    const db = fx.database.db;
    await createRun(db, { id: 'drift-page', name: 's', spec: {} });
    const interleavedControl = { cellP50Ms: 20, controlP50Ms: 8, ratio: 2.4871, runs: 180, durationMs: 5012 };
    const result = measured({ ...gpu, hardwareClass: 'cpu-a', ep: 'cpu' }, 20, { agentId: 'a1' });
    await recordResult(db, 'drift-page', { ...result, measurement: { ...result.measurement!, interleavedControl } });
    await setControlFactors(db, 'drift-page', new Map([[controlKey('drift-page', 'a1'), 1.083]]));
    const [row] = await listRunResults(db, 'drift-page');
    const body = section(await fx.page(`/results/${row!.id}`), 'Machine drift');
    expect(body).toContain('cell / control 2.4871 (median of 180 pairs run by run over 5.0 s; p50s 20.0');
    expect(body).toContain('1.083 (its control p50 over its earlier runs');
    // A closed loop's control ran as wide as the cell: its pairs are rounds.
    const loop = measured({ ...gpu, hardwareClass: 'cpu-a', ep: 'cpu', concurrency: 2 }, 30, { agentId: 'a1' });
    await recordResult(db, 'drift-page', {
      ...loop,
      measurement: { ...loop.measurement!, interleavedControl: { ...interleavedControl, width: 2 } },
    });
    const wide = (await listRunResults(db, 'drift-page')).find((r) => r.id !== row!.id)!;
    expect(section(await fx.page(`/results/${wide.id}`), 'Machine drift')).toContain(
      'median of 180 pairs of rounds of 2 requests at once over 5.0 s',
    );
    // A result measured without controls has no such section.
    expect(await fx.page(`/results/${fx.ids['run-1:gpu-a/fp16/1']}`)).not.toContain('<h2>Machine drift');
  });

  it('shows parity per output, and a failed cell without measurement sections', async () => {
    const parity = await fx.page(`/results/${fx.ids['run-1:cpu-a/fp16/1']}`);
    expect(section(parity, 'Parity')).toContain('parity failed: output &#39;y&#39; cosine 0.5000 &lt; 0.99');
    expect(section(parity, 'Parity')).toContain('<td>y</td>');

    const failed = await fx.page(`/results/${fx.ids['run-1:evil']}`);
    expect(failed).toContain('<strong>failed</strong>');
    expect(failed).toContain('bad &lt;b&gt;thing&lt;/b&gt;');
    expect(failed).not.toContain(EVIL);
    for (const heading of ['Latency', 'Distribution', 'Cold start', 'Operator profile'])
      expect(failed).not.toContain(`<h2>${heading}`);
    expect(failed).not.toContain('/assets/chart.umd.js');
  });

  it('shows the open loop: SLO, servers, capacity with its bracket, every trial, and latency against offered rate', async () => {
    const body = await fx.page(`/results/${served['cpu-a/1']}`);
    const load = section(body, 'Open-loop load');
    expect(load).toContain('<dd>p99&lt;=30 ms from scheduled arrival</dd>');
    expect(load).toContain('<dd>1 (requests served at once, a worker session each)</dd>');
    expect(load).toContain('200.0 requests/s (the peak-rate search&#39;s answer after 6 trials: passed at 200.0');
    expect(load).toContain('failed at 210.0 requests/s)');
    // One spec rate and six search trials, in the order they ran; past 1.5× the capacity the note says why.
    const trials = [...load.matchAll(/<tr><td class="num">([\d,.]+)<\/td><td>(spec|search)<\/td>/g)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(trials).toEqual([
      ['100.0', 'spec'],
      ['160.0', 'search'],
      ['320.0', 'search'],
      ['240.0', 'search'],
      ['200.0', 'search'],
      ['220.0', 'search'],
      ['210.0', 'search'],
    ]);
    expect(load.match(/flag good">pass/g)).toHaveLength(3);
    expect(load.match(/class="flag">fail/g)).toHaveLength(4);
    expect(load).toContain('stopped early: the queue only grew');

    const chart = charts(body)['chart-load']!;
    expect(body).toContain('<canvas data-chart="chart-load"');
    expect(body).toContain('<script src="/assets/chart.umd.js"></script>');
    expect(chart.options.scales.x.title.text).toBe('offered rate (requests/s)');
    expect(chart.options.scales.y.title.text).toBe('latency (ms)');
    type Line = { label: string; data: { x: number; y: number }[] };
    const lines = chart.data.datasets as unknown as Line[];
    expect(lines.map((l) => l.label)).toEqual([
      'p50 from arrival',
      'p99 from arrival',
      'p99 from dispatch',
      'SLO p99<=30 ms',
      'capacity 200.0 requests/s',
    ]);
    expect(lines[1]!.data.map((p) => Math.round(p.x))).toEqual([100, 160, 200, 210, 220, 240, 320]);
    expect(lines[3]!.data).toEqual([
      { x: 100, y: 30 },
      { x: 320, y: 30 },
    ]);
    expect(lines[4]!.data.map((p) => p.x)).toEqual([200, 200]);
  });

  it('leaves the open-loop section out of a result without one', async () => {
    expect(await fx.page(`/results/${fx.ids['run-1:gpu-a/fp16/1']}`)).not.toContain('<h2>Open-loop load');
  });
});
