import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cellId, validateSpec, type CellParams, type InputSpec } from '@ortfleet/core';
import { OCR_MODELS, tempHome } from '../../../../test/support/env';
import { writeTestModels } from '../../../../test/support/models';
import { runCellIsolated } from './isolated';

// Real onnxruntime-node sessions in real child processes.
const measure = validateSpec({ name: 't', models: [{ name: 'm', file: 'x' }], matrix: { ep: ['cpu'], batch: [1] }, measure: { warmup: 2, minIterations: 20, minDurationMs: 200, maxDurationMs: 5000, cellTimeoutMs: 60_000 } }).measure;
const limits = { timeoutMs: 60_000, memoryLimitBytes: 4 * 2 ** 30 };
let models: ReturnType<typeof writeTestModels>;

function job(modelPath: string, over: Partial<CellParams> = {}, inputs: Record<string, InputSpec> = {}) {
  const params: CellParams = { model: 'm', hardwareClass: 'h', ep: 'cpu', precision: 'fp32', batch: 1, graphOptimization: 'all', intraOpThreads: 1, interOpThreads: 0, executionMode: 'sequential', memoryPattern: true, cpuArena: true, ...over };
  return { kind: 'cell' as const, cell: { id: cellId(params), params }, modelPath, inputs, measure };
}

beforeAll(() => {
  models = writeTestModels(tempHome());
});

describe('runCellIsolated', () => {
  it('measures a real model: cold start apart, at least minIterations, sane statistics', async () => {
    const outcome = await runCellIsolated(job(join(OCR_MODELS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx'), { batch: 2 }, { x: { shape: ['batch', 3, 48, 192] } }), limits);
    expect(outcome.status).toBe('ok');
    const m = outcome.measurement!;
    expect(m.iterations).toBeGreaterThanOrEqual(20);
    expect(m.durationMs).toBeGreaterThanOrEqual(200);
    expect(m.sessionCreateMs).toBeGreaterThan(0);
    expect(m.firstInferenceMs).toBeGreaterThan(0);
    expect(m.stats.p50Ms).toBeLessThanOrEqual(m.stats.p99Ms);
    // throughput = batch × iterations / duration, and the loop is (almost) all inference
    expect(m.throughput).toBeCloseTo((2 * m.iterations) / (m.durationMs / 1000), 6);
    expect(m.throughput).toBeLessThanOrEqual((2 * 1000) / m.stats.meanMs);
    expect(m.throughput).toBeGreaterThan(0.8 * ((2 * 1000) / m.stats.meanMs));
    expect(outcome.sessionOptions).toMatchObject({ executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: 1, enableProfiling: false });
  });

  it('feeds several inputs, integer ones included, with shapes from the spec', async () => {
    const outcome = await runCellIsolated(job(models.stateful, { batch: 3 }, { ids: { shape: ['batch', 16], range: [0, 9] }, state: { shape: ['batch', 16] } }), limits);
    expect(outcome.reason).toBeUndefined();
    expect(outcome.status).toBe('ok');
  });

  it.each([
    ['missing', "File doesn't exist"],
    ['empty', /./],
    ['notOnnx', /protobuf parsing failed|Protobuf/i],
  ] as const)('ends failed with ONNX Runtime’s own error for a %s model', async (which, text) => {
    const outcome = await runCellIsolated(job(models[which]), limits);
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toMatch(/^session creation failed: /);
    expect(outcome.reason).toMatch(text);
  });

  it('ends failed, naming the input, when a shape is left open', async () => {
    const outcome = await runCellIsolated(job(models.stateful), limits);
    expect(outcome).toMatchObject({ status: 'failed', reason: expect.stringMatching(/input 'ids' has open dimensions 1 \(seq\)/) });
  });

  it('ends crashed when the cell runs out of memory, and the next cell still runs', async () => {
    const outcome = await runCellIsolated(job(models.memoryHog, { batch: 256 }), { ...limits, memoryLimitBytes: 512 * 2 ** 20 });
    expect(outcome).toMatchObject({ status: 'crashed', reason: expect.stringMatching(/out of memory.*512 MiB/) });
    expect((await runCellIsolated(job(models.memoryHog, { batch: 1 }), { ...limits, memoryLimitBytes: 512 * 2 ** 20 })).status).toBe('ok');
  });

  it('ends timeout when the cell outlives its limit', async () => {
    const slow = { ...job(join(OCR_MODELS, 'ch_PP-OCRv4_det_infer.onnx'), {}, { x: { shape: ['batch', 3, 320, 320] } }), measure: { ...measure, minDurationMs: 60_000 } };
    const outcome = await runCellIsolated(slow, { ...limits, timeoutMs: 3000 });
    expect(outcome).toMatchObject({ status: 'timeout', reason: expect.stringMatching(/3000 ms timeout/) });
  });
});
