import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '@ortfleet/core';
import { writeAddSpec } from './support/specs';
import { barePath } from './support/bare-path';
import { REPO } from './support/env';
import { runCommand } from './support/run-command';

const packageManager = (
  JSON.parse(execFileSync('git', ['show', 'HEAD:package.json'], { cwd: REPO, encoding: 'utf8' })) as {
    packageManager: string;
  }
).packageManager;

// A fresh machine has Node with npm and corepack, and Python, but no pnpm; corepack's shim cannot fetch pnpm
// there. The committed tree is cloned, so what this checkout installed by hand cannot help.
describe('scripts/bootstrap.sh on a fresh clone', () => {
  it('installs pnpm without corepack or a global location, and ortfleet then runs with its data elsewhere', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ortfleet-fresh-'));
    const clone = join(dir, 'clone');
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', REPO, clone]);
    const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
    const path = barePath(['pnpm', 'pnpx', 'temporal', 'tsx'], { python3: python });
    const env = { PATH: path, HOME: process.env.HOME ?? dir };
    expect(existsSync(join(path, 'pnpm'))).toBe(false);
    expect(existsSync(join(path, 'corepack'))).toBe(true);

    const boot = await runCommand('./scripts/bootstrap.sh', [], { cwd: clone, env, timeoutMs: 600_000 });
    expect(boot.code, boot.stderr).toBe(0);
    expect(boot.stderr).toContain(`installing ${packageManager.replace('@', ' ')}`);
    expect(execFileSync(join(clone, '.ortfleet/tools/bin/pnpm'), ['--version'], { encoding: 'utf8', env }).trim()).toBe(
      packageManager.split('@')[1],
    );

    // Data elsewhere: the Temporal CLI bootstrap installed in the clone is still found.
    const home = join(dir, 'data-elsewhere');
    const spec = writeAddSpec(dir, 'fresh');
    const run = await runCommand(join(clone, 'ortfleet'), ['run', spec, '--json'], {
      cwd: dir,
      env: { ...env, ORTFLEET_HOME: home },
      timeoutMs: 300_000,
    });
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as RunSummary).cells.map((c) => c.status)).toEqual(['ok', 'ok']);
    expect(existsSync(join(home, 'temporal.db'))).toBe(true);
    expect(existsSync(join(home, 'tools'))).toBe(false);
  }, 900_000);
});
