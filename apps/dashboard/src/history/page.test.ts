import { describe, expect, it } from 'vitest';
import { cellId } from '@ortfleet/core';
import { base, charts, section, usePagesFixture } from '../testing/pages-fixture';
import { historyPages } from './page';

const fx = usePagesFixture(historyPages);

describe('history page', () => {
  it('charts a configuration over time and marks model and ONNX Runtime changes', async () => {
    const body = await fx.page(`/history?cell=${cellId(base)}`);
    const chart = charts(body)['chart-history']!;
    expect(chart.data.labels).toHaveLength(2);
    expect(chart.data.datasets.map((d) => d.label)).toEqual([
      '95% CI of p50 (low)',
      '95% CI of p50',
      'p50',
      'p99',
      'regression',
      'improvement',
    ]);
    expect(chart.data.datasets[1]!.fill).toBe('-1');
    expect(chart.options.scales.y.title.text).toBe('latency (ms)');
    const points = section(body, 'Points');
    // Newest first: run-2 carries the change marks against run-1.
    expect(points.indexOf('href="/runs/run-2"')).toBeLessThan(points.indexOf('href="/runs/run-1"'));
    expect(points).toContain('model changed');
    expect(points).toContain('ORT changed from 1.29.0');
    expect(points).toContain('href="/compare?runA=run-1&amp;runB=run-2"');
    expect(await fx.page(`/history?cell=${cellId(base)}&limit=1`)).not.toContain('href="/runs/run-1"');
  });
});
