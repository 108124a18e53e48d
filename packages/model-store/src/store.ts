import type { ReadableStream } from 'node:stream/web';
import { notOnnxReason } from '@ortfleet/core';
import { placeHashed, type PlacedModel } from './hashing';

/** A body the store refuses; `tooLarge` tells the API to answer 413 rather than 400. */
export class ModelRejected extends Error {
  constructor(
    message: string,
    readonly tooLarge = false,
  ) {
    super(message);
  }
}

/**
 * Stores an uploaded model. An ONNX ModelProto starts with its ir_version field (tag 0x08); anything else is
 * refused before it is stored, as is an empty body or one over `maxBytes`.
 */
export function storeModel(dir: string, body: ReadableStream<Uint8Array>, maxBytes: number): Promise<PlacedModel> {
  return placeHashed(dir, body, {
    inspect(chunk, sizeBefore) {
      const notOnnx = sizeBefore === 0 && chunk.length > 0 ? notOnnxReason(chunk[0]) : undefined;
      if (notOnnx) throw new ModelRejected(`the body ${notOnnx}`);
      if (sizeBefore + chunk.length > maxBytes)
        throw new ModelRejected(`the model is larger than the limit of ${maxBytes} bytes`, true);
    },
    accept({ size }) {
      if (size === 0) throw new ModelRejected('the body is empty: send the model file as application/octet-stream');
    },
  });
}
