import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandMatrix, parseSpec } from '@ortfleet/core';
import { OCR_MODELS } from '../../../../test/support/env';
import { measureCell } from './measure';

const CLS = join(OCR_MODELS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx');

// The closed loop scales with the cores it has: on this 2-core machine, at one intra-op thread, two requests in
// flight serve about twice the requests of one. The two concurrencies alternate, five times each, and the
// median of the pairs' ratios is judged, so that a moment of load from elsewhere on a shared machine hits both.
describe('closed-loop scaling on a real CNN', () => {
  it('serves at least 1.6× the requests/s at concurrency 2 as at 1, with about 2 in flight', async () => {
    const spec = parseSpec(`
name: scaling
models:
  - name: cls
    file: ${CLS}
    inputs: { x: { shape: [batch, 3, 48, 192] } }
matrix: { ep: [cpu], batch: [1], intraOpThreads: [1], concurrency: [1, 2] }
measure: { warmup: 10, minIterations: 100, minDurationMs: 1500, maxDurationMs: 10000, profileIterations: 0 }
`);
    const [single, double] = expandMatrix(spec, 'local').map((cell) => ({
      cell,
      modelPath: CLS,
      inputs: spec.models[0]!.inputs,
      measure: spec.measure,
    }));
    const ratios: number[] = [];
    for (let round = 0; round < 5; round++) {
      const one = (await measureCell(single!)).measurement!;
      const two = (await measureCell(double!)).measurement!;
      expect(two.concurrency!.meanInFlight).toBeGreaterThan(1.9);
      ratios.push(two.concurrency!.requestsPerS / (one.iterations / (one.durationMs / 1000)));
    }
    const median = [...ratios].sort((a, b) => a - b)[2]!;
    expect(median, `ratios ${ratios.map((r) => r.toFixed(2)).join(', ')}`).toBeGreaterThanOrEqual(1.6);
  }, 120_000);
});
