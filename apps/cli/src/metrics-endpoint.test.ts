import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { agentMetrics } from '@ortfleet/agent';
import { BadInputError, createLogger, METRICS } from '@ortfleet/core';
import { parsePrometheus, sampleValue } from '../../../test/support/prometheus';
import {
  assertMetricsPortFree,
  bindAddress,
  freePort,
  installRuntime,
  metricsEndpoint,
  workerMetrics,
} from '@ortfleet/orchestrator';

const servers: Server[] = [];

afterAll(() => {
  for (const s of servers) s.close();
});

/** A port something listens on. */
async function takenPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

describe('metrics endpoint settings', () => {
  it('is off unless a port is given, and binds 127.0.0.1 by default', () => {
    expect(metricsEndpoint({})).toBeUndefined();
    expect(metricsEndpoint({ ORTFLEET_METRICS_PORT: 9464 })).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(bindAddress({ host: '0.0.0.0', port: 9464 })).toBe('0.0.0.0:9464');
    expect(bindAddress({ host: '::', port: 9464 })).toBe('[::]:9464');
  });

  it('refuses a port already in use as bad input naming it', async () => {
    const port = await takenPort();
    const refused = await assertMetricsPortFree({ host: '127.0.0.1', port }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(BadInputError);
    expect((refused as Error).message).toBe(
      `metrics port ${port} on 127.0.0.1 is already in use (--metrics-port / ORTFLEET_METRICS_PORT)`,
    );
    await expect(assertMetricsPortFree({ host: '127.0.0.1', port: await freePort() })).resolves.toBeUndefined();
  });
});

// One Temporal runtime per process: this file installs it once, with the Prometheus exporter.
describe('installRuntime with a metrics endpoint', () => {
  it("serves ortfleet's series, recorded through the runtime's meter, as valid Prometheus text", async () => {
    const port = await freePort();
    const lines: string[] = [];
    const meter = installRuntime({
      logger: createLogger({ level: 'info', format: 'json', write: (l) => lines.push(l) }),
      sdkLevel: 'WARN',
      metrics: { host: '127.0.0.1', port },
    });
    const agent = agentMetrics(meter);
    agent.cellStarted('waiting-for-host');
    agent.cellPhase('timed-loop');
    agent.cellEnded({ status: 'ok', ep: 'cpu', hardwareClass: 'x86-avx2', seconds: 1.5 });
    agent.cellStarted('waiting-for-host');
    agent.cellPhase('session');
    agent.miss();
    agent.downloaded(1234);
    agent.hit();
    const worker = workerMetrics(meter);
    worker.persisted({ status: 'unschedulable', params: { ep: 'cuda', hardwareClass: 'nvidia-h100' } as never }, 2);
    worker.runsInFlight(3);

    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const families = parsePrometheus(text);
    for (const m of [METRICS.agentCells, METRICS.agentCellDuration, METRICS.agentCellPhase, METRICS.workerRunsInFlight])
      expect(families.get(m.name), m.name).toMatchObject({ type: m.kind, help: m.help });
    const ok = { status: 'ok', ep: 'cpu', hardware_class: 'x86-avx2' };
    expect(sampleValue(families, 'ortfleet_agent_cells_total', ok)).toBe(1);
    expect(sampleValue(families, 'ortfleet_agent_cell_duration_seconds_count', ok)).toBe(1);
    expect(sampleValue(families, 'ortfleet_agent_cell_duration_seconds_sum', ok)).toBe(1.5);
    expect(sampleValue(families, 'ortfleet_agent_cell_duration_seconds_bucket', { ...ok, le: '1' })).toBe(0);
    expect(sampleValue(families, 'ortfleet_agent_cell_duration_seconds_bucket', { ...ok, le: '2.5' })).toBe(1);
    // A second cell is on, in its session phase; the first one's phases are back to 0.
    expect(sampleValue(families, 'ortfleet_agent_cell_running')).toBe(1);
    expect(
      families
        .get('ortfleet_agent_cell_phase')!
        .samples.filter((s) => s.value === 1)
        .map((s) => s.labels),
    ).toEqual([{ phase: 'session' }]);
    expect(sampleValue(families, 'ortfleet_agent_model_cache_hits_total')).toBe(1);
    expect(sampleValue(families, 'ortfleet_agent_model_cache_misses_total')).toBe(1);
    expect(sampleValue(families, 'ortfleet_agent_model_download_bytes_total')).toBe(1234);
    expect(
      sampleValue(families, 'ortfleet_worker_cell_results_total', {
        status: 'unschedulable',
        ep: 'cuda',
        hardware_class: 'nvidia-h100',
      }),
    ).toBe(1);
    expect(sampleValue(families, 'ortfleet_worker_persist_retries_total')).toBe(1);
    expect(sampleValue(families, 'ortfleet_worker_runs_in_flight')).toBe(3);
    expect(lines).toEqual([]);
  });
});
