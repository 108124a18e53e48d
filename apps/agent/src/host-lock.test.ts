import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { acquireHostLock, lockHolder } from './host-lock';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('acquireHostLock', () => {
  it('makes a second agent wait until the first releases the lock', async () => {
    const port = await freePort();
    const first = await acquireHostLock(port, 'agent one');
    expect(await lockHolder(port)).toBe('agent one');
    let waitedFor: string | undefined;
    let told!: () => void;
    const waiting = new Promise<void>((resolve) => (told = resolve));
    const secondTaken = acquireHostLock(port, 'agent two', { onWait: (holder) => ((waitedFor = holder), told()) });
    await waiting;
    expect(waitedFor).toBe('agent one');
    await first.release();
    const second = await secondTaken;
    expect(await lockHolder(port)).toBe('agent two');
    await second.release();
  });

  it('is given back by the kernel when its holder dies by SIGKILL', async () => {
    const port = await freePort();
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `require('net').createServer(s => s.end('doomed agent\\n')).listen({ host: '127.0.0.1', port: ${port}, exclusive: true }, () => console.log('held'))`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await once(holder.stdout!, 'data');
    expect(await lockHolder(port)).toBe('doomed agent');
    holder.kill('SIGKILL');
    await once(holder, 'exit');
    const lock = await acquireHostLock(port, 'survivor');
    expect(await lockHolder(port)).toBe('survivor');
    await lock.release();
  });

  it('stops waiting when the cell is cancelled', async () => {
    const port = await freePort();
    const held = await acquireHostLock(port, 'busy');
    const abort = new AbortController();
    const waiting = acquireHostLock(port, 'cancelled', { signal: abort.signal, onWait: () => abort.abort() });
    await expect(waiting).rejects.toThrow(/abort/i);
    await held.release();
  });
});
