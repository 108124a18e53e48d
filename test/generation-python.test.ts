import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Cell } from '@ortfleet/core';
import { decoderLayout, generateOnce, promptIds } from '../apps/agent/src/cell/generate';
import { measureCell } from '../apps/agent/src/cell/measure';
import { sessionOptionsFor } from '../apps/agent/src/cell/session-options';
import { findPython, runPrepare } from '../apps/cli/src/models/prepare';
import { generationCell, writeDecoderModel } from './support/decoder-model';
import { tempHome } from './support/env';

// The generating path against Python: variants that `ortfleet models prepare` derives, and Python
// onnxruntime's own greedy loop, on the generated decoder (test/support/decoder-model.ts).
const run = promisify(execFile);
let dir: string;
let decoder: string;

beforeAll(() => {
  dir = tempHome();
  decoder = writeDecoderModel(join(dir, 'decoder.onnx'));
});

async function session(path: string, cell: Cell) {
  return ort.InferenceSession.create(path, sessionOptionsFor(cell));
}

describe('parity of prepared variants', () => {
  it('passes the fp16 variant, whose tokens match the fp32 reference, and fails int8 by its tokens', async () => {
    const python = findPython();
    const jobs = (['fp16', 'int8'] as const).map((precision) => ({
      precision,
      input: decoder,
      output: join(dir, `decoder_${precision}.onnx`),
    }));
    expect((await runPrepare(python, jobs)).map((r) => r.status)).toEqual(['written', 'written']);
    const judged: Record<string, unknown> = {};
    for (const job of jobs) {
      const { cell, measure } = generationCell({ promptTokens: 16, newTokens: 24 }, {}, 2);
      const outcome = await measureCell({
        cell: { ...cell, params: { ...cell.params, precision: job.precision } },
        modelPath: job.output,
        referenceModelPath: decoder,
        inputs: {},
        measure,
      });
      judged[job.precision] = {
        status: outcome.status,
        ok: outcome.parity?.ok,
        tokens: outcome.parity?.tokens,
        reason: outcome.parity?.reason,
      };
    }
    expect(judged.fp16).toEqual({
      status: 'ok',
      ok: true,
      tokens: { compared: 48, agreement: 1, firstMismatch: null },
      reason: undefined,
    });
    expect(judged.int8).toMatchObject({
      status: 'ok',
      ok: false,
      reason: expect.stringMatching(
        /^generated tokens agree with the fp32 CPU reference's at [\d.]+% < 99% \(first difference at token \d+\)$/,
      ),
    });
  });
});

describe('against Python onnxruntime', () => {
  it('generates the same greedy tokens, token for token', async () => {
    const python = findPython();
    const { cell } = generationCell({ promptTokens: 20, newTokens: 48 }, {}, 2);
    const prompts = [promptIds(cell.params.generation!, 2, 11)];
    const job = {
      model: decoder,
      prompts,
      newTokens: 48,
      warmup: 0,
      minIterations: 1,
      minDurationMs: 0,
      maxDurationMs: 60_000,
      sessionOptions: sessionOptionsFor(cell),
    };
    const script = join(import.meta.dirname, '../bench/generate_python.py');
    const { stdout } = await run(python.path, [script, JSON.stringify(job)]);
    const s = await session(decoder, cell);
    const ours = await generateOnce(s, decoderLayout(s), prompts[0]!, 48);
    await s.release();
    const theirs = (JSON.parse(stdout) as { tokens: number[][] }).tokens;
    expect(ours.tokens).toEqual(theirs);
    // A degenerate model that repeats one token would make this comparison say little.
    expect(new Set(ours.tokens.flat()).size).toBeGreaterThan(5);
  });
});
