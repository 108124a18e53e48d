import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineProbe, RunSummary } from '@ortfleet/core';
import { type DevServer } from '../apps/orchestrator/src/dev-server';
import { ortfleet, startDaemon, type Daemon } from './support/cli';
import { OCR_MODELS, REPO } from './support/env';
import { startTestStack } from './support/stack';
import { waitFor } from './support/wait';

const ARM64_NODE = join(REPO, 'scripts', 'arm64', 'node');

// A real aarch64 agent: arm64 Node and onnxruntime-node's linux/arm64 binary, run by qemu-user on this x86-64
// machine (scripts/arm64/setup.sh, run by `bootstrap.sh --with-arm64`). It probes itself, registers as its own
// (emulated) hardware class and runs real cells next to a native agent.
describe('an arm64 agent under qemu-user', () => {
  let server: DevServer;
  let env: Record<string, string>;
  let db: pg.Client;
  const daemons: Daemon[] = [];
  let arm: Daemon;

  beforeAll(async () => {
    if (!existsSync(join(REPO, '.ortfleet', 'tools', 'arm64', 'node', 'bin', 'node')))
      throw new Error('no arm64 toolchain: run scripts/bootstrap.sh --with-arm64 (or scripts/arm64/setup.sh)');
    ({ server, env } = await startTestStack());
    db = new pg.Client({ connectionString: env.DATABASE_URL });
    await db.connect();
    daemons.push(startDaemon('worker', ['worker'], env));
    const child = spawn(
      ARM64_NODE,
      ['--import', 'tsx', 'apps/cli/src/main.ts', 'agent', '--id', 'arm1', '--lock-port', '47299'],
      {
        cwd: REPO,
        env: { ...process.env, ...env, DATABASE_URL: '' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    arm = { name: 'arm1', child, stderr: '' };
    child.stderr!.on('data', (b: Buffer) => (arm.stderr += b.toString()));
    daemons.push(arm);
    await waitFor(
      'the arm64 agent to register',
      async () => (await db.query("select id from agents where id = 'arm1'")).rows.length === 1,
      300_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${arm.stderr.slice(-2000)}`);
    });
  }, 360_000);

  afterAll(async () => {
    for (const d of daemons) if (d.child.exitCode === null) d.child.kill('SIGKILL');
    await db?.end();
    await server?.stop();
  });

  it('probes an arm64 process and registers its own, emulated class', async () => {
    const { rows } = await db.query<{ hardware_class: string; probe: MachineProbe }>(
      "select hardware_class, probe from agents where id = 'arm1'",
    );
    const { hardware_class: hardwareClass, probe } = rows[0]!;
    expect(probe.os.arch).toBe('arm64');
    expect(probe.emulated).toBe(true);
    expect(hardwareClass).toMatch(/^arm64-emulated-/);
    expect(probe.cpu.simd).toContain('neon');
    expect(probe.eps).toEqual([expect.objectContaining({ name: 'cpu', available: true })]);
  });

  it('runs real cells on the arm64 agent', async () => {
    const { rows } = await db.query<{ hardware_class: string }>("select hardware_class from agents where id = 'arm1'");
    const spec = join(env.ORTFLEET_HOME!, 'arm.yaml');
    writeFileSync(
      spec,
      `name: arm64
models:
  - { name: cls, file: ${join(OCR_MODELS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx')}, inputs: { x: { shape: [batch, 3, 48, 192] } } }
matrix: { ep: [cpu], batch: [1, 2], intraOpThreads: [1] }
measure: { warmup: 1, minIterations: 5, minDurationMs: 200, maxDurationMs: 20000, cellTimeoutMs: 240000, profileIterations: 0 }
targets: [${rows[0]!.hardware_class}]
`,
    );
    const run = await ortfleet(['run', spec, '--json'], env, 600_000);
    expect(run.code, `${run.stdout}\n${run.stderr}\nthe arm64 agent said:\n${arm.stderr.slice(-4000)}`).toBe(0);
    const summary = JSON.parse(run.stdout) as RunSummary;
    expect(summary.cells.map((c) => [c.status, c.agentId, c.params.hardwareClass])).toEqual([
      ['ok', 'arm1', rows[0]!.hardware_class],
      ['ok', 'arm1', rows[0]!.hardware_class],
    ]);
    const { rows: results } = await db.query<{ provenance: { os: { arch: string } } }>(
      'select provenance from results',
    );
    expect(results.map((r) => r.provenance.os.arch)).toEqual(['arm64', 'arm64']);
    // Under qemu the control would time the emulator (docs/regressions.md): the emulated agent runs none.
    const { rows: controls } = await db.query('select 1 from control_results');
    expect(controls).toEqual([]);
  }, 600_000);
});
