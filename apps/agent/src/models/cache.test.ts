import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelCache, ModelUnavailable } from './cache';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const KIB = 1024;

/** A real HTTP model store: serves `files` by hash, with per-hash misbehaviour. */
function startStore(files: Map<string, Buffer>, misbehave: Map<string, 'wrong-bytes' | 'cut'>) {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    const hash = req.url!.split('/').pop()!;
    const body = files.get(hash);
    if (!body) return res.writeHead(404).end('{"code":"not_found"}');
    const mode = misbehave.get(hash);
    res.writeHead(200, { 'content-length': String(body.length) });
    if (mode === 'cut') {
      res.write(body.subarray(0, body.length / 2));
      return res.destroy();
    }
    res.end(mode === 'wrong-bytes' ? randomBytes(body.length) : body);
  });
  return { server, count: () => requests };
}

describe('ModelCache', () => {
  const files = new Map<string, Buffer>();
  const misbehave = new Map<string, 'wrong-bytes' | 'cut'>();
  const store = startStore(files, misbehave);
  let url: string;
  const model = (size: number) => {
    const bytes = randomBytes(size);
    files.set(sha(bytes), bytes);
    return { bytes, sha256: sha(bytes) };
  };
  const cacheIn = async (opts: { maxBytes?: number; dir?: string } = {}) => {
    const cache = new ModelCache({
      dir: opts.dir ?? mkdtempSync(join(tmpdir(), 'ortfleet-cache-')),
      maxBytes: opts.maxBytes ?? 1 << 30,
      store: url,
    });
    await cache.prepare();
    return cache;
  };
  const leftovers = (dir: string) => [...readdirSync(join(dir, 'sha256')), ...readdirSync(join(dir, 'tmp'))];

  beforeAll(async () => {
    await new Promise<void>((r) => store.server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(store.server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => store.server.close(() => r())));

  it('downloads a model by hash once, then serves it from disk', async () => {
    const m = model(64 * KIB);
    const cache = await cacheIn();
    const before = store.count();
    const path = await cache.resolve({ path: '/nowhere/m.onnx', sha256: m.sha256 });
    expect(path).toMatch(new RegExp(`sha256/${m.sha256}\\.onnx$`));
    expect(await cache.resolve({ path: '/nowhere/m.onnx', sha256: m.sha256 })).toBe(path);
    expect(store.count() - before).toBe(1);
  });

  it('never keeps a download whose hash does not match', async () => {
    const m = model(32 * KIB);
    misbehave.set(m.sha256, 'wrong-bytes');
    const dir = mkdtempSync(join(tmpdir(), 'ortfleet-cache-'));
    const cache = await cacheIn({ dir });
    await expect(cache.resolve({ path: 'm.onnx', sha256: m.sha256 })).rejects.toThrow(
      /has sha256 [0-9a-f]{64}, not .*refusing to run it/,
    );
    expect(leftovers(dir)).toEqual([]);
  });

  it('retries a download cut in the middle, then fails the cell with nothing left behind', async () => {
    const m = model(256 * KIB);
    misbehave.set(m.sha256, 'cut');
    const dir = mkdtempSync(join(tmpdir(), 'ortfleet-cache-'));
    const cache = await cacheIn({ dir });
    const before = store.count();
    await expect(cache.resolve({ path: 'm.onnx', sha256: m.sha256 })).rejects.toThrow(ModelUnavailable);
    expect(store.count() - before).toBe(3);
    expect(leftovers(dir)).toEqual([]);
  });

  it('says when the store does not hold the model', async () => {
    const cache = await cacheIn();
    await expect(cache.resolve({ path: 'm.onnx', sha256: 'f'.repeat(64) })).rejects.toThrow(/has no model f{64}/);
  });

  it('evicts the least recently used model to stay under its bound, never one the cell needs', async () => {
    const [a, b, c] = [model(100 * KIB), model(100 * KIB), model(100 * KIB)];
    const dir = mkdtempSync(join(tmpdir(), 'ortfleet-cache-'));
    const cache = await cacheIn({ dir, maxBytes: 250 * KIB });
    await cache.resolve({ path: 'a', sha256: a.sha256 });
    await cache.resolve({ path: 'b', sha256: b.sha256 });
    await cache.resolve({ path: 'a', sha256: a.sha256 }); // a is now more recent than b
    await cache.resolve({ path: 'c', sha256: c.sha256 });
    expect(readdirSync(join(dir, 'sha256')).sort()).toEqual([`${a.sha256}.onnx`, `${c.sha256}.onnx`].sort());
    // a and c are both needed by the next cell, so b cannot make room by evicting them
    await expect(cache.resolve({ path: 'b', sha256: b.sha256 }, [a.sha256, c.sha256])).rejects.toThrow(/cannot fit/);
  });

  it('refuses a model larger than the whole cache', async () => {
    const m = model(300 * KIB);
    const cache = await cacheIn({ maxBytes: 200 * KIB });
    await expect(cache.resolve({ path: 'm', sha256: m.sha256 })).rejects.toThrow(
      /larger than the model cache bound of 0\.2 MiB/,
    );
  });

  it('checks a local file in place when there is no store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ortfleet-cache-'));
    const file = join(dir, 'local.onnx');
    const bytes = randomBytes(4 * KIB);
    writeFileSync(file, bytes);
    const cache = new ModelCache({ dir: join(dir, 'cache'), maxBytes: 1 << 20 });
    await cache.prepare();
    expect(await cache.resolve({ path: file, sha256: sha(bytes) })).toBe(file);
    writeFileSync(file, randomBytes(4 * KIB));
    await expect(cache.resolve({ path: file, sha256: sha(bytes) })).rejects.toThrow(
      /not the [0-9a-f]{64} the run was planned with; refusing/,
    );
    await expect(cache.resolve({ path: join(dir, 'gone.onnx'), sha256: sha(bytes) })).rejects.toThrow(
      /missing on this agent, and no model store/,
    );
  });

  it('says a cache folder that cannot be written is not writable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ortfleet-cache-'));
    writeFileSync(join(dir, 'file'), 'x');
    await expect(new ModelCache({ dir: join(dir, 'file', 'cache'), maxBytes: 1 }).prepare()).rejects.toThrow(
      /model cache .* is not writable: ENOTDIR/,
    );
  });

  it('prepares one cache folder for several agents starting at once', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ortfleet-cache-')), 'cache');
    const agents = Array.from({ length: 8 }, () => new ModelCache({ dir, maxBytes: 1 }));
    await expect(Promise.all(agents.map((c) => c.prepare()))).resolves.toHaveLength(8);
  });

  it('fails cleanly when the disk under the cache fills up', async (ctx) => {
    const mount = mkdtempSync(join(tmpdir(), 'ortfleet-full-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', mount], { stdio: 'ignore' });
    } catch {
      ctx.skip('mounting a small tmpfs needs root');
    }
    try {
      mkdirSync(join(mount, 'cache'));
      const m = model(1024 * KIB);
      const cache = await cacheIn({ dir: join(mount, 'cache') });
      await expect(cache.resolve({ path: 'm', sha256: m.sha256 })).rejects.toThrow(
        /ran out of disk space .*the partial file was removed/,
      );
      expect(leftovers(join(mount, 'cache'))).toEqual([]);
    } finally {
      execFileSync('umount', [mount]);
    }
  });
});
