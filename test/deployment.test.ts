import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '@ortfleet/core';
import { type DevServer } from '../apps/orchestrator/src/dev-server';
import { writeClassifierSpec } from './support/specs';
import { ortfleet, startDaemon, type Daemon } from './support/cli';
import { OCR_MODELS } from './support/env';
import { startTestStack } from './support/stack';
import { waitFor } from './support/wait';

/** A TCP port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

// The deployment shape: a Temporal server of its own, `ortfleet worker` and `ortfleet agent` as separate
// processes, and `ortfleet run` submitting to them with TEMPORAL_ADDRESS and DATABASE_URL set.
describe('ortfleet against a running Temporal and PostgreSQL', () => {
  let server: DevServer;
  let env: Record<string, string>;
  const daemons: Daemon[] = [];

  function daemon(name: string, args: string[], extra: Record<string, string> = {}) {
    const started = startDaemon(name, args, { ...env, ...extra });
    daemons.push(started);
    return started;
  }

  beforeAll(async () => {
    ({ server, env } = await startTestStack());
    daemon('worker', ['worker']);
    // The agent gets no DATABASE_URL: it registers through Temporal.
    daemon('agent', ['agent', '--id', 'remote-agent-1'], { DATABASE_URL: '' });
    const db = new pg.Client({ connectionString: env.DATABASE_URL });
    await db.connect();
    await waitFor(
      'the agent to register',
      async () => {
        const { rows } = await db
          .query("select id from agents where id = 'remote-agent-1'")
          .catch(() => ({ rows: [] }));
        return rows.length === 1;
      },
      120_000,
    );
    await db.end();
  });

  afterAll(async () => {
    for (const d of daemons) if (d.child.exitCode === null) d.child.kill('SIGKILL');
    await server?.stop();
  });

  it('starts a run through the API with a token, shows it live, and serves its results', async () => {
    const created = await ortfleet(['token', 'create', 'ci', '--json'], env);
    expect(created.code).toBe(0);
    const { token } = JSON.parse(created.stdout) as { token: string };
    const port = await freePort();
    const serve = daemon('serve', ['serve', '--port', String(port)]);
    const api = `http://127.0.0.1:${port}`;
    await waitFor('the dashboard to listen', () => fetch(`${api}/api/v1/runs`).then((r) => r.ok), 60_000);
    const auth = { authorization: `Bearer ${token}` };

    const model = readFileSync(join(OCR_MODELS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx'));
    const upload = await fetch(`${api}/api/v1/models/files?name=cls.onnx`, {
      method: 'POST',
      headers: auth,
      body: model,
    });
    expect(upload.status).toBe(201);
    const stored = (await upload.json()) as { sha256: string; path: string };
    expect(stored.sha256).toBe(createHash('sha256').update(model).digest('hex'));

    const post = (spec: unknown) =>
      fetch(`${api}/api/v1/runs`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ spec }),
      });
    const bad = await post({ name: 'api', models: [{ name: 'cls', file: stored.path }], matrix: { batch: [0] } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'bad_spec', message: expect.stringContaining('matrix.batch[0]') });

    const started = await post({
      name: 'api',
      models: [{ name: 'cls', file: stored.path, inputs: { x: { shape: ['batch', 3, 48, 192] } } }],
      matrix: { ep: ['cpu'], batch: [1, 2], intraOpThreads: [1] },
      measure: { warmup: 2, minIterations: 20, minDurationMs: 1500, maxDurationMs: 5000, cellTimeoutMs: 60000 },
    });
    expect(started.status, serve.stderr).toBe(202);
    const { runId } = (await started.json()) as { runId: string };
    type Progress = {
      status: string;
      total: number | null;
      recorded: number;
      running: { agentId: string; cellId: string }[] | null;
    };
    const progress = async () => (await (await fetch(`${api}/api/v1/runs/${runId}/progress`)).json()) as Progress;
    // A cell scheduled but not yet taken is listed too, with no agent: wait for one an agent holds.
    const live = await waitFor(
      'an agent to be seen on a cell',
      async () => {
        const p = await progress();
        return p.running?.some((r) => r.agentId && r.cellId) ? p : undefined;
      },
      120_000,
    );
    expect(live).toMatchObject({
      status: 'running',
      total: 2,
      running: [{ agentId: 'remote-agent-1', cellId: expect.stringMatching(/\w+/) }],
    });
    await waitFor('the run to finish', async () => (await progress()).status !== 'running', 120_000);

    const results = (await (await fetch(`${api}/api/v1/results?run=${runId}&sort=p50Ms`)).json()) as {
      items: { status: string; agentId: string; modelSha256: string }[];
    };
    expect(results.items.map((r) => [r.status, r.agentId, r.modelSha256])).toEqual([
      ['ok', 'remote-agent-1', stored.sha256],
      ['ok', 'remote-agent-1', stored.sha256],
    ]);
    const board = (await (await fetch(`${api}/api/v1/leaderboard?model=cls&objective=throughput`)).json()) as {
      ranked: { result: { batch: number } }[];
    };
    expect(board.ranked).toHaveLength(2);
    const page = await (await fetch(`${api}/runs/${runId}`)).text();
    expect(page).toContain(runId);
  });

  it('runs a spec through the separate worker and agent, and both stop cleanly on SIGTERM', async () => {
    const spec = writeClassifierSpec(env.ORTFLEET_HOME!, 'remote', [1, 4]);
    const res = await ortfleet(['run', spec, '--json'], env);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const summary = JSON.parse(res.stdout) as RunSummary;
    expect(summary.cells.map((c) => [c.status, c.agentId])).toEqual([
      ['ok', 'remote-agent-1'],
      ['ok', 'remote-agent-1'],
    ]);

    for (const d of daemons) {
      const exited = new Promise<number | null>((resolve) => d.child.once('exit', resolve));
      d.child.kill('SIGTERM');
      expect(await exited, `${d.name}: ${d.stderr}`).toBe(0);
    }
  });
});
