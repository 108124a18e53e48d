import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandMatrix, parseSpec } from '@ortfleet/core';
import { OCR_MODELS } from '../../../../test/support/env';
import { measureCell } from './measure';

const CLS = join(OCR_MODELS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx');

// The closed loop scales with the cores it has: on this 2-core machine, at one intra-op thread, two requests in
// flight serve about twice the requests of one. The two concurrencies alternate, and a pair counts only when the
// machine gave it the cores it asks for (the process's CPU time over the loop: about one core at concurrency 1,
// at least 1.8 at 2). On a shared VM a core can be taken away for tens of seconds, and a pair measured then says
// nothing of the closed loop. A closed loop that ran its requests one at a time would never use 1.8 cores, so it
// still fails: no pair would count.
const PAIRS = 3;
const MAX_TRIALS = 12;

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
    const trials: { ratio: number; cores: [number, number] }[] = [];
    const counted = () => trials.filter((t) => t.cores[0] >= 0.9 && t.cores[1] >= 1.8);
    while (counted().length < PAIRS && trials.length < MAX_TRIALS) {
      const one = (await measureCell(single!)).measurement!;
      const two = (await measureCell(double!)).measurement!;
      expect(two.concurrency!.meanInFlight).toBeGreaterThan(1.9);
      trials.push({
        ratio: two.concurrency!.requestsPerS / (one.iterations / (one.durationMs / 1000)),
        cores: [one.telemetry!.processCpuPercent / 100, two.telemetry!.processCpuPercent / 100],
      });
    }
    const seen = trials.map((t) => `${t.ratio.toFixed(2)} (${t.cores.map((c) => c.toFixed(2)).join(' and ')} cores)`);
    expect(counted().length, `pairs with the cores they ask for: ${seen.join(', ')}`).toBe(PAIRS);
    const median = counted()
      .map((t) => t.ratio)
      .sort((a, b) => a - b)[1]!;
    expect(median, `ratios ${seen.join(', ')}`).toBeGreaterThanOrEqual(1.6);
  }, 180_000);
});
