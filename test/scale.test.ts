import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORCHESTRATOR_QUEUE, type RunSummary } from '@ortfleet/core';
import { openDatabase, type Database } from '@ortfleet/db';
import { freePort, type DevServer } from '../apps/orchestrator/src/dev-server';
import { ortfleet, startDaemon, type Daemon } from './support/cli';
import { startTestStack } from './support/stack';
import { writeTestModels } from './support/models';
import { startSimulatedAgent, type SimulatedAgent, type SimulatedCell } from './support/simulated-fleet';
import { waitFor } from './support/wait';

// Runs far larger than a real agent could measure in a test, over the real Temporal dev server, two real
// orchestrator workers and real PostgreSQL, with simulated agents (the load harness of
// test/support/simulated-fleet.ts) answering cells on their classes' real queues.
describe('fleet-scale runs', () => {
  let home: string;
  let server: DevServer;
  let env: Record<string, string>;
  let database: Database;
  let pool: pg.Pool;
  let client: Client;
  let model: string;
  const workers: Daemon[] = [];
  const agents: SimulatedAgent[] = [];
  const log: SimulatedCell[] = [];

  const startWorker = (name: string) => {
    const d = startDaemon(name, ['worker'], env);
    workers.push(d);
    return d;
  };
  const agent = async (agentId: string, hardwareClass: string, delayMs: number) => {
    const a = await startSimulatedAgent({
      address: server.address,
      namespace: 'default',
      db: database.db,
      agentId,
      hardwareClass,
      delayMs,
      log,
    });
    agents.push(a);
    return a;
  };
  const writeSpec = (name: string, body: string) => {
    const path = join(home, `${name}.yaml`);
    writeFileSync(path, `name: ${name}\nmodels:\n  - { name: add, file: ${model} }\n${body}`);
    return path;
  };
  const rows = async (runId: string) =>
    (
      await pool.query<{ cell_id: string; status: string; agent_id: string | null }>(
        'select cell_id, status, agent_id from results where run_id = $1',
        [runId],
      )
    ).rows;
  /** Every execution of a workflow id (continue-as-new makes several) with its history length. */
  const executions = async (workflowId: string) => {
    const out: { runId: string; events: number }[] = [];
    for await (const w of client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
      out.push({ runId: w.runId, events: w.historyLength });
    return out;
  };

  beforeAll(async () => {
    ({ server, env, home } = await startTestStack({ port: await freePort() }));
    database = await openDatabase({ databaseUrl: env.DATABASE_URL, home });
    pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 2 });
    client = new Client({ connection: await Connection.connect({ address: server.address }) });
    model = writeTestModels(home).add;
    startWorker('worker-1');
    startWorker('worker-2');
    await waitFor(
      'both orchestrator workers to poll',
      async () => {
        const res = await client.workflowService.describeTaskQueue({
          namespace: 'default',
          taskQueue: { name: ORCHESTRATOR_QUEUE },
          taskQueueType: 1,
        });
        return new Set((res.pollers ?? []).map((p) => p.identity)).size >= 2;
      },
      90_000,
    );
  }, 120_000);

  afterAll(async () => {
    for (const a of agents) await a.stop().catch(() => undefined);
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await client?.connection.close();
    await pool?.end();
    await database?.close();
    await server?.stop();
  });

  it('refuses a matrix beyond the run limit before anything starts, naming its size and axes', async () => {
    const threads = Array.from({ length: 201 }, (_, i) => i).join(', ');
    const batches = Array.from({ length: 500 }, (_, i) => i + 1).join(', ');
    const res = await ortfleet(
      ['run', writeSpec('huge', `matrix: { ep: [cpu, cuda], batch: [${batches}], intraOpThreads: [${threads}] }\n`)],
      env,
    );
    expect(res.code, res.stderr).toBe(2);
    expect(res.stderr).toContain(
      'matrix: expands to 201,000 cells per target, more than the 100,000 a run takes: ep 2 × batch 500 × intraOpThreads 201',
    );
  });

  it('writes a run of 3,000 cells that settle without an agent in batches, one row each, and prints it as JSON', async () => {
    await agent('sim-settle', 'sim-settle', 0);
    const batches = Array.from({ length: 750 }, (_, i) => i + 1).join(', ');
    // The class has only the CPU EP (cuda and tensorrt cells end unsupported); 'ghost' has no agent (unschedulable).
    const spec = writeSpec(
      'settled',
      `matrix: { ep: [cuda, tensorrt], batch: [${batches}], intraOpThreads: [1] }\ntargets: [sim-settle, ghost]\n`,
    );
    const res = await ortfleet(['run', spec, '--json', '--run-id', 'settled-1'], env, 300_000);
    expect(res.code, res.stderr).toBe(1);
    const summary = JSON.parse(res.stdout) as RunSummary;
    expect(summary).toMatchObject({ total: 3000, byStatus: { unsupported: 1500, unschedulable: 1500 } });
    expect(summary.cells).toHaveLength(3000);
    const recorded = await rows('settled-1');
    expect(recorded).toHaveLength(3000);
    expect(new Set(recorded.map((r) => r.cell_id)).size).toBe(3000);
    const history = await client.workflow.getHandle('settled-1').fetchHistory();
    const writes = history.events!.filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'persistResults',
    );
    expect(writes.length).toBeLessThanOrEqual(12);
    expect(history.events!.length).toBeLessThan(200);
  }, 300_000);

  it('runs 2,200 dispatched cells over four simulated agents with bounded histories; a worker SIGKILLed mid-run loses and doubles nothing', async () => {
    for (const [id, hw] of [
      ['sim-a1', 'sim-a'],
      ['sim-a2', 'sim-a'],
      ['sim-b1', 'sim-b'],
      ['sim-b2', 'sim-b'],
    ] as const)
      await agent(id, hw, 2);
    const batches = Array.from({ length: 550 }, (_, i) => i + 1).join(', ');
    const spec = writeSpec(
      'dispatched',
      `matrix: { ep: [cpu], batch: [${batches}], intraOpThreads: [1, 2] }\ntargets: [sim-a, sim-b]\n`,
    );
    const run = ortfleet(['run', spec, '--json', '--run-id', 'dispatched-1'], env, 600_000);
    await waitFor('500 results', async () => (await rows('dispatched-1')).length >= 500, 300_000);
    workers[0]!.child.kill('SIGKILL');
    startWorker('worker-1-again');

    const res = await run;
    expect(res.code, res.stderr).toBe(0);
    const summary = JSON.parse(res.stdout) as RunSummary;
    expect(summary).toMatchObject({ total: 2200, byStatus: { ok: 2200 } });
    const recorded = await rows('dispatched-1');
    expect(recorded).toHaveLength(2200);
    expect(new Set(recorded.map((r) => r.cell_id)).size).toBe(2200);
    expect(new Set(recorded.map((r) => r.agent_id))).toEqual(new Set(['sim-a1', 'sim-a2', 'sim-b1', 'sim-b2']));
    // Each class's shard continued as new past 1,000 cells; no execution's history came near 10,000 events.
    for (const shard of ['dispatched-1.sim-a', 'dispatched-1.sim-b']) {
      const runs = await executions(shard);
      expect(runs.length, shard).toBeGreaterThanOrEqual(2);
      for (const r of runs) expect(r.events, shard).toBeLessThan(10_000);
    }
  }, 600_000);

  it('gives cells to an agent that registers mid-run', async () => {
    await agent('sim-c1', 'sim-c', 100);
    const batches = Array.from({ length: 300 }, (_, i) => i + 1).join(', ');
    const spec = writeSpec(
      'joining',
      `matrix: { ep: [cpu], batch: [${batches}], intraOpThreads: [1] }\ntargets: [sim-c]\n`,
    );
    const run = ortfleet(['run', spec, '--json', '--run-id', 'joining-1'], env, 300_000);
    await waitFor('20 results', async () => (await rows('joining-1')).length >= 20, 120_000);
    await agent('sim-c2', 'sim-c', 100);
    const res = await run;
    expect(res.code, res.stderr).toBe(0);
    const byAgent = (await rows('joining-1')).reduce<Record<string, number>>(
      (acc, r) => ({ ...acc, [r.agent_id!]: (acc[r.agent_id!] ?? 0) + 1 }),
      {},
    );
    expect(byAgent['sim-c1']! + byAgent['sim-c2']!).toBe(300);
    expect(byAgent['sim-c2']).toBeGreaterThan(20);
  }, 300_000);

  it('says a run is stuck while no orchestrator worker serves it, and finishes once one is back', async () => {
    await agent('sim-d1', 'sim-d', 200);
    const batches = Array.from({ length: 60 }, (_, i) => i + 1).join(', ');
    const spec = writeSpec(
      'stuck',
      `matrix: { ep: [cpu], batch: [${batches}], intraOpThreads: [1] }\ntargets: [sim-d]\n`,
    );
    const live = { stderr: '' };
    const run = ortfleet(['run', spec, '--json', '--run-id', 'stuck-1'], env, 300_000, live);
    await waitFor('5 results', async () => (await rows('stuck-1')).length >= 5, 120_000);
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    const stuckSince = Date.now();
    await waitFor(
      'ortfleet run to say the run is stuck',
      () => /run stuck-1 is stuck: .*no orchestrator worker has taken its workflow task for \d+ s/.test(live.stderr),
      90_000,
    );
    expect(Date.now() - stuckSince).toBeLessThan(60_000);
    startWorker('worker-back');
    const res = await run;
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ total: 60, byStatus: { ok: 60 } });
    expect(await rows('stuck-1')).toHaveLength(60);
  }, 300_000);
});
