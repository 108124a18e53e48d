import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineCheck } from '@ortfleet/agent';
import type { RunSummary } from '@ortfleet/core';
import { startDevServer, type DevServer } from '../apps/orchestrator/src/dev-server';
import { writeClassifierSpec } from './support/specs';
import { barePath } from './support/bare-path';
import { ortfleet, startDaemon, type Daemon } from './support/cli';
import { freshDatabase, REPO, temporalBinary } from './support/env';
import { runCommand } from './support/run-command';
import { waitFor } from './support/wait';

// The agent as one download: unpacked outside the clone and run with a PATH that has no node, it uses only
// what the archive carries (its own Node, the bundled agent, onnxruntime-node's and Temporal's libraries).
describe.runIf(process.platform === 'linux' && process.arch === 'x64')('the linux-x64 agent archive', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ortfleet-archive-'));
  const agentDir = join(dir, 'ortfleet-agent-linux-x64');
  const path = barePath(['node', 'nodejs', 'npm', 'npx', 'corepack', 'pnpm', 'tsx']);
  let server: DevServer;
  let worker: Daemon;
  let agent: ChildProcess | undefined;
  let agentStderr = '';
  let env: Record<string, string>;

  beforeAll(async () => {
    // Fast compression: this test is about what the archive holds, not its size.
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build-agent.ts', 'linux-x64'], {
      cwd: REPO,
      stdio: 'ignore',
      env: { ...process.env, ORTFLEET_ARCHIVE_FAST: '1' },
    });
    execFileSync('tar', ['xJf', join(REPO, 'dist/agent/ortfleet-agent-linux-x64.tar.xz'), '-C', dir]);
    const home = join(dir, 'home');
    server = await startDevServer({
      binary: temporalBinary(),
      dbFilename: join(dir, 'temporal.db'),
      namespace: 'default',
    });
    env = { TEMPORAL_ADDRESS: server.address, DATABASE_URL: await freshDatabase(), ORTFLEET_HOME: home };
    worker = startDaemon('worker', ['worker'], env);
  }, 300_000);

  afterAll(async () => {
    if (agent && agent.exitCode === null) agent.kill('SIGKILL');
    if (worker && worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await server?.stop();
  });

  it('checks the machine with its own Node: probe, a real model on the CPU EP, parity', async () => {
    expect(() => execFileSync('sh', ['-c', 'command -v node'], { env: { PATH: path } })).toThrow();
    const res = await runCommand('./ortfleet-agent', ['check', '--json', '--ep', 'cpu', '--seconds', '1'], {
      cwd: agentDir,
      env: { PATH: path, HOME: dir, ORTFLEET_HOME: join(dir, 'home') },
      timeoutMs: 180_000,
    });
    expect(res.code, res.stderr).toBe(0);
    const check = JSON.parse(res.stdout) as MachineCheck;
    expect(check.hardwareClass).toMatch(/^[a-z0-9][a-z0-9._-]+$/);
    expect(check.probe.nodeVersion).toMatch(/^v?22\./);
    expect(check.raw._eps.find((e) => e.name === 'cpu')?.available).toBe(true);
    const [cpu] = check.cells;
    expect(cpu?.ep).toBe('cpu');
    expect(cpu?.outcome.status).toBe('ok');
    expect(cpu?.outcome.measurement?.iterations).toBeGreaterThanOrEqual(20);
    expect(cpu?.outcome.parity?.ok).toBe(true);
    expect(cpu?.outcome.provenance?.ortfleetCommit).toBe(
      execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim(),
    );
  }, 200_000);

  it('registers with the orchestrator and runs real cells of a run', async () => {
    agent = spawn('./ortfleet-agent', ['--id', 'archive-agent'], {
      cwd: agentDir,
      env: { PATH: path, HOME: dir, TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS!, ORTFLEET_HOME: join(dir, 'agent-home') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    agent.stderr!.on('data', (d: Buffer) => (agentStderr += d.toString()));
    const db = new pg.Client({ connectionString: env.DATABASE_URL });
    await db.connect();
    try {
      await waitFor(
        'the archive agent to register',
        async () => {
          if (agent!.exitCode !== null) throw new Error(`agent exited ${agent!.exitCode}: ${agentStderr}`);
          const { rows } = await db
            .query("select id from agents where id = 'archive-agent'")
            .catch(() => ({ rows: [] }));
          return rows.length === 1;
        },
        120_000,
      );
    } finally {
      await db.end();
    }
    const spec = writeClassifierSpec(dir, 'archive', [1, 2]);
    const res = await ortfleet(['run', spec, '--json'], env);
    expect(res.code, `${res.stderr}\nagent: ${agentStderr}`).toBe(0);
    const summary = JSON.parse(res.stdout) as RunSummary;
    expect(summary.cells.map((c) => [c.status, c.agentId])).toEqual([
      ['ok', 'archive-agent'],
      ['ok', 'archive-agent'],
    ]);
    // The archive carries the control model too: the agent measured its control around its share.
    const controls = new pg.Client({ connectionString: env.DATABASE_URL });
    await controls.connect();
    const { rows } = await controls.query(
      'select position from control_results where run_id = $1 and agent_id = $2 order by position',
      [summary.runId, 'archive-agent'],
    );
    await controls.end();
    expect(rows.map((r) => r.position)).toEqual(['end', 'middle', 'start']);
    const exited = new Promise<number | null>((resolve) => agent!.once('exit', resolve));
    agent!.kill('SIGTERM');
    expect(await exited, agentStderr).toBe(0);
  }, 300_000);
});
