import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '@ortfleet/core';
import { startDevServer, type DevServer } from '../apps/orchestrator/src/dev-server';
import { ortfleet } from './support/cli';
import { freshDatabase, OCR_MODELS, REPO, tempHome, temporalBinary } from './support/env';
import { waitFor } from './support/wait';

// The deployment shape: a Temporal server of its own, `ortfleet worker` and `ortfleet agent` as separate
// processes, and `ortfleet run` submitting to them with TEMPORAL_ADDRESS and DATABASE_URL set.
describe('ortfleet against a running Temporal and PostgreSQL', () => {
  let server: DevServer;
  let env: Record<string, string>;
  const daemons: { name: string; child: ChildProcess; stderr: string }[] = [];

  function daemon(name: string, args: string[], extra: Record<string, string> = {}) {
    // Node itself rather than pnpm, so that SIGTERM reaches the ortfleet process as a supervisor's would.
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/orchestrator/src/cli/main.ts', ...args], { cwd: REPO, env: { ...process.env, ...env, ...extra }, stdio: ['ignore', 'ignore', 'pipe'] });
    const entry = { name, child, stderr: '' };
    child.stderr!.on('data', (d: Buffer) => (entry.stderr += d.toString()));
    daemons.push(entry);
    return entry;
  }

  beforeAll(async () => {
    const home = tempHome();
    server = await startDevServer({ binary: temporalBinary(), dbFilename: join(home, 'temporal.db'), namespace: 'default' });
    env = { TEMPORAL_ADDRESS: server.address, DATABASE_URL: await freshDatabase(), ORTFLEET_HOME: home };
    daemon('worker', ['worker']);
    // The agent gets no DATABASE_URL: it registers through Temporal.
    daemon('agent', ['agent', '--id', 'remote-agent-1'], { DATABASE_URL: '' });
    const db = new pg.Client({ connectionString: env.DATABASE_URL });
    await db.connect();
    await waitFor('the agent to register', async () => {
      const { rows } = await db.query("select id from agents where id = 'remote-agent-1'").catch(() => ({ rows: [] }));
      return rows.length === 1;
    }, 120_000);
    await db.end();
  });

  afterAll(async () => {
    for (const d of daemons) if (d.child.exitCode === null) d.child.kill('SIGKILL');
    await server?.stop();
  });

  it('runs a spec through the separate worker and agent, and both stop cleanly on SIGTERM', async () => {
    const spec = join(env.ORTFLEET_HOME!, 'spec.yaml');
    writeFileSync(
      spec,
      `name: remote
models:
  - name: ppocr-cls
    file: ${join(OCR_MODELS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx')}
    inputs: { x: { shape: [batch, 3, 48, 192] } }
matrix: { ep: [cpu], batch: [1, 4], intraOpThreads: [1] }
measure: { warmup: 2, minIterations: 20, minDurationMs: 300, maxDurationMs: 5000, cellTimeoutMs: 60000 }
`,
    );
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
