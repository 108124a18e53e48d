import { describe, expect, it } from 'vitest';
import { charts, EVIL, section, usePagesFixture } from '../testing/pages-fixture';
import { resultPages } from './page';

const fx = usePagesFixture(resultPages);

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
});
