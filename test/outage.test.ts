import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '@ortfleet/core';
import { freePort, startDevServer, type DevServer } from '../apps/orchestrator/src/dev-server';
import { ortfleet, startDaemon, type Daemon } from './support/cli';
import { freshDatabase, OCR_MODELS, tempHome, temporalBinary } from './support/env';
import { startThrowawayPostgres, type ThrowawayPostgres } from './support/postgres';
import { waitFor } from './support/wait';

/** An 8-cell spec of the real PaddleOCR classifier, about a second a cell. */
function writeSpec(home: string): string {
  const spec = join(home, 'outage.yaml');
  writeFileSync(
    spec,
    `name: outage
models:
  - { name: cls, file: ${join(OCR_MODELS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx')}, inputs: { x: { shape: [batch, 3, 48, 192] } } }
matrix: { ep: [cpu], batch: [1, 2, 4, 8], intraOpThreads: [1, 2] }
measure: { warmup: 2, minIterations: 10, minDurationMs: 1000, maxDurationMs: 5000, cellTimeoutMs: 60000, profileIterations: 0 }
`,
  );
  return spec;
}

/** Waits until the agent has registered, which also means the orchestrator worker is polling. */
async function agentRegistered(url: string, id: string): Promise<void> {
  await waitFor(
    `agent ${id} to register`,
    async () => {
      const db = new pg.Client({ connectionString: url });
      await db.connect();
      try {
        return (await db.query('select 1 from agents where id = $1', [id])).rows.length === 1;
      } finally {
        await db.end();
      }
    },
    180_000,
  );
}

/** Results of a run, read with a connection of its own (the database may have been down since). */
async function resultRows(url: string, runId: string): Promise<{ cell_id: string; status: string }[]> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    return (
      await db.query<{ cell_id: string; status: string }>('select cell_id, status from results where run_id = $1', [
        runId,
      ])
    ).rows;
  } finally {
    await db.end();
  }
}

function expectEveryCellOnce(summary: RunSummary, rows: { cell_id: string; status: string }[]) {
  expect(summary.cells).toHaveLength(8);
  expect(summary.cells.every((c) => c.status === 'ok')).toBe(true);
  expect(rows).toHaveLength(8);
  expect(new Set(rows.map((r) => r.cell_id))).toEqual(new Set(summary.cells.map((c) => c.cellId)));
}

// The central services fail under a running benchmark; the run must still end with every result, once.
describe('outages mid-run', () => {
  const daemons: Daemon[] = [];
  let server: DevServer | undefined;
  let postgres: ThrowawayPostgres | undefined;

  afterEach(async () => {
    for (const d of daemons.splice(0)) if (d.child.exitCode === null) d.child.kill('SIGKILL');
    await server?.stop();
    postgres?.stop();
    server = postgres = undefined;
  });

  it('survives a restart of the Temporal server (same database file)', async () => {
    const home = tempHome();
    const port = await freePort();
    const temporal = { binary: temporalBinary(), dbFilename: join(home, 'temporal.db'), namespace: 'default', port };
    server = await startDevServer(temporal);
    const env = { TEMPORAL_ADDRESS: server.address, DATABASE_URL: await freshDatabase(), ORTFLEET_HOME: home };
    daemons.push(
      startDaemon('worker', ['worker'], env),
      startDaemon('agent', ['agent', '--id', 'restart-agent'], { ...env, DATABASE_URL: '' }),
    );
    await agentRegistered(env.DATABASE_URL, 'restart-agent');
    const run = ortfleet(['run', writeSpec(home), '--json', '--run-id', 'restart-1'], env, 600_000);
    await waitFor(
      'two results before the restart',
      async () => (await resultRows(env.DATABASE_URL, 'restart-1')).length >= 2,
      240_000,
    );
    await server.stop();
    server = await startDevServer(temporal);

    const done = await run;
    expect(done.code, `${done.stderr}\n${daemons.map((d) => d.stderr).join('\n')}`).toBe(0);
    expectEveryCellOnce(JSON.parse(done.stdout) as RunSummary, await resultRows(env.DATABASE_URL, 'restart-1'));
  }, 600_000);

  it('survives PostgreSQL being unreachable for a while', async () => {
    const home = tempHome();
    postgres = await startThrowawayPostgres();
    server = await startDevServer({
      binary: temporalBinary(),
      dbFilename: join(home, 'temporal.db'),
      namespace: 'default',
    });
    const env = { TEMPORAL_ADDRESS: server.address, DATABASE_URL: postgres.url, ORTFLEET_HOME: home };
    daemons.push(
      startDaemon('worker', ['worker'], env),
      startDaemon('agent', ['agent', '--id', 'outage-agent'], { ...env, DATABASE_URL: '' }),
    );
    await agentRegistered(env.DATABASE_URL, 'outage-agent');
    const run = ortfleet(['run', writeSpec(home), '--json', '--run-id', 'outage-1'], env, 600_000);
    await waitFor(
      'two results before the outage',
      async () => (await resultRows(env.DATABASE_URL, 'outage-1')).length >= 2,
      240_000,
    );
    postgres.pause();

    // The outage is real when a result write has failed and is being retried.
    const connection = await Connection.connect({ address: server.address });
    try {
      const client = new Client({ connection });
      // The run's cells are written by its shard workflows, one per hardware class.
      await waitFor(
        'a result write to fail and retry',
        async () => {
          const run = (await client.workflow.getHandle('outage-1').describe()).raw;
          const shards = await Promise.all(
            (run.pendingChildren ?? []).map((c) => client.workflow.getHandle(c.workflowId!).describe()),
          );
          const pending = shards.flatMap((s) => s.raw.pendingActivities ?? []);
          return pending.some((a) => a.activityType?.name === 'persistResults' && (a.attempt ?? 0) >= 2);
        },
        120_000,
      );
    } finally {
      await connection.close();
    }
    postgres.resume();

    const done = await run;
    expect(done.code, `${done.stderr}\n${daemons.map((d) => d.stderr).join('\n')}`).toBe(0);
    expectEveryCellOnce(JSON.parse(done.stdout) as RunSummary, await resultRows(env.DATABASE_URL, 'outage-1'));
  }, 600_000);
});
