import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MetricMeter, MetricTags } from '@ortfleet/core';
import { agentMetrics } from './metrics';
import { hashFile } from '@ortfleet/model-store';
import { ModelCache } from './models/cache';

/** A meter that keeps each series' latest value (gauges) or total (counters), by `name{tags}`. */
function recordingMeter() {
  const values = new Map<string, number>();
  const key = (name: string, tags: MetricTags = {}) => `${name}${JSON.stringify(tags)}`;
  const meter: MetricMeter = {
    createCounter: (name) => ({
      add: (v, tags) => void values.set(key(name, tags), (values.get(key(name, tags)) ?? 0) + v),
    }),
    createGauge: (name) => ({ set: (v, tags) => void values.set(key(name, tags), v) }),
    createHistogram: (name) => ({
      record: (v, tags) =>
        void values.set(key(`${name}_count`, tags), (values.get(key(`${name}_count`, tags)) ?? 0) + 1),
    }),
  };
  return { meter, value: (name: string, tags?: MetricTags) => values.get(key(name, tags)), values };
}

describe('agentMetrics', () => {
  it('starts every series at 0, so an idle agent shows them', () => {
    const { meter, values } = recordingMeter();
    agentMetrics(meter);
    expect([...values.values()].every((v) => v === 0)).toBe(true);
    expect([...values.keys()]).toEqual(
      expect.arrayContaining([
        'ortfleet_agent_cell_running{}',
        'ortfleet_agent_cell_phase{"phase":"timed-loop"}',
        'ortfleet_agent_model_cache_hits_total{}',
      ]),
    );
  });

  it('shows one phase at 1 while a cell runs and none after, and counts the cell by outcome', () => {
    const { meter, value } = recordingMeter();
    const metrics = agentMetrics(meter);
    metrics.cellStarted('waiting-for-host');
    metrics.cellPhase('fetching-model');
    metrics.cellPhase('timed-loop');
    expect(value('ortfleet_agent_cell_running')).toBe(1);
    expect(
      ['waiting-for-host', 'fetching-model', 'timed-loop'].map((phase) =>
        value('ortfleet_agent_cell_phase', { phase }),
      ),
    ).toEqual([0, 0, 1]);
    const tags = { status: 'timeout', ep: 'cpu', hardware_class: 'x86' };
    metrics.cellEnded({ status: 'timeout', ep: 'cpu', hardwareClass: 'x86', seconds: 3 });
    expect(value('ortfleet_agent_cell_running')).toBe(0);
    expect(value('ortfleet_agent_cell_phase', { phase: 'timed-loop' })).toBe(0);
    expect(value('ortfleet_agent_cells_total', tags)).toBe(1);
    expect(value('ortfleet_agent_cell_duration_seconds_count', tags)).toBe(1);
  });

  it('does not count a cell that ended without an outcome (cancelled while waiting for the host)', () => {
    const { meter, value } = recordingMeter();
    const metrics = agentMetrics(meter);
    metrics.cellStarted('waiting-for-host');
    metrics.cellEnded();
    expect(value('ortfleet_agent_cell_running')).toBe(0);
    expect(value('ortfleet_agent_cell_phase', { phase: 'waiting-for-host' })).toBe(0);
  });

  it('counts a model checked in place as a miss the first time and a hit after', async () => {
    const { meter, value } = recordingMeter();
    const dir = mkdtempSync(join(tmpdir(), 'ortfleet-metrics-'));
    const file = join(dir, 'model.onnx');
    writeFileSync(file, 'not really a model');
    const cache = new ModelCache({ dir: join(dir, 'cache'), maxBytes: 1 << 20, metrics: agentMetrics(meter) });
    await cache.prepare();
    const ref = { path: file, sha256: await hashFile(file) };
    await cache.resolve(ref);
    await cache.resolve(ref);
    await cache.resolve({ path: file });
    expect([
      value('ortfleet_agent_model_cache_misses_total'),
      value('ortfleet_agent_model_cache_hits_total'),
      value('ortfleet_agent_model_download_bytes_total'),
    ]).toEqual([1, 1, 0]);
  });
});
