import * as ort from 'onnxruntime-node';
import { mulberry32, type InputSpec } from '@ortfleet/core';

/** IEEE 754 half-precision bits of a number (round half to even), since Node 20 has no Float16Array. */
export function toHalfBits(value: number): number {
  const x = new Uint32Array(new Float32Array([value]).buffer)[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  // Keep `keep` high bits of the 24-bit significand (subnormal results keep fewer) and round the rest.
  const significand = e > 0 ? mant : mant | 0x800000;
  const shift = e > 0 ? 13 : 14 - e;
  if (shift > 24) return sign;
  let bits = (e > 0 ? e << 10 : 0) | (significand >>> shift);
  const rest = significand & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  // A carry out of the mantissa rolls into the exponent (and to Inf past the largest value), as it should.
  if (rest > halfway || (rest === halfway && bits & 1)) bits++;
  return sign | bits;
}

/**
 * The concrete shape of one input: the spec's shape where given, else the model's, with the first open
 * dimension taken as the batch. Throws naming the input and its open dimensions when it cannot decide.
 */
export function resolveShape(
  name: string,
  modelShape: readonly (number | string)[],
  spec: InputSpec | undefined,
  batch: number,
): number[] {
  if (spec?.shape) {
    if (spec.shape.length !== modelShape.length)
      throw new Error(
        `input '${name}': the spec gives ${spec.shape.length} dimensions, the model has ${modelShape.length} (${JSON.stringify(modelShape)})`,
      );
    return spec.shape.map((d, i) => {
      const size = d === 'batch' ? batch : d;
      const fixed = modelShape[i];
      if (typeof fixed === 'number' && fixed > 0 && fixed !== size)
        throw new Error(`input '${name}': dimension ${i} is fixed to ${fixed} by the model, the spec gives ${size}`);
      return size;
    });
  }
  const open = (d: number | string) => typeof d !== 'number' || d < 0;
  const shape = modelShape.map((d, i) => (i === 0 && open(d) ? batch : d));
  const stillOpen = shape.map((d, i) => (open(d) ? `${i} (${String(modelShape[i])})` : null)).filter((x) => x !== null);
  if (stillOpen.length > 0)
    throw new Error(
      `input '${name}' has open dimensions ${stillOpen.join(', ')}; give its shape in the spec, e.g. models[].inputs.${name}.shape: [batch, ...]`,
    );
  return shape as number[];
}

function fill(type: string, count: number, spec: InputSpec | undefined, rand: () => number): ort.Tensor['data'] {
  const [lo, hi] = spec?.range ?? [0, 1];
  const floatValue = () => spec?.value ?? lo + (hi - lo) * rand();
  const intValue = () => spec?.value ?? Math.floor(lo + (hi - lo + 1) * rand());
  switch (type) {
    case 'float32':
      return Float32Array.from({ length: count }, floatValue);
    case 'float64':
      return Float64Array.from({ length: count }, floatValue);
    case 'float16':
      return Uint16Array.from({ length: count }, () => toHalfBits(floatValue()));
    case 'int64':
      return BigInt64Array.from({ length: count }, () => BigInt(intValue()));
    case 'uint64':
      return BigUint64Array.from({ length: count }, () => BigInt(intValue()));
    case 'int32':
      return Int32Array.from({ length: count }, intValue);
    case 'uint32':
      return Uint32Array.from({ length: count }, intValue);
    case 'int16':
      return Int16Array.from({ length: count }, intValue);
    case 'uint16':
      return Uint16Array.from({ length: count }, intValue);
    case 'int8':
      return Int8Array.from({ length: count }, intValue);
    case 'uint8':
      return Uint8Array.from({ length: count }, intValue);
    case 'bool':
      return Uint8Array.from({ length: count }, () => ((spec?.value ?? (rand() < 0.5 ? 0 : 1)) ? 1 : 0));
    default:
      throw new Error(`input type '${type}' is not supported by ortfleet's input generator`);
  }
}

/** The model cannot take the cell's batch: no input has a dimension that takes it. */
export class BatchNotTakenError extends Error {}

const BYTES: Record<string, number> = {
  float64: 8,
  int64: 8,
  uint64: 8,
  float32: 4,
  int32: 4,
  uint32: 4,
  float16: 2,
  int16: 2,
  uint16: 2,
};

/** Bound on the memory the input pool may take; past it the pool shrinks (never below one set). */
const POOL_BYTES = 256 * 1024 * 1024;
const MAX_SETS = 8;

/**
 * A pool of distinct, seeded input sets: the timed loop cycles through them so that a fixed input cannot
 * flatter caches, and set k is always generated from seed + k so that reruns see the same data.
 */
export function generateInputPool(
  session: ort.InferenceSession,
  specs: Record<string, InputSpec>,
  batch: number,
  seed: number,
): Record<string, ort.Tensor>[] {
  const unknown = Object.keys(specs).filter((n) => !session.inputNames.includes(n));
  if (unknown.length > 0)
    throw new Error(
      `the spec names inputs the model does not have: ${unknown.join(', ')} (model inputs: ${session.inputNames.join(', ')})`,
    );
  const layouts = session.inputMetadata.map((meta) => {
    if (!meta.isTensor) throw new Error(`input '${meta.name}' is not a tensor; ortfleet feeds tensors only`);
    const shape = resolveShape(meta.name, meta.shape, specs[meta.name], batch);
    return { name: meta.name, type: meta.type, shape, count: shape.reduce((a, b) => a * b, 1) };
  });
  const takesBatch = session.inputMetadata.some((meta) => {
    const spec = specs[meta.name]?.shape;
    const first = meta.isTensor ? meta.shape[0] : undefined;
    return spec ? spec.includes('batch') : typeof first !== 'number' || first < 0;
  });
  // Feeding batch 1 while reporting batch × iterations items would inflate throughput by the batch.
  if (batch !== 1 && !takesBatch)
    throw new BatchNotTakenError(
      `the model cannot take batch ${batch}: no input has an open first dimension (${layouts.map((l) => `${l.name}: [${l.shape.join(', ')}]`).join('; ')}); give a shape with 'batch' in the spec if one of its dimensions is the batch`,
    );
  const setBytes = layouts.reduce((s, l) => s + l.count * (BYTES[l.type] ?? 1), 0);
  const sets = Math.max(1, Math.min(MAX_SETS, Math.floor(POOL_BYTES / Math.max(setBytes, 1))));
  return Array.from({ length: sets }, (_, k) => {
    const rand = mulberry32(seed + k);
    return Object.fromEntries(
      layouts.map((l) => [
        l.name,
        new ort.Tensor(l.type as 'float32', fill(l.type, l.count, specs[l.name], rand) as Float32Array, l.shape),
      ]),
    );
  });
}
