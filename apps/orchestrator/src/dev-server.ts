import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Connection } from '@temporalio/client';

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface DevServer {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `temporal server start-dev` from an existing binary with its output kept off our stdout (so that
 * `--json` output stays clean), and resolves once it accepts connections. `ip` and `port` let a test put it
 * where other network namespaces reach it (`host` is the address they use), and restart it on the same
 * address. The dev server's own services talk over loopback, so it must bind 0.0.0.0, not another single IP.
 */
export async function startDevServer(opts: {
  binary: string;
  dbFilename: string;
  namespace: string;
  timeoutMs?: number;
  ip?: string;
  host?: string;
  port?: number;
}): Promise<DevServer> {
  const port = opts.port ?? (await freePort());
  const ip = opts.ip ?? '127.0.0.1';
  const address = `${opts.host ?? (ip === '0.0.0.0' ? '127.0.0.1' : ip)}:${port}`;
  const child = spawn(
    opts.binary,
    [
      'server',
      'start-dev',
      '--headless',
      '--ip',
      ip,
      '--port',
      String(port),
      '--db-filename',
      opts.dbFilename,
      '--namespace',
      opts.namespace,
      '--log-level',
      'error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(
        new Error(`temporal dev server exited (${signal ?? code}) before accepting connections: ${stderr.trim()}`),
      ),
    ),
  );
  exited.catch(() => {});
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    try {
      const connection = await Promise.race([Connection.connect({ address, connectTimeout: 1000 }), exited]);
      await connection.close();
      break;
    } catch (err) {
      if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`temporal dev server at ${address} did not start: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    address,
    process: child,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}
