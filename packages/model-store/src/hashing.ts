import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { modelPath, modelsDir, tmpDir } from './layout';

/** The sha256 of a file, streamed (models can be larger than memory). */
export function hashFile(path: string): Promise<string> {
  return new Promise((done, fail) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => done(hash.digest('hex')))
      .on('error', fail);
  });
}

/** A model put in place: its content hash, size, where it lies, and whether this call put it there. */
export interface PlacedModel {
  sha256: string;
  size: number;
  path: string;
  created: boolean;
}

export interface PlaceChecks {
  /** Sees each chunk before it is written, with the bytes before it; throwing refuses the body. */
  inspect?(chunk: Buffer, sizeBefore: number): void;
  /** Sees the whole body's hash and size before it is put in place; throwing refuses it. */
  accept?(written: { sha256: string; size: number }): Promise<void> | void;
}

/**
 * Streams a body into the content-addressed folder `dir`: written to a temporary file while hashed, then
 * renamed to `sha256/<hex>.onnx`, so a cut or refused body never leaves a file under a hash. A body whose
 * hash is there already is dropped.
 */
export async function placeHashed(
  dir: string,
  body: ReadableStream<Uint8Array>,
  checks: PlaceChecks = {},
): Promise<PlacedModel> {
  await mkdir(tmpDir(dir), { recursive: true });
  await mkdir(modelsDir(dir), { recursive: true });
  const tmp = join(tmpDir(dir), `${process.pid}-${randomBytes(6).toString('hex')}`);
  const hash = createHash('sha256');
  let size = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, done) {
      try {
        checks.inspect?.(chunk, size);
      } catch (err) {
        return done(err as Error);
      }
      size += chunk.length;
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(body), count, createWriteStream(tmp));
    const sha256 = hash.digest('hex');
    await checks.accept?.({ sha256, size });
    const path = modelPath(dir, sha256);
    const existed = await stat(path).then(
      () => true,
      () => false,
    );
    if (existed) await rm(tmp);
    else await rename(tmp, path);
    return { sha256, size, path, created: !existed };
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
