import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { expandMatrix, parseSpec } from '@ortfleet/core';
import { OCR_MODELS } from '../../../../test/support/env';
import { runClosedLoop } from './closed-loop';
import { measureCell } from './measure';

const CLS = join(OCR_MODELS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx');

function jobs(concurrency: number[], modelFile = CLS) {
  const spec = parseSpec(`
name: closed-loop
models:
  - name: cls
    file: ${modelFile}
    inputs: { x: { shape: [batch, 3, 48, 192] } }
matrix: { ep: [cpu], batch: [2], intraOpThreads: [1], concurrency: [${concurrency.join(', ')}] }
measure: { warmup: 3, minIterations: 60, minDurationMs: 300, maxDurationMs: 20000, profileIterations: 0 }
targets: [any]
`);
  return expandMatrix(spec, 'local').map((cell) => ({
    cell,
    modelPath: modelFile,
    inputs: spec.models[0]!.inputs ?? {},
    measure: spec.measure,
  }));
}

describe('closed-loop concurrency on a real model', () => {
  it('keeps the requests in flight on worker sessions and counts every request of every worker', async () => {
    const [single, double] = jobs([1, 2]);
    expect(single!.cell.params.concurrency).toBeUndefined();
    const one = await measureCell(single!);
    const two = await measureCell(double!);
    expect(one.status, one.reason).toBe('ok');
    expect(two.status, two.reason).toBe('ok');
    expect(one.measurement!.concurrency).toBeUndefined();
    const c = two.measurement!.concurrency!;
    expect(c).toMatchObject({ requested: 2, mode: 'worker-sessions' });
    // Each worker sends its next request when its last returns: about two in flight the whole loop long.
    expect(c.meanInFlight).toBeGreaterThan(1.8);
    expect(c.meanInFlight).toBeLessThanOrEqual(2.0001);
    const m = two.measurement!;
    expect(m.iterations).toBeGreaterThanOrEqual(60);
    expect(c.requestsPerS).toBeCloseTo(m.iterations / (m.durationMs / 1000), 6);
    expect(m.throughput).toBeCloseTo(2 * c.requestsPerS, 6);
    expect(m.stats.p50CiLowMs).toBeLessThanOrEqual(m.stats.p50Ms);
    expect(m.stats.p50CiHighMs).toBeGreaterThanOrEqual(m.stats.p50Ms);
    expect(m.telemetry?.processCpuPercent).toBeGreaterThan(0);
    // The parity pass still runs on the main session after the loop.
    expect(two.parity).toBeUndefined();
  }, 30_000);

  it("rejects with ONNX Runtime's words, and does not hang, when the workers cannot run the feeds", async () => {
    const [job] = jobs([2]);
    const wrong = { x: new ort.Tensor('int32', new Int32Array(3 * 48 * 192), [1, 3, 48, 192]) };
    await expect(
      runClosedLoop(CLS, { intraOpNumThreads: 1, logSeverityLevel: 3 }, [wrong], 2, job!.measure),
    ).rejects.toThrow(/type/i);
  }, 30_000);
});
