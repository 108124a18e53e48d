import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandMatrix, pairOrders, validateSpec } from '@ortfleet/core';
import type { PairsJob } from '@ortfleet/contracts';
import { writeChainModel } from '../../../../test/support/chain-model';
import { tempHome } from '../../../../test/support/env';
import { measurePairsHere } from './measure-pairs';

// Real onnxruntime-node sessions on real (generated) models, in this process.
const dir = tempHome();
const spec = validateSpec({
  name: 'pairs',
  models: [{ name: 'chain', file: 'chain.onnx' }],
  matrix: { ep: ['cpu'], batch: [1], intraOpThreads: [1] },
  measure: { warmup: 2, minIterations: 10, minDurationMs: 50, maxDurationMs: 2_000 },
});
const cell = expandMatrix(spec, 'h')[0]!;

function job(previous: string, current: string, pairs = 4): PairsJob {
  return {
    cell,
    previous: { modelPath: previous, modelSha256: '' },
    current: { modelPath: current },
    inputs: {},
    measure: spec.measure,
    orders: pairOrders(pairs, 1),
  };
}

describe('measurePairsHere', () => {
  it('measures each pair in its order, and a file with half again the work is slower in every pair', async () => {
    const previous = writeChainModel(join(dir, 'p.onnx'), { layers: 10, seed: 1 });
    const current = writeChainModel(join(dir, 'c.onnx'), { layers: 20, seed: 1 });
    const j = job(previous, current);
    const outcome = await measurePairsHere(j);

    expect(outcome.reason).toBeUndefined();
    expect(outcome.pairs.map((p) => p.order)).toEqual(j.orders);
    for (const pair of outcome.pairs) expect(pair.bP50Ms / pair.aP50Ms).toBeGreaterThan(1.2);
  });

  it('names the side whose file does not load, and measures no pair', async () => {
    const previous = writeChainModel(join(dir, 'p2.onnx'), { layers: 2, seed: 1 });
    const broken = join(dir, 'broken.onnx');
    writeFileSync(broken, 'not a model');
    const outcome = await measurePairsHere(job(previous, broken));

    expect(outcome.pairs).toEqual([]);
    expect(outcome.reason).toMatch(/^B \(.*broken\.onnx\): session creation failed: /);
  });
});
