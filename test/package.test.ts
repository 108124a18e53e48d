import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '@ortfleet/core';
import { barePath } from './support/bare-path';
import { REPO, temporalBinary } from './support/env';
import { runCommand } from './support/run-command';

// The built CLI as a user installs it: `pnpm build`, `npm pack`, `npm install -g` into a clean prefix, then
// `ortfleet` from a folder that is not the clone, with no pnpm, tsx or TypeScript in reach.
describe('the ortfleet npm package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ortfleet-package-'));
  const prefix = join(dir, 'prefix');
  const work = join(dir, 'work');
  let env: Record<string, string>;

  beforeAll(() => {
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { cwd: REPO, stdio: 'ignore' });
    execFileSync('npm', ['pack', '--silent', '--pack-destination', dir, join(REPO, 'dist/ortfleet')], {
      stdio: 'ignore',
    });
    const tarball = join(
      dir,
      readdirSync(dir).find((f) => f.endsWith('.tgz'))!,
    );
    // onnxruntime-node's install script would download CUDA libraries from outside the npm registry.
    execFileSync(
      'npm',
      [
        'install',
        '--global',
        '--prefix',
        prefix,
        '--no-audit',
        '--no-fund',
        '--onnxruntime-node-install=skip',
        tarball,
      ],
      { stdio: 'ignore' },
    );
    mkdirSync(work);
    env = {
      PATH: `${join(prefix, 'bin')}:${barePath(['pnpm', 'tsx', 'tsc', 'temporal'])}`,
      HOME: process.env.HOME ?? dir,
      ORTFLEET_HOME: join(dir, 'home'),
    };
  }, 300_000);

  it('installs only built JavaScript and runtime dependencies', () => {
    const installed = join(prefix, 'lib/node_modules/ortfleet');
    expect(readdirSync(join(installed, 'lib')).sort()).toEqual([
      'build-info.json',
      'cell-child.js',
      'charts.js',
      'cli.js',
      'prepare.py',
      'workflows.js',
    ]);
    for (const dev of ['typescript', 'tsx', 'vitest', 'eslint', 'drizzle-kit'])
      expect(existsSync(join(installed, 'node_modules', dev)), dev).toBe(false);
  });

  it('answers --help and says what to install when there is no Temporal CLI', async () => {
    const help = await runCommand('ortfleet', ['--help'], { cwd: work, env, timeoutMs: 30_000 });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: ortfleet <command>/);
    const none = await runCommand('ortfleet', ['demo'], { cwd: work, env, timeoutMs: 60_000 });
    expect(none.code, none.stderr).toBe(2);
    expect(none.stderr).toContain('no Temporal CLI');
    expect(none.stderr).toContain('ORTFLEET_TEMPORAL_BIN');
  });

  it('runs the demo on real models with the compiled cell child and the prebuilt workflows', async () => {
    const res = await runCommand('ortfleet', ['demo', '--json'], {
      cwd: work,
      env: { ...env, ORTFLEET_TEMPORAL_BIN: temporalBinary() },
      timeoutMs: 400_000,
    });
    expect(res.code, res.stderr).toBe(0);
    const summary = JSON.parse(res.stdout) as RunSummary;
    expect(summary.cells).toHaveLength(16);
    const ok = summary.cells.filter((c) => c.status === 'ok');
    expect(ok.length).toBeGreaterThanOrEqual(8);
    // Every ok cell ran in a child process: tsx is not installed, so only the compiled cell-child.js can have.
    expect(ok.every((c) => c.measurement && c.measurement.iterations >= 20)).toBe(true);
  }, 450_000);
});
