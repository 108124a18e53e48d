import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { percentile, type Cell } from '@ortfleet/core';
import type { Phase } from '@ortfleet/contracts';
import { generationCell, writeDecoderModel } from '../../../../test/support/decoder-model';
import { OCR_MODELS, tempHome } from '../../../../test/support/env';
import { decoderLayout, generateOnce, promptIds } from './generate';
import { measureCell } from './measure';
import { sessionOptionsFor } from './session-options';

// Real onnxruntime-node sessions on the generated decoder (test/support/decoder-model.ts).
let dir: string;
let decoder: string;
let wide: string;
let noCache: string;
let wideNoCache: string;

beforeAll(() => {
  dir = tempHome();
  decoder = writeDecoderModel(join(dir, 'decoder.onnx'));
  // Wide enough that a prefill is a few milliseconds of matrix work rather than call overhead.
  wide = writeDecoderModel(join(dir, 'wide.onnx'), { layers: 4, hidden: 256, heads: 8, vocab: 1024, positions: 512 });
  noCache = writeDecoderModel(join(dir, 'no-cache.onnx'), { cache: false });
  wideNoCache = writeDecoderModel(join(dir, 'wide-no-cache.onnx'), {
    layers: 4,
    hidden: 256,
    heads: 8,
    vocab: 1024,
    positions: 512,
    cache: false,
  });
});

async function session(path: string, cell?: Cell) {
  return ort.InferenceSession.create(
    path,
    cell ? sessionOptionsFor(cell) : { executionProviders: ['cpu'], intraOpNumThreads: 1 },
  );
}

describe('decoderLayout', () => {
  it('reads layers, heads and head size from the cache inputs', async () => {
    const s = await session(decoder);
    expect(decoderLayout(s)).toEqual({
      layers: 2,
      kvHeads: 4,
      headSize: 16,
      kvType: 'float32',
      idsType: 'int64',
      maskType: 'int64',
      positionType: 'int64',
      vocab: 256,
    });
    await s.release();
  });

  it('names the missing cache inputs and outputs of a model without them', async () => {
    const s = await session(noCache);
    expect(() => decoderLayout(s)).toThrow(
      /missing inputs 'past_key_values.<i>.key' \/ 'past_key_values.<i>.value' \(the KV cache\)/,
    );
    await s.release();
  });
});

describe('generateOnce', () => {
  it('gives the greedy tokens of a loop without the cache (the whole sequence rerun each step)', async () => {
    const [cached, full] = [await session(decoder), await session(noCache)];
    const prompt = promptIds({ promptTokens: 12, newTokens: 20, vocabRange: [0, 256] }, 2, 5);
    const { tokens } = await generateOnce(cached, decoderLayout(cached), prompt, 20);
    for (const [b, row] of prompt.entries()) {
      const seq = [...row];
      for (let i = 0; i < 20; i++) {
        const out = await full.run({
          input_ids: new ort.Tensor('int64', BigInt64Array.from(seq, BigInt), [1, seq.length]),
          attention_mask: new ort.Tensor('int64', new BigInt64Array(seq.length).fill(1n), [1, seq.length]),
          position_ids: new ort.Tensor('int64', BigInt64Array.from(seq.keys(), BigInt), [1, seq.length]),
        });
        const last = (out.logits!.data as Float32Array).slice((seq.length - 1) * 256, seq.length * 256);
        seq.push(last.indexOf(Math.max(...last)));
      }
      expect(tokens[b]).toEqual(seq.slice(row.length));
    }
    await cached.release();
    await full.release();
  });

  it('keeps decode steps flat with the cache: step 60 under 1.5× step 5, where rerunning the sequence grows', async () => {
    const median = (xs: number[]) =>
      percentile(
        [...xs].sort((a, b) => a - b),
        50,
      );
    // Five steps around each position, over several generations: one descheduled step cannot decide it.
    const around = (runs: number[][], step: number) => median(runs.flatMap((r) => r.slice(step - 3, step + 2)));
    const s = await session(wide);
    const layout = decoderLayout(s);
    const prompt = promptIds({ promptTokens: 16, newTokens: 64, vocabRange: [0, 1024] }, 1, 1);
    await generateOnce(s, layout, prompt, 8);
    const runs: number[][] = [];
    for (let i = 0; i < 9; i++) runs.push((await generateOnce(s, layout, prompt, 64)).stepsMs);
    await s.release();
    expect(around(runs, 60)).toBeLessThan(1.5 * around(runs, 5));

    // The same model without the cache reruns the whole sequence for each token: 16 + 5 against 16 + 60 tokens.
    const full = await session(wideNoCache);
    const rerun = async (length: number) => {
      const ids = Array.from({ length }, (_, i) => (i * 7) % 1024);
      const feeds = {
        input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, length]),
        attention_mask: new ort.Tensor('int64', new BigInt64Array(length).fill(1n), [1, length]),
        position_ids: new ort.Tensor('int64', BigInt64Array.from(ids.keys(), BigInt), [1, length]),
      };
      const times: number[] = [];
      for (let i = 0; i < 15; i++) {
        const t0 = process.hrtime.bigint();
        await full.run(feeds);
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      return median(times);
    };
    await rerun(21);
    expect(await rerun(76)).toBeGreaterThan(1.5 * (await rerun(21)));
    await full.release();
  });
});

describe('measureCell on a decoder', () => {
  it('reports TTFT, inter-token latency, tokens/s, the step curve and token parity', async () => {
    const { cell, measure } = generationCell({ promptTokens: 24, newTokens: 40 }, {}, 2);
    const outcome = await measureCell({ cell, modelPath: decoder, referenceModelPath: decoder, inputs: {}, measure });
    expect(outcome.status, outcome.reason).toBe('ok');
    const g = outcome.measurement!.generation!;
    expect(g).toMatchObject({
      promptTokens: 24,
      newTokens: 40,
      layers: 2,
      kvHeads: 4,
      headSize: 16,
      kvCache: { mode: 'cpu' },
    });
    expect(g.generations).toBe(outcome.measurement!.iterations);
    expect(g.ttft.p50Ms).toBeGreaterThan(0);
    expect(g.itl.p99Ms).toBeGreaterThanOrEqual(g.itl.p50Ms);
    expect(g.decodeTokensPerS).toBeGreaterThan(0);
    expect(g.prefillTokensPerS).toBeCloseTo((2 * 24) / (g.ttft.p50Ms / 1000), 6);
    expect(g.stepCurve.length).toBe(32);
    expect(g.stepCurve[0]!.position).toBe(25);
    expect(g.stepCurve.at(-1)!.position).toBe(24 + 39);
    expect(g.tokens).toHaveLength(40);
    expect(outcome.parity).toMatchObject({
      ok: true,
      cosine: 1,
      tokens: { compared: 80, agreement: 1, firstMismatch: null },
    });
    expect(outcome.measurement!.telemetry!.peakRssBytes).toBeGreaterThan(0);
  });

  it('runs the control beside the cell generation by generation when asked: longer generations, a larger ratio', async () => {
    const control = join(OCR_MODELS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx');
    const measured = async (newTokens: number) => {
      const { cell, measure } = generationCell({ promptTokens: 24, newTokens }, { minIterations: 20 });
      const phases: Phase[] = [];
      const outcome = await measureCell(
        { cell, modelPath: decoder, inputs: {}, measure, interleavedControl: { modelPath: control } },
        (phase) => phases.push(phase),
      );
      expect(outcome.status, outcome.reason).toBe('ok');
      const c = outcome.measurement!.interleavedControl!;
      expect(c, JSON.stringify(outcome.measurement?.note)).toBeDefined();
      expect(c.runs).toBeGreaterThanOrEqual(20);
      expect(phases.indexOf('control')).toBeGreaterThan(phases.indexOf('timed-loop'));
      return c;
    };
    const [long, short] = [await measured(40), await measured(10)];
    // 39 decode steps against 9, the prompt's prefill alike: a generation in units of the control grows with it.
    expect(long.ratio / short.ratio).toBeGreaterThan(2);
    expect(long.cellP50Ms / long.controlP50Ms).toBeGreaterThan(short.cellP50Ms / short.controlP50Ms);
    // A control that cannot run leaves the generation's measurement as it was, and says why.
    const { cell, measure } = generationCell({ promptTokens: 4, newTokens: 4 });
    const missing = await measureCell({
      cell,
      modelPath: decoder,
      inputs: {},
      measure,
      interleavedControl: { modelPath: join(dir, 'no-control.onnx') },
    });
    expect(missing.status).toBe('ok');
    expect(missing.measurement!.interleavedControl).toBeUndefined();
    expect(missing.measurement!.note).toMatch(/control not interleaved: .*no-control\.onnx/);
  });

  it('fails a model without the cache, naming what is missing', async () => {
    const { cell, measure } = generationCell({ promptTokens: 4, newTokens: 4 });
    const outcome = await measureCell({ cell, modelPath: noCache, inputs: {}, measure });
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toMatch(/does not fit generate.*missing inputs 'past_key_values/);
  });

  it('fails a vocabulary range beyond the logits, and a prompt past the position table, with a clear reason', async () => {
    const wideVocab = generationCell({ promptTokens: 4, newTokens: 4, vocab: 300 });
    const vocab = await measureCell({
      cell: wideVocab.cell,
      modelPath: decoder,
      inputs: {},
      measure: wideVocab.measure,
    });
    expect(vocab).toMatchObject({
      status: 'failed',
      reason: "generate.vocabRange [0, 300) goes beyond the model's vocabulary: its logits have 256 entries",
    });
    const long = generationCell({ promptTokens: 250, newTokens: 10 });
    const positions = await measureCell({ cell: long.cell, modelPath: decoder, inputs: {}, measure: long.measure });
    expect(positions.status).toBe('failed');
    expect(positions.reason).toMatch(/^decode step 7 \(position 256\) failed: .*out of data bounds/);
  });
});
