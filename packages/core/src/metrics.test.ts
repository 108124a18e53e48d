import { describe, expect, it } from 'vitest';
import { createMetric, histogramBuckets, METRICS, type MetricMeter } from './metrics';

describe('METRICS', () => {
  it('names every series ortfleet_ in Prometheus style, with help and sorted buckets', () => {
    for (const m of Object.values(METRICS)) {
      expect(m.name).toMatch(/^ortfleet_[a-z0-9_]+$/);
      expect(m.help.length).toBeGreaterThan(10);
      if (m.kind === 'counter') expect(m.name).toMatch(/_total$/);
      else expect(m.name).not.toMatch(/_total$/);
      for (const label of m.labels) expect(label).toMatch(/^[a-z][a-z0-9_]*$/);
      if (m.kind === 'histogram') {
        expect(m.name).toMatch(/_seconds$/);
        expect([...m.buckets].sort((a, b) => a - b)).toEqual([...m.buckets]);
      }
    }
    const names = Object.values(METRICS).map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('gives the exporter the bucket bounds of each histogram', () => {
    expect(histogramBuckets()).toEqual({
      ortfleet_agent_cell_duration_seconds: [...METRICS.agentCellDuration.buckets],
      ortfleet_http_request_duration_seconds: [...METRICS.httpRequestDuration.buckets],
    });
  });
});

describe('createMetric', () => {
  it('creates each kind on the meter with its name, unit and help; histograms of seconds as floats', () => {
    const created: unknown[][] = [];
    const meter: MetricMeter = {
      createCounter: (...args) => (created.push(['counter', ...args]), { add: () => {} }),
      createGauge: (...args) => (created.push(['gauge', ...args]), { set: () => {} }),
      createHistogram: (...args) => (created.push(['histogram', ...args]), { record: () => {} }),
    };
    createMetric(meter, METRICS.agentCells);
    createMetric(meter, METRICS.agentCellRunning);
    createMetric(meter, METRICS.agentCellDuration);
    expect(created).toEqual([
      ['counter', 'ortfleet_agent_cells_total', '', METRICS.agentCells.help],
      ['gauge', 'ortfleet_agent_cell_running', 'int', '', METRICS.agentCellRunning.help],
      ['histogram', 'ortfleet_agent_cell_duration_seconds', 'float', 's', METRICS.agentCellDuration.help],
    ]);
  });
});
