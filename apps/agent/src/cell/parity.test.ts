import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempHome } from '../../../../test/support/env';
import { writeTestModels } from '../../../../test/support/models';
import { generateInputPool, toHalfBits } from './inputs';
import { castFeeds, compareOutputs, fromHalfBits, outputValues, referenceOutputs } from './parity';

// Real onnxruntime-node sessions on small generated models.
let models: ReturnType<typeof writeTestModels>;

beforeAll(() => {
  models = writeTestModels(tempHome());
});

/** What a cell does: seeded inputs for its own model, one run, plus the fp32 CPU reference on the same feeds. */
async function cellAndReference(cellModel: string, referenceModel: string | Uint8Array, batch = 64) {
  const session = await ort.InferenceSession.create(cellModel);
  try {
    const feeds = generateInputPool(session, {}, batch, 42)[0]!;
    return { feeds, cell: await session.run(feeds), reference: await referenceOutputs(referenceModel, feeds) };
  } finally {
    await session.release();
  }
}

const f32 = (values: number[], dims: number[]) => new ort.Tensor('float32', Float32Array.from(values), dims);

describe('fromHalfBits', () => {
  it('decodes normal, subnormal, signed zero, infinite and NaN patterns', () => {
    expect(fromHalfBits(0x3c00)).toBe(1);
    expect(fromHalfBits(0xc000)).toBe(-2);
    expect(fromHalfBits(0x7bff)).toBe(65504);
    expect(fromHalfBits(0x0400)).toBe(2 ** -14);
    expect(fromHalfBits(0x0001)).toBe(2 ** -24);
    expect(fromHalfBits(0x03ff)).toBe(1023 * 2 ** -24);
    expect(Object.is(fromHalfBits(0x8000), -0)).toBe(true);
    expect(fromHalfBits(0x7c00)).toBe(Infinity);
    expect(fromHalfBits(0xfc00)).toBe(-Infinity);
    expect(fromHalfBits(0x7e00)).toBeNaN();
    expect(fromHalfBits(0xfc01)).toBeNaN();
  });

  it('is the exact inverse of toHalfBits on all 63,488 non-NaN patterns', () => {
    const wrong: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      const value = fromHalfBits(bits);
      if (Number.isNaN(value)) expect((bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0).toBe(true);
      else if (toHalfBits(value) !== bits) wrong.push(bits);
    }
    expect(wrong).toEqual([]);
  });

  it('round-trips representative values within half precision', () => {
    for (const v of [0.1, -0.333, 3.14159, 1234.5, -60000, 0.0001])
      expect(Math.abs(fromHalfBits(toHalfBits(v)) - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11);
  });
});

describe('outputValues', () => {
  it('reads fp16 bits, bigint, int and bool tensors as numbers', () => {
    expect(
      Array.from(outputValues(new ort.Tensor('float16', Uint16Array.from([0x3c00, 0xc000, 0x7c00]), [3]))),
    ).toEqual([1, -2, Infinity]);
    expect(Array.from(outputValues(new ort.Tensor('int64', BigInt64Array.from([-3n, 2n ** 40n]), [2])))).toEqual([
      -3,
      2 ** 40,
    ]);
    expect(Array.from(outputValues(new ort.Tensor('int32', Int32Array.from([7, -7]), [2])))).toEqual([7, -7]);
    expect(Array.from(outputValues(new ort.Tensor('bool', Uint8Array.from([1, 0]), [2])))).toEqual([1, 0]);
  });
});

describe('compareOutputs', () => {
  it('measures top-1 agreement on [N, C] and [N, T, C] outputs, not on others', () => {
    // Row 2 flips between two close classes: cosine stays high, top-1 does not.
    const ref = f32([0.1, 0.9, 0.0, 0.0, /**/ 0.4, 0.38, 0.1, 0.1, /**/ 0.0, 0.0, 0.3, 0.7], [3, 4]);
    const cell = f32([0.1, 0.9, 0.0, 0.0, /**/ 0.38, 0.4, 0.1, 0.1, /**/ 0.0, 0.0, 0.3, 0.7], [3, 4]);
    const p = compareOutputs({ y: cell }, { y: ref });
    expect(p.cosine).toBeGreaterThan(0.99);
    expect(p.outputs[0]!.top1Agreement).toBeCloseTo(2 / 3, 12);
    expect(p.top1Agreement).toBeCloseTo(2 / 3, 12);
    expect(p.ok).toBe(false);
    expect(p.reason).toMatch(/^output 'y' top-1 agreement 0\.6667 < 0\.99$/);
    expect(compareOutputs({ y: cell }, { y: ref }, { minCosine: 0.9, minTop1: 0.5 }).ok).toBe(true);

    const seq = compareOutputs(
      { y: f32([1, 0, 0, 1, 0, 1, 1, 0], [2, 2, 2]) },
      { y: f32([1, 0, 0, 1, 1, 0, 1, 0], [2, 2, 2]) },
    );
    expect(seq.outputs[0]!.top1Agreement).toBe(0.75);
    expect(compareOutputs({ y: f32([1, 2], [2]) }, { y: f32([1, 2], [2]) }).outputs[0]).not.toHaveProperty(
      'top1Agreement',
    );
    expect(compareOutputs({ y: f32([1, 2], [2, 1]) }, { y: f32([1, 2], [2, 1]) })).not.toHaveProperty('top1Agreement');
  });

  it('leaves out rows where the reference has no clear winner', () => {
    // Row 1 is a tie in the reference (an embedding-like row): its flip is not a top-1 disagreement.
    const ref = f32([0.5, 0.5, 0.1, /**/ 0.9, 0.05, 0.05], [2, 3]);
    const cell = f32([0.5, 0.5001, 0.1, /**/ 0.9, 0.05, 0.05], [2, 3]);
    expect(compareOutputs({ y: cell }, { y: ref }).top1Agreement).toBe(1);
  });

  it('takes the worst figure over outputs and names the first failing one', () => {
    const p = compareOutputs(
      { a: f32([1, 2, 3], [3]), b: f32([1, -2, 3], [3]) },
      { a: f32([1, 2, 3], [3]), b: f32([1, 2, 3], [3]) },
    );
    expect(p.outputs.map((o) => o.name)).toEqual(['a', 'b']);
    expect(p.maxAbsError).toBe(4);
    expect(p.cosine).toBeCloseTo(6 / 14, 12);
    expect(p.ok).toBe(false);
    expect(p.reason).toBe("output 'b' cosine 0.4286 < 0.99");
    expect(p.reference).toBe('fp32 cpu');
  });

  it('agrees on two all-zero outputs and keeps the relative error finite near zero', () => {
    expect(compareOutputs({ y: f32([0, 0], [2]) }, { y: f32([0, 0], [2]) })).toMatchObject({
      cosine: 1,
      maxAbsError: 0,
      meanRelError: 0,
      ok: true,
    });
    const p = compareOutputs({ y: f32([1e-4, 100], [2]) }, { y: f32([0, 100], [2]) });
    // 1e-4 / (0 + 1e-3·100) and 0: a relative error of 1e-3 on one of two values, not 1e-4 / 1e-6.
    expect(p.meanRelError).toBeCloseTo(0.5e-3, 6);
  });

  it('fails on missing outputs and shape mismatches, naming the output', () => {
    const y = f32([1, 2], [2]);
    expect(compareOutputs({}, { y })).toMatchObject({
      ok: false,
      reason: "output 'y' is missing from the cell's outputs",
      outputs: [],
      cosine: 0,
    });
    expect(compareOutputs({ y, z: y }, { y })).toMatchObject({
      ok: false,
      reason: "output 'z' is missing from the fp32 CPU reference",
    });
    expect(compareOutputs({ y: f32([1, 2], [1, 2]) }, { y })).toMatchObject({
      ok: false,
      reason: "output 'y' has shape [1, 2], the fp32 CPU reference [2]",
    });
  });

  it('blames the reference, not the cell, when the reference has NaN/Inf', () => {
    const p = compareOutputs(
      { y: f32([1, NaN], [2]), z: f32([1], [1]), w: f32([1], [1]) },
      { y: f32([1, 2], [2]), z: f32([Infinity], [1]), w: f32([NaN], [1]) },
    );
    expect(p.nonFinite).toBe(1);
    expect(p.ok).toBe(false);
    expect(p.reason).toBe("the fp32 CPU reference itself has NaN/Inf in 'z'");
  });
});

describe('parity against the fp32 CPU reference (real sessions)', () => {
  it('finds fp16 computation close to fp32 but not equal', async () => {
    const { cell, reference } = await cellAndReference(models.matmulFp16, models.matmulFp32);
    const p = compareOutputs(cell, reference);
    expect(p.maxAbsError).toBeGreaterThan(0);
    expect(p.maxAbsError).toBeLessThan(0.01);
    expect(p.meanRelError).toBeGreaterThan(0);
    expect(p.meanRelError).toBeLessThan(0.005);
    expect(p.cosine).toBeGreaterThan(0.999);
    expect(p.cosine).toBeLessThan(1);
    expect(p.top1Agreement).toBeGreaterThanOrEqual(0.99);
    expect(p).toMatchObject({ ok: true, nonFinite: 0, reference: 'fp32 cpu' });
    expect(p).not.toHaveProperty('reason');
  });

  it('casts fp16 feeds for the fp32 reference and compares fp16 outputs', async () => {
    const { feeds, cell, reference } = await cellAndReference(models.matmulFp16Io, models.matmulFp32);
    expect(feeds.x!.type).toBe('float16');
    expect(cell.y!.type).toBe('float16');
    expect(reference.y!.type).toBe('float32');
    const p = compareOutputs(cell, reference);
    expect(p.maxAbsError).toBeGreaterThan(0);
    expect(p.cosine).toBeGreaterThan(0.999);
    expect(p.ok).toBe(true);
  });

  it('casts fp32 feeds to fp16 where the session takes fp16, and leaves the rest alone', async () => {
    const session = await ort.InferenceSession.create(models.matmulFp16Io);
    try {
      const other = new ort.Tensor('int64', BigInt64Array.from([1n]), [1]);
      const cast = castFeeds({ x: f32([1, 0.5], [1, 2]), other }, session);
      expect(cast.x!.type).toBe('float16');
      expect(Array.from(cast.x!.data as Uint16Array)).toEqual([0x3c00, 0x3800]);
      expect(cast.other).toBe(other);
    } finally {
      await session.release();
    }
  });

  it('finds the fp32 model identical to itself', async () => {
    const { cell, reference } = await cellAndReference(models.matmulFp32, readFileSync(models.matmulFp32));
    expect(compareOutputs(cell, reference)).toMatchObject({
      ok: true,
      maxAbsError: 0,
      meanRelError: 0,
      cosine: 1,
      top1Agreement: 1,
      nonFinite: 0,
    });
  });

  it('fails a model with other weights on cosine', async () => {
    const { cell, reference } = await cellAndReference(models.matmulWrong, models.matmulFp32);
    const p = compareOutputs(cell, reference);
    expect(p.cosine).toBeLessThan(0.9);
    expect(p.ok).toBe(false);
    expect(p.reason).toMatch(/^output 'y' cosine -?\d\.\d{4} < 0\.99$/);
  });

  it('fails a model whose outputs are NaN/Inf, counting them', async () => {
    const session = await ort.InferenceSession.create(models.nan);
    try {
      const cell = await session.run(generateInputPool(session, {}, 4, 42)[0]!);
      const p = compareOutputs(cell, { y: f32(new Array<number>(16).fill(1), [4, 4]) });
      expect(p.nonFinite).toBe(16);
      expect(p.ok).toBe(false);
      expect(p.reason).toBe("output 'y' has 16 NaN/Inf values");
    } finally {
      await session.release();
    }
  });

  it('does not blame the cell when the reference itself is NaN', async () => {
    const { cell, reference } = await cellAndReference(models.nan, models.nan, 4);
    const p = compareOutputs(cell, reference);
    expect(p.ok).toBe(false);
    expect(p.reason).toBe("the fp32 CPU reference itself has NaN/Inf in 'y'");
  });
});
