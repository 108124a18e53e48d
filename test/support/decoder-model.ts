/**
 * A small decoder-only transformer written as ONNX, in the layout optimum and transformers.js export decoders
 * with a KV cache: inputs `input_ids`, `attention_mask`, `position_ids`, `past_key_values.<i>.key|value`;
 * outputs `logits`, `present.<i>.key|value`. Weights are random but seeded. Attention is real: each layer
 * concatenates the past keys and values with the current ones, masks by position (causal) and by the
 * attention mask, and the presents it returns are the whole cache. No small LLM installs from the registries
 * this repo can reach, so generation is tested and benchmarked on this one.
 *
 *   pnpm exec tsx test/support/decoder-model.ts OUT.onnx [--layers 2] [--hidden 64] [--heads 4] [--vocab 256] [--positions 256] [--no-cache]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  encodeModel,
  expandMatrix,
  validateSpec,
  type Initializer,
  type MeasureSpec,
  type NodeDef,
  type ValueInfo,
} from '@ortfleet/core';
import { mulberry32 } from '../../packages/core/src/random';

export interface DecoderShape {
  layers: number;
  hidden: number;
  heads: number;
  vocab: number;
  /** Rows of the position embedding; written to the model's metadata as `max_position_embeddings`. */
  positions: number;
  seed: number;
  /** False: a decoder without the cache inputs and outputs (a model `generate` must refuse). */
  cache: boolean;
}

export const SMALL_DECODER: DecoderShape = {
  layers: 2,
  hidden: 64,
  heads: 4,
  vocab: 256,
  positions: 256,
  seed: 7,
  cache: true,
};

/** The ONNX bytes of a decoder of the given shape. */
export function decoderModel(shape: Partial<DecoderShape> = {}): Uint8Array {
  const s = { ...SMALL_DECODER, ...shape };
  const { layers, hidden: d, heads: h, vocab, positions } = s;
  const headSize = d / h;
  if (!Number.isInteger(headSize)) throw new Error(`hidden ${d} is not a multiple of heads ${h}`);
  const rand = mulberry32(s.seed);
  const nodes: NodeDef[] = [];
  const inits: Initializer[] = [];
  const weight = (name: string, dims: number[], scale: number) => {
    const count = dims.reduce((a, b) => a * b, 1);
    inits.push({ name, dims, float32: Array.from({ length: count }, () => (2 * rand() - 1) * scale) });
    return name;
  };
  const constant = (name: string, dims: number[], values: number[], type: 'int64' | 'float32') => {
    inits.push(type === 'int64' ? { name, dims, int64: values } : { name, dims, float32: values });
    return name;
  };
  let n = 0;
  const node = (op: string, inputs: string[], attributes?: NodeDef['attributes'], output = `t${n++}`) => {
    nodes.push({ op, inputs, outputs: [output], ...(attributes ? { attributes } : {}) });
    return output;
  };

  const fanIn = (k: number) => Math.sqrt(3 / k);
  weight('tok_emb', [vocab, d], 1);
  weight('pos_emb', [positions, d], 0.5);
  constant('ones_d', [d], Array<number>(d).fill(1), 'float32');
  constant('zeros_d', [d], Array<number>(d).fill(0), 'float32');
  constant('heads_shape', [4], [0, 0, h, headSize], 'int64');
  constant('hidden_shape', [3], [0, 0, d], 'int64');
  constant('scale', [], [1 / Math.sqrt(headSize)], 'float32');
  constant('masked', [], [-1e9], 'float32');
  constant('i0', [], [0], 'int64');
  constant('i1', [], [1], 'int64');
  constant('axis1', [1], [1], 'int64');
  constant('axis2', [1], [2], 'int64');

  let x = node('Add', [node('Gather', ['tok_emb', 'input_ids']), node('Gather', ['pos_emb', 'position_ids'])]);
  // A query at position p sees the keys at positions 0..p whose attention mask is 1: [batch, 1, seq, total].
  const total = node('Gather', [node('Shape', ['attention_mask']), 'i1'], { axis: 0 });
  const keyPositions = node('Range', ['i0', total, 'i1']);
  const causal = node('LessOrEqual', [keyPositions, node('Unsqueeze', ['position_ids', 'axis2'])]);
  const padding = node('Unsqueeze', [node('Cast', ['attention_mask'], { to: 9 }), 'axis1']);
  const allowed = node('Unsqueeze', [node('And', [causal, padding]), 'axis1']);

  const toHeads = (t: string) => node('Transpose', [node('Reshape', [t, 'heads_shape'])], { perm: [0, 2, 1, 3] });
  for (let i = 0; i < layers; i++) {
    const norm1 = node('LayerNormalization', [x, 'ones_d', 'zeros_d'], { axis: -1 });
    const q = toHeads(node('MatMul', [norm1, weight(`l${i}.wq`, [d, d], fanIn(d))]));
    let k = toHeads(node('MatMul', [norm1, weight(`l${i}.wk`, [d, d], fanIn(d))]));
    let v = toHeads(node('MatMul', [norm1, weight(`l${i}.wv`, [d, d], fanIn(d))]));
    if (s.cache) {
      k = node('Concat', [`past_key_values.${i}.key`, k], { axis: 2 }, `present.${i}.key`);
      v = node('Concat', [`past_key_values.${i}.value`, v], { axis: 2 }, `present.${i}.value`);
    }
    const scores = node('Mul', [node('MatMul', [q, node('Transpose', [k], { perm: [0, 1, 3, 2] })]), 'scale']);
    const probs = node('Softmax', [node('Where', [allowed, scores, 'masked'])], { axis: -1 });
    const context = node('Reshape', [
      node('Transpose', [node('MatMul', [probs, v])], { perm: [0, 2, 1, 3] }),
      'hidden_shape',
    ]);
    x = node('Add', [x, node('MatMul', [context, weight(`l${i}.wo`, [d, d], fanIn(d))])]);
    const norm2 = node('LayerNormalization', [x, 'ones_d', 'zeros_d'], { axis: -1 });
    const up = node('MatMul', [norm2, weight(`l${i}.w1`, [d, 4 * d], fanIn(d))]);
    const act = node('Mul', [up, node('Sigmoid', [up])]);
    x = node('Add', [x, node('MatMul', [act, weight(`l${i}.w2`, [4 * d, d], fanIn(4 * d))])]);
  }
  node(
    'MatMul',
    [node('LayerNormalization', [x, 'ones_d', 'zeros_d'], { axis: -1 }), weight('lm_head', [d, vocab], fanIn(d) * 4)],
    undefined,
    'logits',
  );

  const cacheShape = (length: string) => ['batch_size', h, length, headSize];
  const inputs: ValueInfo[] = [
    { name: 'input_ids', type: 'int64', shape: ['batch_size', 'sequence_length'] },
    { name: 'attention_mask', type: 'int64', shape: ['batch_size', 'total_sequence_length'] },
    { name: 'position_ids', type: 'int64', shape: ['batch_size', 'sequence_length'] },
  ];
  const outputs: ValueInfo[] = [{ name: 'logits', type: 'float32', shape: ['batch_size', 'sequence_length', vocab] }];
  if (s.cache)
    for (let i = 0; i < layers; i++)
      for (const part of ['key', 'value']) {
        inputs.push({
          name: `past_key_values.${i}.${part}`,
          type: 'float32',
          shape: cacheShape('past_sequence_length'),
        });
        outputs.push({ name: `present.${i}.${part}`, type: 'float32', shape: cacheShape('total_sequence_length') });
      }
  return encodeModel({ name: 'ortfleet-test-decoder', inputs, outputs, nodes, initializers: inits }, 17, {
    max_position_embeddings: String(positions),
  });
}

/** Writes a decoder to `path` and returns the path. */
export function writeDecoderModel(path: string, shape: Partial<DecoderShape> = {}): string {
  writeFileSync(path, decoderModel(shape));
  return path;
}

/** The one cell of a spec generating with the decoder (CPU, one thread) at these lengths, and its measure settings. */
export function generationCell(
  g: { promptTokens: number; newTokens: number; vocab?: number },
  measure: Record<string, unknown> = {},
  batch = 1,
) {
  const spec = validateSpec({
    name: 'generation',
    models: [
      {
        name: 'decoder',
        file: 'decoder.onnx',
        generate: { promptTokens: [g.promptTokens], newTokens: [g.newTokens], vocabRange: [0, g.vocab ?? 256] },
      },
    ],
    matrix: { ep: ['cpu'], batch: [batch], intraOpThreads: [1] },
    measure: { warmup: 2, minIterations: 3, minDurationMs: 0, profileIterations: 0, ...measure },
  });
  return { cell: expandMatrix(spec, 'test')[0]!, measure: spec.measure as MeasureSpec };
}

if (process.argv[1]?.endsWith('decoder-model.ts')) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      layers: { type: 'string' },
      hidden: { type: 'string' },
      heads: { type: 'string' },
      vocab: { type: 'string' },
      positions: { type: 'string' },
      seed: { type: 'string' },
      'no-cache': { type: 'boolean' },
    },
  });
  const out = positionals[0];
  if (!out) {
    process.stderr.write(
      'usage: tsx test/support/decoder-model.ts OUT.onnx [--layers N] [--hidden N] [--heads N] [--vocab N] [--positions N] [--seed N] [--no-cache]\n',
    );
    process.exit(2);
  }
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const shape = Object.fromEntries(
    Object.entries({
      layers: num(values.layers),
      hidden: num(values.hidden),
      heads: num(values.heads),
      vocab: num(values.vocab),
      positions: num(values.positions),
      seed: num(values.seed),
    }).filter(([, v]) => v !== undefined),
  );
  writeDecoderModel(out, { ...shape, cache: !values['no-cache'] });
}
