import { statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS, type RunSummary } from '@ortfleet/core';
import { freePort, type DevServer } from '../apps/orchestrator/src/dev-server';
import { writeAddSpec } from './support/specs';
import { ortfleet, startDaemon, type Daemon } from './support/cli';
import { startTestStack } from './support/stack';
import { parsePrometheus, sampleSum, sampleValue, type MetricFamily } from './support/prometheus';
import { waitFor } from './support/wait';

/** Scrapes a /metrics endpoint and parses it strictly (a malformed exposition fails the test). */
async function scrape(port: number): Promise<Map<string, MetricFamily>> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(await res.text());
}

/** Each of ortfleet's families that a process serves carries the catalogue's type and help. */
function expectCatalogued(families: Map<string, MetricFamily>, prefix: string) {
  const defs = Object.values(METRICS).filter((m) => m.name.startsWith(prefix));
  for (const def of defs)
    if (families.has(def.name))
      expect(families.get(def.name), def.name).toMatchObject({ type: def.kind, help: def.help });
  for (const name of families.keys())
    if (name.startsWith('ortfleet_'))
      expect(
        defs.map((d) => d.name),
        `${name} is not in METRICS`,
      ).toContain(name);
}

/** Every stderr line of a daemon is one JSON object with time, level and msg. */
function jsonLines(daemon: Daemon): Record<string, unknown>[] {
  const lines = daemon.stderr.split('\n').filter((l) => l !== '');
  return lines.map((line) => {
    const record = JSON.parse(line) as Record<string, unknown>;
    expect(record, line).toMatchObject({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      level: expect.stringMatching(/^(debug|info|warn|error)$/),
      msg: expect.any(String),
    });
    expect(Object.keys(record).slice(0, 3)).toEqual(['time', 'level', 'msg']);
    return record;
  });
}

// A Temporal server of its own and `ortfleet worker`, `agent` and `serve` as daemons, each with a metrics
// port; the agent downloads the run's model from serve, so the model cache and HTTP series move too.
describe('Prometheus metrics and structured logs of the daemons', () => {
  let server: DevServer;
  let env: Record<string, string>;
  let home: string;
  const ports = { worker: 0, agent: 0, serve: 0, dashboard: 0 };
  const daemons: Record<string, Daemon> = {};
  const blockers: Server[] = [];

  beforeAll(async () => {
    ({ server, env, home } = await startTestStack());
    for (const key of Object.keys(ports) as (keyof typeof ports)[]) ports[key] = await freePort();
    const store = `http://127.0.0.1:${ports.dashboard}`;
    daemons.worker = startDaemon('worker', ['worker', '--metrics-port', String(ports.worker)], env);
    daemons.serve = startDaemon(
      'serve',
      ['serve', '--port', String(ports.dashboard), '--metrics-port', String(ports.serve)],
      env,
    );
    const db = new pg.Client({ connectionString: env.DATABASE_URL });
    await db.connect();
    /** Waits for `check`, failing at once when a daemon has exited. */
    const until = (what: string, check: () => Promise<boolean>) =>
      waitFor(
        what,
        async () => {
          const dead = Object.values(daemons).find((d) => d.child.exitCode !== null);
          if (dead) throw new Error(`${dead.name} exited with ${dead.child.exitCode}`);
          return check();
        },
        120_000,
      );
    try {
      // The agent checks its model store before it starts.
      await until('the dashboard to listen', () => fetch(`${store}/api/v1/runs`).then((r) => r.ok));
      // The variable works as well as the flag.
      daemons.agent = startDaemon('agent', ['agent', '--id', 'metrics-agent', '--model-store', store], {
        ...env,
        DATABASE_URL: '',
        ORTFLEET_METRICS_PORT: String(ports.agent),
      });
      await until(
        'the agent to register',
        async () =>
          (await db.query("select id from agents where id = 'metrics-agent'").catch(() => ({ rows: [] }))).rows
            .length === 1,
      );
    } catch (err) {
      throw new Error(
        `${(err as Error).message}\n${Object.values(daemons)
          .map((d) => `--- ${d.name}:\n${d.stderr.slice(-1500)}`)
          .join('\n')}`,
      );
    } finally {
      await db.end();
    }
  }, 180_000);

  afterAll(async () => {
    for (const d of Object.values(daemons)) if (d.child.exitCode === null) d.child.kill('SIGKILL');
    for (const b of blockers) b.close();
    await server?.stop();
  });

  it("serves the Temporal SDK's series and ortfleet's, with values that match the run", async () => {
    const spec = writeAddSpec(home, 'metrics');
    const res = await ortfleet(['run', spec, '--json'], env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toBe('');
    const summary = JSON.parse(res.stdout) as RunSummary;
    const ok = summary.cells.filter((c) => c.status === 'ok');
    expect(ok).toHaveLength(2);
    const hardwareClass = ok[0]!.params.hardwareClass;
    const cellTags = { status: 'ok', ep: 'cpu', hardware_class: hardwareClass };

    const agent = await scrape(ports.agent);
    expectCatalogued(agent, 'ortfleet_agent_');
    expect(sampleValue(agent, 'ortfleet_agent_cells_total', cellTags)).toBe(ok.length);
    expect(sampleSum(agent, 'ortfleet_agent_cells_total')).toBe(summary.cells.length);
    expect(sampleValue(agent, 'ortfleet_agent_cell_duration_seconds_count', cellTags)).toBe(ok.length);
    expect(sampleValue(agent, 'ortfleet_agent_cell_duration_seconds_sum', cellTags)).toBeGreaterThan(0);
    expect(sampleValue(agent, 'ortfleet_agent_cell_running')).toBe(0);
    expect(sampleSum(agent, 'ortfleet_agent_cell_phase')).toBe(0);
    // The model is its own fp32 reference: downloaded once for the first cell, then found in the cache.
    expect(sampleValue(agent, 'ortfleet_agent_model_cache_misses_total')).toBe(1);
    expect(sampleValue(agent, 'ortfleet_agent_model_cache_hits_total')).toBe(2 * ok.length - 1);
    expect(sampleValue(agent, 'ortfleet_agent_model_download_bytes_total')).toBe(statSync(join(home, 'add.onnx')).size);
    const agentQueue = { task_queue: `ortfleet-agents-${hardwareClass}` };
    expect(
      sampleValue(agent, 'temporal_worker_task_slots_available', { ...agentQueue, worker_type: 'ActivityWorker' }),
    ).toBe(1);
    expect(
      sampleValue(agent, 'temporal_activity_execution_latency_count', { ...agentQueue, activity_type: 'runCell' }),
    ).toBe(ok.length);
    expect(sampleValue(agent, 'temporal_num_pollers', { ...agentQueue, poller_type: 'activity_task' })).toBeGreaterThan(
      0,
    );

    const worker = await scrape(ports.worker);
    expectCatalogued(worker, 'ortfleet_worker_');
    expect(sampleValue(worker, 'ortfleet_worker_cell_results_total', cellTags)).toBe(ok.length);
    expect(sampleValue(worker, 'ortfleet_worker_persist_retries_total')).toBe(0);
    expect(sampleValue(worker, 'temporal_workflow_completed', { workflow_type: 'benchmarkRun' })).toBe(1);
    expect(
      sampleValue(worker, 'temporal_worker_task_slots_available', { worker_type: 'WorkflowWorker' }),
    ).toBeGreaterThan(0);
    // Visibility is asked every 10 s; the finished run leaves the gauge at 0.
    await waitFor(
      'no run in flight',
      async () => sampleValue(await scrape(ports.worker), 'ortfleet_worker_runs_in_flight') === 0,
      30_000,
    );

    expect((await fetch(`http://127.0.0.1:${ports.dashboard}/no/such/page`)).status).toBe(404);
    const serve = await scrape(ports.serve);
    expectCatalogued(serve, 'ortfleet_http_');
    expect(
      sampleValue(serve, 'ortfleet_http_requests_total', {
        method: 'GET',
        route: '/api/v1/models/files/:sha256',
        status: '200',
      }),
    ).toBe(1);
    expect(
      sampleValue(serve, 'ortfleet_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' }),
    ).toBe(1);
    expect(sampleSum(serve, 'ortfleet_http_requests_total', { route: '/api/v1/runs' })).toBeGreaterThan(0);
    expect(
      sampleValue(serve, 'ortfleet_http_request_duration_seconds_count', { method: 'GET', route: 'unmatched' }),
    ).toBe(1);
  });

  it('exits 2 naming a metrics port in use, and lists a bad one with the other bad settings', async () => {
    const blocker = createServer();
    blockers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    const busy = await ortfleet(['worker', '--metrics-port', String(taken)], env);
    expect([busy.code, busy.stderr]).toEqual([
      2,
      expect.stringContaining(`metrics port ${taken} on 127.0.0.1 is already in use`),
    ]);
    expect(busy.stdout).toBe('');

    const bad = await ortfleet(['serve', '--metrics-port', 'nine'], {
      ...env,
      ORTFLEET_LOG_LEVEL: 'loud',
      ORTFLEET_METRICS_HOST: 'metrics.local',
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--metrics-port: expected a TCP port 1-65535, got 'nine'/);
    expect(bad.stderr).toMatch(/ORTFLEET_LOG_LEVEL: expected one of debug, info, warn, error/);
    expect(bad.stderr).toMatch(/ORTFLEET_METRICS_HOST: expected an IP address/);
  });

  it('logs JSON lines on a stderr that is not a terminal, and each daemon stops cleanly', async () => {
    for (const d of Object.values(daemons)) {
      const exited = new Promise<number | null>((resolve) => d.child.once('exit', resolve));
      d.child.kill('SIGTERM');
      expect(await exited, `${d.name}: ${d.stderr}`).toBe(0);
    }
    const agent = jsonLines(daemons.agent!);
    expect(agent).toContainEqual(
      expect.objectContaining({
        level: 'info',
        msg: expect.stringMatching(/^agent metrics-agent: registered, polling /),
        agent: 'metrics-agent',
        taskQueue: expect.any(String),
      }),
    );
    expect(agent).toContainEqual(
      expect.objectContaining({ msg: `metrics on http://127.0.0.1:${ports.agent}/metrics` }),
    );
    const worker = jsonLines(daemons.worker!);
    expect(worker).toContainEqual(
      expect.objectContaining({ msg: `orchestrator worker polling on ${server.address}`, temporal: server.address }),
    );
    expect(worker.at(-1)).toMatchObject({ level: 'info', msg: 'shutting down' });
    const serve = jsonLines(daemons.serve!);
    expect(serve).toContainEqual(
      expect.objectContaining({
        msg: expect.stringMatching(/^dashboard on http:\/\/127\.0\.0\.1:/),
        url: `http://127.0.0.1:${ports.dashboard}/`,
      }),
    );
  });
});
