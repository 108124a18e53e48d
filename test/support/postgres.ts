import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../apps/orchestrator/src/dev-server';

const PG_BIN = process.env.ORTFLEET_PG_BIN ?? '/usr/lib/postgresql/15/bin';
/** util-linux's runuser lives in sbin, which a root shell's PATH may lack (`env -i`, some CI runners). */
const RUNUSER = ['/usr/sbin/runuser', '/sbin/runuser'].find((path) => existsSync(path)) ?? 'runuser';

/** Runs a PostgreSQL binary, as the `postgres` user when we are root (initdb refuses to run as root). */
function pgRun(binary: string, args: string[]): void {
  const path = join(PG_BIN, binary);
  const asRoot = userInfo().uid === 0;
  const cmd = asRoot ? RUNUSER : path;
  const argv = asRoot ? ['-u', 'postgres', '--', path, ...args] : args;
  const res = spawnSync(cmd, argv, { encoding: 'utf8', cwd: tmpdir() });
  if (res.status !== 0) {
    const why = res.error ? `${cmd} could not run: ${res.error.message}` : res.stderr || res.stdout;
    throw new Error(`${binary} ${args.join(' ')} failed (${res.status ?? res.signal}): ${why}`);
  }
}

export interface ThrowawayPostgres {
  url: string;
  stop(): void;
  /** Stops the server abruptly (like a crash or an outage), keeping its data. */
  pause(): void;
  /** Starts it again on the same port and data. */
  resume(): void;
}

/** A real PostgreSQL server in a temporary directory on a free port, for one test session. */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  if (!existsSync(join(PG_BIN, 'initdb')))
    throw new Error(
      `no PostgreSQL server binaries in ${PG_BIN}; run scripts/bootstrap.sh --with-postgres or set TEST_DATABASE_URL`,
    );
  const dir = mkdtempSync(join(tmpdir(), 'ortfleet-pg-'));
  if (userInfo().uid === 0) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, id('-u'), id('-g'));
  }
  const data = join(dir, 'data');
  const port = await freePort();
  pgRun('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const start = () =>
    pgRun('pg_ctl', [
      '-D',
      data,
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      '-w',
      '-t',
      '60',
      '-l',
      join(dir, 'log'),
      'start',
    ]);
  start();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    pause: () => pgRun('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']),
    resume: start,
    stop: () => {
      pgRun('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
