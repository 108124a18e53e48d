import * as ort from 'onnxruntime-node';
import type { OutputParity, Parity } from '@ortfleet/core';
import { toHalfBits } from './inputs';
import { createSession } from './session-options';

/** The number an IEEE 754 half-precision bit pattern stands for (Node 20 has no Float16Array). */
export function fromHalfBits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) return mant === 0 ? sign * Infinity : NaN;
  return sign * (0x400 + mant) * 2 ** (exp - 25);
}

/** The values of a numeric or bool tensor as float64, fp16 decoded from its bits. */
export function outputValues(tensor: ort.Tensor): Float64Array {
  const data = tensor.data;
  if (tensor.type === 'string') throw new Error("a 'string' tensor has no numeric values to compare");
  // onnxruntime-common stores float16 as raw bits in a Uint16Array where the runtime has no Float16Array.
  if (tensor.type === 'float16' && data instanceof Uint16Array) return Float64Array.from(data, fromHalfBits);
  return Float64Array.from(data as ArrayLike<number | bigint>, Number);
}

/**
 * Share of rows whose argmax agrees. Rows where the reference's best two values are within 0.1% of the row's
 * range are left out: there the reference itself has no clear winner (embeddings, boxes, near-ties), and a
 * flip says nothing about precision.
 */
function argmaxAgreement(a: Float64Array, b: Float64Array, classes: number): number {
  const rows = a.length / classes;
  let agree = 0;
  let counted = 0;
  for (let r = 0; r < rows; r++) {
    let ia = 0;
    let ib = 0;
    let lo = b[r * classes]!;
    for (let c = 1; c < classes; c++) {
      if (a[r * classes + c]! > a[r * classes + ia]!) ia = c;
      if (b[r * classes + c]! > b[r * classes + ib]!) ib = c;
      lo = Math.min(lo, b[r * classes + c]!);
    }
    const best = b[r * classes + ib]!;
    let second = -Infinity;
    for (let c = 0; c < classes; c++) if (c !== ib) second = Math.max(second, b[r * classes + c]!);
    if (best - second <= 1e-3 * (best - lo)) continue;
    counted++;
    if (ia === ib) agree++;
  }
  return counted === 0 ? 1 : agree / counted;
}

function nonFiniteCount(values: Float64Array): number {
  let n = 0;
  for (const v of values) if (!Number.isFinite(v)) n++;
  return n;
}

/**
 * Figures for one output. They cover the positions where both sides are finite, so that one NaN does not
 * turn every figure into NaN (which JSON stores as null); `nonFinite` counts what was left out on the cell's side.
 */
function compareOne(name: string, dims: readonly number[], a: Float64Array, b: Float64Array): OutputParity {
  let refScale = 0;
  for (const v of b) if (Number.isFinite(v)) refScale = Math.max(refScale, Math.abs(v));
  // Relative error against |b| + 1e-3·max|b|: near-zero reference values (common after ReLU or in logits)
  // would otherwise make the mean explode; 1e-6 stands in when the reference is all zero.
  const floor = 1e-3 * refScale || 1e-6;
  let maxAbs = 0;
  let relSum = 0;
  let count = 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const d = Math.abs(x - y);
    maxAbs = Math.max(maxAbs, d);
    relSum += d / (Math.abs(y) + floor);
    count++;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  // Two all-zero outputs agree; sqrt(na·nb) rather than sqrt(na)·sqrt(nb) keeps identical outputs at exactly 1.
  const cosine =
    na === 0 && nb === 0 ? 1 : na === 0 || nb === 0 ? 0 : Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)));
  const classes = dims[dims.length - 1] ?? 0;
  const classifier = (dims.length === 2 || dims.length === 3) && classes >= 2;
  return {
    name,
    maxAbsError: maxAbs,
    meanRelError: count === 0 ? 0 : relSum / count,
    cosine,
    ...(classifier ? { top1Agreement: argmaxAgreement(a, b, classes) } : {}),
    nonFinite: nonFiniteCount(a),
  };
}

/** Compares a cell's outputs with the fp32 CPU reference's on the same inputs; ok only when no figure fails. */
export function compareOutputs(
  cell: Record<string, ort.Tensor>,
  reference: Record<string, ort.Tensor>,
  thresholds = { minCosine: 0.99, minTop1: 0.99 },
): Parity {
  const problems: string[] = [];
  // A broken reference says nothing about the cell, so it is named before anything the cell did.
  const referenceProblems: string[] = [];
  const outputs: OutputParity[] = [];
  for (const name of new Set([...Object.keys(reference), ...Object.keys(cell)])) {
    const c = cell[name];
    const r = reference[name];
    if (!c || !r) {
      problems.push(`output '${name}' is missing from the ${c ? 'fp32 CPU reference' : "cell's outputs"}`);
      continue;
    }
    if (c.dims.length !== r.dims.length || c.dims.some((d, i) => d !== r.dims[i])) {
      problems.push(`output '${name}' has shape [${c.dims.join(', ')}], the fp32 CPU reference [${r.dims.join(', ')}]`);
      continue;
    }
    const b = outputValues(r);
    const o = compareOne(name, c.dims, outputValues(c), b);
    outputs.push(o);
    if (nonFiniteCount(b) > 0) referenceProblems.push(`the fp32 CPU reference itself has NaN/Inf in '${name}'`);
    else if (o.nonFinite > 0) problems.push(`output '${name}' has ${o.nonFinite} NaN/Inf values`);
    else if (o.cosine < thresholds.minCosine)
      problems.push(`output '${name}' cosine ${o.cosine.toFixed(4)} < ${thresholds.minCosine}`);
    else if (o.top1Agreement !== undefined && o.top1Agreement < thresholds.minTop1)
      problems.push(`output '${name}' top-1 agreement ${o.top1Agreement.toFixed(4)} < ${thresholds.minTop1}`);
  }
  const reason = [...referenceProblems, ...problems][0];
  const top1 = outputs.flatMap((o) => (o.top1Agreement === undefined ? [] : [o.top1Agreement]));
  return {
    reference: 'fp32 cpu',
    outputs,
    maxAbsError: Math.max(0, ...outputs.map((o) => o.maxAbsError)),
    meanRelError: Math.max(0, ...outputs.map((o) => o.meanRelError)),
    // Nothing compared means nothing agreed.
    cosine: outputs.length === 0 ? 0 : Math.min(...outputs.map((o) => o.cosine)),
    ...(top1.length > 0 ? { top1Agreement: Math.min(...top1) } : {}),
    nonFinite: outputs.reduce((s, o) => s + o.nonFinite, 0),
    ok: reason === undefined,
    ...(reason === undefined ? {} : { reason }),
  };
}

/** Feeds cast between float16 and float32 where the session expects the other; other types pass through. */
export function castFeeds(
  feeds: Record<string, ort.Tensor>,
  session: ort.InferenceSession,
): Record<string, ort.Tensor> {
  const expected = new Map(session.inputMetadata.map((m) => [m.name, m.isTensor ? m.type : undefined]));
  return Object.fromEntries(
    Object.entries(feeds).map(([name, t]) => {
      const want = expected.get(name);
      if (t.type === 'float16' && want === 'float32')
        return [name, new ort.Tensor('float32', Float32Array.from(outputValues(t)), t.dims)];
      if (t.type === 'float32' && want === 'float16')
        return [name, new ort.Tensor('float16', Uint16Array.from(t.data as Float32Array, toHalfBits), t.dims)];
      return [name, t];
    }),
  );
}

/** Outputs of the fp32 model on the CPU EP for the cell's feeds: the reference a cell is compared with. */
export async function referenceOutputs(
  fp32Model: string | Uint8Array,
  feeds: Record<string, ort.Tensor>,
  extraOptions: ort.InferenceSession.SessionOptions = {},
): Promise<Record<string, ort.Tensor>> {
  const options: ort.InferenceSession.SessionOptions = {
    ...extraOptions,
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
  };
  const session = await createSession(fp32Model, options);
  try {
    return await session.run(castFeeds(feeds, session));
  } finally {
    await session.release();
  }
}
