import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '@ortfleet/core';
import { freePort, type DevServer } from '../apps/orchestrator/src/dev-server';
import { ortfleet, startDaemon, type Daemon } from './support/cli';
import { OCR_MODELS, REPO } from './support/env';
import { startTestStack } from './support/stack';
import { createHosts, type TestHosts } from './support/hosts';
import { waitFor } from './support/wait';

const MODEL = 'ch_ppocr_mobile_v2.0_cls_infer.onnx';

// Four agents on three hosts (network namespaces: own address, own loopback), two hardware classes, the
// model shipped by hash from `ortfleet serve` into each agent's own cache, and one agent killed with SIGKILL
// in the middle of a cell. The figures in README's "Fleet" section come from this test.
describe('a fleet of agents on separate hosts', () => {
  let hosts: TestHosts;
  let server: DevServer;
  let env: Record<string, string>;
  let db: pg.Client;
  let home: string;
  let store: string;
  const daemons: Record<string, Daemon> = {};

  /** Starts `ortfleet agent` inside a host, pinned to `cpus`, with its own cache. */
  function agent(id: string, host: string, cpus: string, flags: string[]): Daemon {
    const child = spawn(
      'ip',
      [
        'netns',
        'exec',
        host,
        'taskset',
        '-c',
        cpus,
        process.execPath,
        '--import',
        'tsx',
        'apps/cli/src/main.ts',
        'agent',
        '--id',
        id,
        '--cache-dir',
        join(home, `cache-${id}`),
        ...flags,
      ],
      {
        cwd: REPO,
        env: { ...process.env, ...env, DATABASE_URL: '', ORTFLEET_MODEL_STORE: store },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const d: Daemon = { name: id, child, stderr: '' };
    child.stderr!.on('data', (b: Buffer) => (d.stderr += b.toString()));
    daemons[id] = d;
    return d;
  }

  beforeAll(async () => {
    hosts = createHosts(3);
    ({ server, env, home } = await startTestStack({ ip: '0.0.0.0', host: hosts.gateway }));
    db = new pg.Client({ connectionString: env.DATABASE_URL });
    await db.connect();
    daemons.worker = startDaemon('worker', ['worker'], env);
    const port = await freePort();
    store = `http://${hosts.gateway}:${port}`;
    daemons.serve = startDaemon('serve', ['serve', '--host', hosts.gateway, '--port', String(port)], env);
    await waitFor('the dashboard to listen', () => fetch(`${store}/api/v1/runs`).then((r) => r.ok), 60_000);

    const [h1, h2, h3] = hosts.hosts.map((h) => h.name) as [string, string, string];
    // a1 and a4 share host h1 (and its lock); a2 is the one to be killed; a3 is a class of its own.
    agent('a1', h1, '0', ['--labels', 'pool=ci']);
    agent('a4', h1, '0', ['--labels', 'pool=ci']);
    agent('a2', h2, '1', ['--labels', 'pool=ci']);
    agent('a3', h3, '1', ['--labels', 'pool=ci,region=eu', '--class', 'fleet-b']);
    await waitFor(
      'four agents to register',
      async () => (await db.query('select id from agents')).rows.length === 4,
      180_000,
    ).catch((err: Error) => {
      throw new Error(
        `${err.message}\n${Object.values(daemons)
          .map((d) => `--- ${d.name}:\n${d.stderr.slice(-1500)}`)
          .join('\n')}`,
      );
    });
  }, 240_000);

  afterAll(async () => {
    for (const d of Object.values(daemons)) if (d.child.exitCode === null) d.child.kill('SIGKILL');
    await db?.end();
    await server?.stop();
    hosts?.remove();
  });

  it('lists the fleet: classes, labels, addresses', async () => {
    const fleet = await ortfleet(['fleet', '--json'], env);
    expect(fleet.code).toBe(0);
    const agents = JSON.parse(fleet.stdout) as { id: string; hardwareClass: string; labels: Record<string, string> }[];
    expect(agents.map((a) => a.id).sort()).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(agents.find((a) => a.id === 'a3')).toMatchObject({
      hardwareClass: 'fleet-b',
      labels: { pool: 'ci', region: 'eu' },
    });
    expect(new Set(agents.map((a) => a.hardwareClass)).size).toBe(2);
    const table = await ortfleet(['fleet'], env);
    expect(table.stdout).toMatch(/AGENT\s+CLASS/);
    expect(table.stdout).toMatch(/a3\s+fleet-b/);
  });

  it('completes a 32-cell run across two classes with one agent killed mid-cell: one result per cell', async () => {
    const token = JSON.parse((await ortfleet(['token', 'create', 'fleet', '--json'], env)).stdout) as { token: string };
    mkdirSync(join(home, 'src'));
    const model = join(home, 'src', MODEL);
    copyFileSync(join(OCR_MODELS, MODEL), model);
    const spec = join(home, 'fleet.yaml');
    writeFileSync(
      spec,
      `name: fleet
models:
  - { name: cls, file: ${model}, inputs: { x: { shape: [batch, 3, 48, 192] } } }
matrix: { ep: [cpu], batch: [1, 2, 4, 8], intraOpThreads: [1, 2], graphOptimization: [basic, all] }
measure: { warmup: 2, minIterations: 10, minDurationMs: 1500, maxDurationMs: 5000, cellTimeoutMs: 60000, profileIterations: 0 }
targets: [{ labels: { pool: ci } }]
`,
    );
    const run = ortfleet(
      ['run', spec, '--json', '--run-id', 'fleet-1'],
      { ...env, ORTFLEET_MODEL_STORE: store, ORTFLEET_TOKEN: token.token },
      600_000,
    );

    // Kill a2 while it is measuring a cell; that cell must end once, by another agent. a2 is frozen first and
    // the cell asked for again: a cell a2 finished between the two questions is not a victim (a2 thaws and the
    // test waits for the next one), and a frozen a2 cannot report one finished any more.
    type Progress = { running: { agentId: string; cellId: string; phase: string | null }[] | null; recorded: number };
    const heldByA2 = async () => {
      const res = await fetch(`${store}/api/v1/runs/fleet-1/progress`);
      if (!res.ok) return undefined;
      const p = (await res.json()) as Progress;
      return p.recorded >= 1 ? p.running?.find((c) => c.agentId === 'a2') : undefined;
    };
    const victim = await waitFor(
      'a2 to hold a cell',
      async () => {
        const held = await heldByA2();
        if (!held) return undefined;
        daemons.a2!.child.kill('SIGSTOP');
        if ((await heldByA2().catch(() => undefined))?.cellId === held.cellId) return held;
        daemons.a2!.child.kill('SIGCONT');
        return undefined;
      },
      180_000,
    );
    daemons.a2!.child.kill('SIGKILL');

    const done = await run;
    expect(done.code, done.stderr).toBe(0);
    const summary = JSON.parse(done.stdout) as RunSummary;
    expect(summary.cells).toHaveLength(32);
    expect(summary.cells.every((c) => c.status === 'ok')).toBe(true);

    const { rows } = await db.query<{
      cell_id: string;
      status: string;
      agent_id: string;
      hardware_class: string;
      model_sha256: string;
    }>("select cell_id, status, agent_id, hardware_class, model_sha256 from results where run_id = 'fleet-1'");
    expect(rows).toHaveLength(32);
    expect(new Set(rows.map((r) => r.cell_id)).size).toBe(32);
    const classB = rows.filter((r) => r.hardware_class === 'fleet-b');
    expect(classB).toHaveLength(16);
    expect(classB.every((r) => r.agent_id === 'a3')).toBe(true);
    expect(new Set(rows.filter((r) => r.hardware_class !== 'fleet-b').map((r) => r.hardware_class)).size).toBe(1);
    const retried = rows.find((r) => r.cell_id === victim.cellId)!;
    expect(retried.status).toBe('ok');
    expect(['a1', 'a4']).toContain(retried.agent_id);

    // Every agent that ran a cell fetched the model by hash into its own cache.
    const sha = rows[0]!.model_sha256;
    for (const id of new Set(rows.map((r) => r.agent_id)))
      expect(readdirSync(join(home, `cache-${id}`, 'sha256'))).toContain(`${sha}.onnx`);
    expect(existsSync(join(home, 'models', 'sha256', `${sha}.onnx`))).toBe(true);
    // Every agent that lived through the run measured its control at the start of its share (a2 was killed
    // holding a cell, and what it measured went with it); a3, alone in its class, at the middle and end too.
    const controls = await db.query<{ agent_id: string; positions: string[] }>(
      `select agent_id, array_agg(position order by position) as positions from control_results
        where run_id = 'fleet-1' group by agent_id`,
    );
    const positions = new Map(controls.rows.map((r) => [r.agent_id, r.positions]));
    for (const id of new Set(rows.map((r) => r.agent_id)))
      if (id !== 'a2') expect(positions.get(id), `${id}: ${JSON.stringify(controls.rows)}`).toContain('start');
    expect(positions.get('a3')).toEqual(['end', 'middle', 'start']);
    const factors = await db.query<{ agent_id: string; control_factor: number | null }>(
      "select distinct agent_id, control_factor from results where run_id = 'fleet-1' and agent_id <> 'a2'",
    );
    expect(
      factors.rows.every((r) => r.control_factor === 1),
      JSON.stringify(factors.rows),
    ).toBe(true);
    // a1 and a4 share a host: one of them had to wait for the other's lock.
    expect(daemons.a1!.stderr + daemons.a4!.stderr).toMatch(/waits for the host lock .* held by ortfleet agent a[14]/);
  }, 600_000);
});
