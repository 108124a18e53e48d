import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { notOnnxReason } from '@ortfleet/core';

/** A stored model: its content hash, size and where it lies. */
export interface StoredModel {
  sha256: string;
  size: number;
  path: string;
  created: boolean;
}

/** A body the store refuses; `tooLarge` tells the API to answer 413 rather than 400. */
export class ModelRejected extends Error {
  constructor(
    message: string,
    readonly tooLarge = false,
  ) {
    super(message);
  }
}

/** Where a model with this hash lies in the store. */
export function modelPath(dir: string, sha256: string): string {
  return join(dir, 'sha256', `${sha256}.onnx`);
}

/**
 * Streams a model into the content-addressed store: written to a temporary file while hashed, then renamed
 * into place, so a cut upload never leaves a file under a hash. An ONNX ModelProto starts with its
 * ir_version field (tag 0x08); anything else is refused before it is stored.
 */
export async function storeModel(dir: string, body: ReadableStream<Uint8Array>, maxBytes: number): Promise<StoredModel> {
  await mkdir(join(dir, 'tmp'), { recursive: true });
  await mkdir(join(dir, 'sha256'), { recursive: true });
  const tmp = join(dir, 'tmp', `${process.pid}-${randomBytes(6).toString('hex')}`);
  const hash = createHash('sha256');
  let size = 0;
  const check = new Transform({
    transform(chunk: Buffer, _enc, done) {
      const notOnnx = size === 0 && chunk.length > 0 ? notOnnxReason(chunk[0]) : undefined;
      if (notOnnx) return done(new ModelRejected(`the body ${notOnnx}`));
      size += chunk.length;
      if (size > maxBytes) return done(new ModelRejected(`the model is larger than the limit of ${maxBytes} bytes`, true));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(body), check, createWriteStream(tmp));
    if (size === 0) throw new ModelRejected('the body is empty: send the model file as application/octet-stream');
    const sha256 = hash.digest('hex');
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
