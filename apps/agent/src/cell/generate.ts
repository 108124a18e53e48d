import * as ort from 'onnxruntime-node';
import { mulberry32, type GenerationParams } from '@ortfleet/core';
import { fromHalfBits } from './parity';

/** A decoder's cache layout, read from the model's own inputs and outputs. */
export interface DecoderLayout {
  layers: number;
  kvHeads: number;
  headSize: number;
  kvType: 'float32' | 'float16';
  idsType: 'int64' | 'int32';
  maskType: 'int64' | 'int32';
  /** Absent when the model computes positions itself. */
  positionType?: 'int64' | 'int32';
  /** The logits' last dimension when the model fixes it. */
  vocab?: number;
}

/** The model does not have the layout `generate` needs; the message names what is missing. */
export class DecoderLayoutError extends Error {}

type Meta = ort.InferenceSession.ValueMetadata;

function tensorMeta(list: readonly Meta[], name: string): (Meta & { isTensor: true }) | undefined {
  const m = list.find((x) => x.name === name);
  return m?.isTensor ? m : undefined;
}

function integerType(meta: Meta & { isTensor: true }, what: string): 'int64' | 'int32' {
  if (meta.type === 'int64' || meta.type === 'int32') return meta.type;
  throw new DecoderLayoutError(`input '${meta.name}' (${what}) is ${meta.type}; generate needs int64 or int32`);
}

/**
 * Reads layers, KV heads and head size from `past_key_values.<i>.key|value` ([batch, heads, past, head size]),
 * and checks that every cache input has its `present.<i>.*` output. Throws naming everything that is missing.
 */
export function decoderLayout(session: ort.InferenceSession): DecoderLayout {
  const inputs = session.inputMetadata;
  const outputs = session.outputMetadata;
  const missing: string[] = [];
  for (const name of ['input_ids', 'attention_mask']) if (!tensorMeta(inputs, name)) missing.push(`input '${name}'`);
  if (!tensorMeta(outputs, 'logits')) missing.push("output 'logits'");
  const layerIndexes = new Set<number>();
  for (const m of inputs) {
    const match = /^past_key_values\.(\d+)\.(key|value)$/.exec(m.name);
    if (match) layerIndexes.add(Number(match[1]));
  }
  const layers = layerIndexes.size === 0 ? 0 : Math.max(...layerIndexes) + 1;
  if (layers === 0) missing.push("inputs 'past_key_values.<i>.key' / 'past_key_values.<i>.value' (the KV cache)");
  for (let i = 0; i < layers; i++)
    for (const part of ['key', 'value']) {
      if (!tensorMeta(inputs, `past_key_values.${i}.${part}`)) missing.push(`input 'past_key_values.${i}.${part}'`);
      if (!tensorMeta(outputs, `present.${i}.${part}`)) missing.push(`output 'present.${i}.${part}'`);
    }
  if (missing.length > 0)
    throw new DecoderLayoutError(
      `the model does not fit generate (optimum / transformers.js decoder layout): missing ${missing.join(', ')}; it has inputs ${session.inputNames.join(', ')} and outputs ${session.outputNames.join(', ')}`,
    );
  const past = tensorMeta(inputs, 'past_key_values.0.key')!;
  const [, heads, , headSize] = past.shape;
  if (
    past.shape.length !== 4 ||
    typeof heads !== 'number' ||
    heads <= 0 ||
    typeof headSize !== 'number' ||
    headSize <= 0
  )
    throw new DecoderLayoutError(
      `input 'past_key_values.0.key' has shape [${past.shape.join(', ')}]; generate needs [batch, heads, past_sequence_length, head_size] with heads and head size fixed by the model`,
    );
  if (past.type !== 'float32' && past.type !== 'float16')
    throw new DecoderLayoutError(`input 'past_key_values.0.key' is ${past.type}; generate needs float32 or float16`);
  const position = tensorMeta(inputs, 'position_ids');
  const logits = tensorMeta(outputs, 'logits')!;
  const vocab = logits.shape[logits.shape.length - 1];
  return {
    layers,
    kvHeads: heads,
    headSize,
    kvType: past.type,
    idsType: integerType(tensorMeta(inputs, 'input_ids')!, 'token ids'),
    maskType: integerType(tensorMeta(inputs, 'attention_mask')!, 'attention mask'),
    ...(position ? { positionType: integerType(position, 'positions') } : {}),
    ...(typeof vocab === 'number' && vocab > 0 ? { vocab } : {}),
  };
}

/** Seeded prompt ids, batch rows of `promptTokens` each, drawn uniformly from [lo, hi). */
export function promptIds(g: GenerationParams, batch: number, seed: number): number[][] {
  const rand = mulberry32(seed);
  const [lo, hi] = g.vocabRange;
  return Array.from({ length: batch }, () =>
    Array.from({ length: g.promptTokens }, () => lo + Math.floor((hi - lo) * rand())),
  );
}

function intTensor(type: 'int64' | 'int32', values: number[], dims: number[]): ort.Tensor {
  return type === 'int64'
    ? new ort.Tensor('int64', BigInt64Array.from(values, BigInt), dims)
    : new ort.Tensor('int32', Int32Array.from(values), dims);
}

/** Argmax of the last position's logits, per batch row ([batch, seq, vocab] or [batch, vocab]). */
function lastArgmax(data: ArrayLike<number>, dims: readonly number[], half: boolean): number[] {
  const vocab = dims[dims.length - 1]!;
  const rows = dims[0]!;
  const perRow = data.length / rows;
  return Array.from({ length: rows }, (_, b) => {
    const base = b * perRow + perRow - vocab;
    let best = 0;
    let bestValue = -Infinity;
    for (let v = 0; v < vocab; v++) {
      const raw = data[base + v]!;
      const x = half ? fromHalfBits(raw) : raw;
      if (x > bestValue) {
        bestValue = x;
        best = v;
      }
    }
    return best;
  });
}

/** One generation's timings and tokens. */
export interface GenerationRun {
  /** Greedy tokens per batch row, newTokens each (the first from prefill). */
  tokens: number[][];
  /** Prefill run + argmax of its last logits. */
  ttftMs: number;
  /** Each decode step: feeds, run, argmax; newTokens - 1 of them. */
  stepsMs: number[];
  /** The prefill's logits, kept only when asked for (parity). */
  prefillLogits?: ort.Tensor;
}

function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Greedy generation with the KV cache: one prefill over the prompt with an empty past, then one run per new
 * token that feeds the previous run's `present.*` back as `past_key_values.*`, the chosen token as `input_ids`,
 * and a mask and position grown by one. Presents the session keeps in GPU buffers go back in as they are; each
 * cache tensor is released as soon as the next run has consumed it. The logits must come back in CPU memory
 * (see generationOutputLocations).
 */
export async function generateOnce(
  session: ort.InferenceSession,
  layout: DecoderLayout,
  prompt: number[][],
  newTokens: number,
  opts: { keepPrefillLogits?: boolean } = {},
): Promise<GenerationRun> {
  const batch = prompt.length;
  const promptLength = prompt[0]!.length;
  const half = layout.kvType === 'float16';
  const emptyPast = new ort.Tensor(layout.kvType, half ? new Uint16Array(0) : new Float32Array(0), [
    batch,
    layout.kvHeads,
    0,
    layout.headSize,
  ]);
  const tokens: number[][] = prompt.map(() => []);
  const stepsMs: number[] = [];
  let past: Record<string, ort.Tensor> = {};
  for (let i = 0; i < layout.layers; i++)
    for (const part of ['key', 'value']) past[`past_key_values.${i}.${part}`] = emptyPast;
  let ttftMs = 0;
  let prefillLogits: ort.Tensor | undefined;

  for (let step = 0; step < newTokens; step++) {
    const start = process.hrtime.bigint();
    const length = step === 0 ? promptLength : 1;
    const total = promptLength + step;
    const ids = step === 0 ? prompt.flat() : tokens.map((t) => t[t.length - 1]!);
    const positions =
      step === 0 ? prompt.flatMap(() => Array.from({ length }, (_, p) => p)) : prompt.map(() => total - 1);
    const feeds: Record<string, ort.Tensor> = {
      input_ids: intTensor(layout.idsType, ids, [batch, length]),
      attention_mask: intTensor(layout.maskType, Array<number>(batch * total).fill(1), [batch, total]),
      ...(layout.positionType ? { position_ids: intTensor(layout.positionType, positions, [batch, length]) } : {}),
      ...past,
    };
    let out: ort.InferenceSession.ReturnType;
    try {
      out = await session.run(feeds);
    } catch (err) {
      throw new Error(
        `${step === 0 ? `prefill of ${promptLength} tokens` : `decode step ${step} (position ${total - 1})`} failed: ${(err as Error).message}`,
      );
    }
    const logits = out.logits!;
    if (logits.location !== 'cpu') throw new Error(`the logits came back in '${logits.location}', not in CPU memory`);
    const next = lastArgmax(logits.data as ArrayLike<number>, logits.dims, logits.type === 'float16');
    next.forEach((t, b) => tokens[b]!.push(t));
    const ms = msSince(start);
    if (step === 0) {
      ttftMs = ms;
      if (opts.keepPrefillLogits) prefillLogits = logits;
    } else stepsMs.push(ms);
    if (step > 0) for (const t of Object.values(past)) t.dispose();
    past = {};
    for (let i = 0; i < layout.layers; i++)
      for (const part of ['key', 'value']) past[`past_key_values.${i}.${part}`] = out[`present.${i}.${part}`]!;
  }
  if (newTokens > 0) for (const t of Object.values(past)) t.dispose();
  return { tokens, ttftMs, stepsMs, ...(prefillLogits ? { prefillLogits } : {}) };
}
