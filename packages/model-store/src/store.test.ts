import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { modelPath } from './layout';
import { ModelRejected, storeModel } from './store';

const body = (...chunks: (string | number[])[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const chunk of chunks)
        c.enqueue(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : Uint8Array.from(chunk));
      c.close();
    },
  }) as unknown as import('node:stream/web').ReadableStream<Uint8Array>;

describe('storeModel', () => {
  it('stores a model under its sha256 once, and says whether this call created it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ortfleet-store-'));
    const bytes = [0x08, 0x07, 0x12, 0x00];
    const sha256 = createHash('sha256').update(Uint8Array.from(bytes)).digest('hex');
    const first = await storeModel(dir, body(bytes.slice(0, 2), bytes.slice(2)), 1024);
    expect(first).toEqual({ sha256, size: 4, path: modelPath(dir, sha256), created: true });
    expect([...readFileSync(first.path)]).toEqual(bytes);
    expect((await storeModel(dir, body(bytes), 1024)).created).toBe(false);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
  });

  it('refuses an empty body, a body that is not ONNX and one over the limit, leaving nothing behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ortfleet-store-'));
    await expect(storeModel(dir, body(), 1024)).rejects.toThrow(/the body is empty/);
    await expect(storeModel(dir, body('hello'), 1024)).rejects.toThrow(ModelRejected);
    const tooLarge = await storeModel(dir, body([0x08, 0x07], [0, 0, 0]), 4).catch((err: unknown) => err);
    expect(tooLarge).toBeInstanceOf(ModelRejected);
    expect((tooLarge as ModelRejected).tooLarge).toBe(true);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    expect(readdirSync(join(dir, 'sha256'))).toEqual([]);
  });
});
