import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './env';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `./ortfleet ...` (what `ortfleet` runs, without needing pnpm) from the repo root as a user would, with
 * the given environment additions. `live`, when given, holds stderr as it arrives.
 */
export function ortfleet(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 300_000,
  live?: { stderr: string },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(REPO, 'ortfleet'), args, {
      cwd: REPO,
      env: { ...process.env, TEMPORAL_ADDRESS: '', DATABASE_URL: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (live) live.stderr = stderr;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A long-running `ortfleet` process (worker, agent, serve) and what it printed on stderr. */
export interface Daemon {
  name: string;
  child: ChildProcess;
  stderr: string;
}

/**
 * Starts `ortfleet <args>` as a daemon with Node itself rather than pnpm, so that a signal reaches the ortfleet
 * process as a supervisor's would. `env` is read when called, so a suite can fill it in `beforeAll`.
 */
export function startDaemon(name: string, args: string[], env: Record<string, string>): Daemon {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const daemon: Daemon = { name, child, stderr: '' };
  child.stderr!.on('data', (d: Buffer) => (daemon.stderr += d.toString()));
  return daemon;
}
