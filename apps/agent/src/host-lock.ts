import { createServer, connect, type Server } from 'node:net';

/** Default TCP port on 127.0.0.1 that marks "a benchmark is running on this host". */
export const DEFAULT_HOST_LOCK_PORT = 47231;

const RETRY_MS = 500;

export interface HostLock {
  release(): Promise<void>;
}

function listen(port: number, owner: string): Promise<Server | undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.end(`${owner}\n`));
    server.once('error', (err: NodeJS.ErrnoException) =>
      err.code === 'EADDRINUSE' ? resolve(undefined) : reject(err),
    );
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve(server));
  });
}

/** Who holds the lock, as its holder answers on the port (or why nobody answered). */
export function lockHolder(port: number): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const socket = connect({ host: '127.0.0.1', port }, () => undefined);
    socket.setTimeout(2000, () => socket.destroy());
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('close', () => resolve(text.trim() || 'a process that is not an ortfleet agent'));
    socket.on('error', () => resolve('nobody (it was just released)'));
  });
}

/**
 * Takes the host-wide benchmark lock: a listening socket on 127.0.0.1:`port`. The kernel gives it back when
 * the holder exits, even by SIGKILL, so a dead agent never leaves the host locked, and two agents started on
 * one host (with one port) never measure at the same time. Waits until the lock is free or `signal` aborts.
 */
export async function acquireHostLock(
  port: number,
  owner: string,
  opts: { signal?: AbortSignal; onWait?: (holder: string) => void } = {},
): Promise<HostLock> {
  let told = false;
  for (;;) {
    opts.signal?.throwIfAborted();
    const server = await listen(port, owner);
    if (server) return { release: () => new Promise<void>((done) => server.close(() => done())) };
    if (!told && opts.onWait) {
      told = true;
      opts.onWait(await lockHolder(port));
    }
    await new Promise((wake) => setTimeout(wake, RETRY_MS));
  }
}
