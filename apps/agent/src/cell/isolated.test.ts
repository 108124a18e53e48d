import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  INTERLEAVED_RATIOS_LIMIT,
  cellId,
  isRankable,
  medianOf,
  validateSpec,
  type CellParams,
  type InputSpec,
} from '@ortfleet/core';
import { OCR_MODELS, tempHome } from '../../../../test/support/env';
import { writeTestModels } from '../../../../test/support/models';
import { runCellIsolated } from './isolated';

// Real onnxruntime-node sessions in real child processes.
const measure = validateSpec({
  name: 't',
  models: [{ name: 'm', file: 'x' }],
  matrix: { ep: ['cpu'], batch: [1] },
  measure: { warmup: 2, minIterations: 20, minDurationMs: 200, maxDurationMs: 5000, cellTimeoutMs: 60_000 },
}).measure;
const limits = { timeoutMs: 60_000, memoryLimitBytes: 4 * 2 ** 30 };
let models: ReturnType<typeof writeTestModels>;

function job(
  modelPath: string,
  over: Partial<CellParams> = {},
  inputs: Record<string, InputSpec> = {},
  referenceModelPath?: string,
) {
  const params: CellParams = {
    model: 'm',
    hardwareClass: 'h',
    ep: 'cpu',
    precision: 'fp32',
    batch: 1,
    graphOptimization: 'all',
    intraOpThreads: 1,
    interOpThreads: 0,
    executionMode: 'sequential',
    memoryPattern: true,
    cpuArena: true,
    ...over,
  };
  return {
    kind: 'cell' as const,
    cell: { id: cellId(params), params },
    modelPath,
    referenceModelPath,
    inputs,
    measure,
  };
}

beforeAll(() => {
  models = writeTestModels(tempHome());
});

describe('runCellIsolated', () => {
  it('measures a real model: cold start apart, at least minIterations, sane statistics', async () => {
    const outcome = await runCellIsolated(
      job(
        join(OCR_MODELS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx'),
        { batch: 2 },
        { x: { shape: ['batch', 3, 48, 192] } },
      ),
      limits,
    );
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
    expect(outcome.sessionOptions).toMatchObject({
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: 1,
      enableProfiling: false,
    });
    // Figures that explain the result: windows, telemetry of the loop, model facts, profile, and no parity without a reference.
    expect(m.windows).toHaveLength(3);
    expect(m.windows.reduce((s, w) => s + w.iterations, 0)).toBeGreaterThanOrEqual(m.iterations - 3);
    expect(m.samplesMs.length).toBeGreaterThan(0);
    expect(m.telemetry!.processCpuPercent).toBeGreaterThan(0);
    expect(m.telemetry!.peakRssBytes).toBeGreaterThan(10 * 2 ** 20);
    expect(outcome.modelFacts).toMatchObject({
      inputs: [expect.objectContaining({ name: 'x', type: 'float32' })],
      operators: expect.objectContaining({ Conv: expect.any(Number) }),
    });
    expect(outcome.profile!.byProvider).toEqual([
      expect.objectContaining({ provider: 'CPUExecutionProvider', nodeShare: 1, timeShare: 1 }),
    ]);
    expect(outcome.profile!.fallback).toBeUndefined();
    expect(m.achievedGflops).toBeCloseTo(outcome.profile!.flopsPerInference! / (m.stats.p50Ms / 1000) / 1e9, 6);
    expect(outcome.parity).toBeUndefined();
    expect(m.note).toMatch(/parity not computed/);
  });

  it('runs the control beside the cell after its timed loop when asked: the cell in units of the control', async () => {
    const cls = join(OCR_MODELS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx');
    const withControl = (modelPath: string) => ({
      ...job(cls, { batch: 16 }, { x: { shape: ['batch', 3, 48, 192] } }),
      interleavedControl: { modelPath },
    });
    const outcome = await runCellIsolated(withControl(cls), limits);
    const c = outcome.measurement!.interleavedControl!;
    expect(c, JSON.stringify(outcome.measurement?.note)).toBeDefined();
    expect(c.runs).toBeGreaterThanOrEqual(measure.minIterations);
    expect(c.durationMs).toBeGreaterThanOrEqual(measure.minDurationMs);
    // The control is this model at batch 8: batch 16 is about twice its work.
    expect(c.ratio).toBeGreaterThan(1.4);
    expect(c.ratio).toBeLessThan(2.8);
    expect(c.cellP50Ms / c.controlP50Ms).toBeGreaterThan(1.4);
    // Every pair's ratio is kept (evenly thinned past the limit), and their median is the ratio.
    expect(c.ratios).toHaveLength(Math.ceil(c.runs / Math.ceil(c.runs / INTERLEAVED_RATIOS_LIMIT)));
    expect(medianOf(c.ratios!)).toBeCloseTo(c.ratio, 4);
    // A control that cannot run leaves the measurement as it was, and says why.
    const missing = await runCellIsolated(withControl(join(tempHome(), 'no-control.onnx')), limits);
    expect(missing.status).toBe('ok');
    expect(missing.measurement!.interleavedControl).toBeUndefined();
    expect(missing.measurement!.note).toMatch(/control not interleaved: .*no-control\.onnx/);
  });

  it('runs the control beside a closed loop round by round: a request on each server at once, then a round of the control', async () => {
    const cls = join(OCR_MODELS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx');
    const closedLoop = async (batch: number) => {
      const outcome = await runCellIsolated(
        {
          ...job(cls, { batch, concurrency: 2 }, { x: { shape: ['batch', 3, 48, 192] } }),
          interleavedControl: { modelPath: cls },
        },
        limits,
      );
      expect(outcome.measurement?.concurrency?.requested).toBe(2);
      const c = outcome.measurement!.interleavedControl!;
      expect(c, JSON.stringify(outcome.measurement?.note)).toBeDefined();
      expect(c.runs).toBeGreaterThanOrEqual(measure.minIterations);
      expect(c.width).toBe(2);
      return c.ratio;
    };
    // Requests of twice the work at the same concurrency: at least about twice the ratio (more where two larger
    // requests at once crowd each other's caches).
    const [eight, sixteen] = [await closedLoop(8), await closedLoop(16)];
    expect(sixteen / eight, `${eight} ${sixteen}`).toBeGreaterThan(1.4);
    expect(sixteen / eight, `${eight} ${sixteen}`).toBeLessThan(4);
  });

  it('runs the control as wide as a closed loop: with a core taken away, the control model as the cell keeps a ratio near 1', async () => {
    // The cell is the control's own workload (batch 8, one thread, graph optimization all), at two in flight,
    // in a child process pinned to one core: the cell's round of two requests shares that core, and so does
    // the control's round. A control run alone would not see the core taken away: the ratio would be the
    // round over a lone run, which the expectation on the control's round below puts above 1.6.
    const cls = join(OCR_MODELS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx');
    const inputs = { x: { shape: ['batch' as const, 3, 48, 192] } };
    const controlAsCell = (concurrency: number) =>
      runCellIsolated(
        { ...job(cls, { batch: 8, concurrency }, inputs), interleavedControl: { modelPath: cls } },
        limits,
      );
    execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)]);
    try {
      const [alone, wide] = [await controlAsCell(1), await controlAsCell(2)];
      const lone = alone.measurement!.interleavedControl!;
      const c = wide.measurement!.interleavedControl!;
      expect(c, JSON.stringify(wide.measurement?.note)).toBeDefined();
      expect(c.controlP50Ms / lone.controlP50Ms, `${c.controlP50Ms} ${lone.controlP50Ms}`).toBeGreaterThan(1.6);
      expect(c.ratio).toBeGreaterThan(0.8);
      expect(c.ratio).toBeLessThan(1.25);
    } finally {
      execFileSync('taskset', ['-a', '-p', '-c', `0-${cpus().length - 1}`, String(process.pid)]);
    }
  });

  it('compares a fp16 variant with the fp32 CPU reference: small but real differences, parity ok', async () => {
    const outcome = await runCellIsolated(
      job(models.matmulFp16, { precision: 'fp16', batch: 16 }, {}, models.matmulFp32),
      limits,
    );
    expect(outcome.status).toBe('ok');
    expect(outcome.parity).toMatchObject({ reference: 'fp32 cpu', ok: true, nonFinite: 0 });
    expect(outcome.parity!.maxAbsError).toBeGreaterThan(1e-5);
    expect(outcome.parity!.cosine).toBeGreaterThan(0.999);
    const same = await runCellIsolated(job(models.matmulFp32, { batch: 16 }, {}, models.matmulFp32), limits);
    expect(same.parity).toMatchObject({ ok: true, maxAbsError: 0, cosine: 1 });
  });

  it('says so when outputs hold NaN/Inf, and such a cell is not rankable', async () => {
    const outcome = await runCellIsolated(job(models.matmulFp32, {}, {}, models.matmulWrong), limits);
    expect(outcome.parity).toMatchObject({ ok: false, reason: expect.stringMatching(/cosine/) });
    const nan = await runCellIsolated(job(models.nan, {}, {}, models.nan), limits);
    expect(nan.status).toBe('ok');
    expect(nan.parity).toMatchObject({ ok: false, reason: expect.stringMatching(/NaN\/Inf/) });
    expect(isRankable({ ...nan, cellId: 'c', params: job(models.nan).cell.params })).toBe(false);
  });

  it('applies free dimensions to the model, and names one the model does not have', async () => {
    const fixed = await runCellIsolated(
      job(models.stateful, { batch: 2, freeDimensions: { seq: 16 } }, { ids: { range: [0, 9] } }),
      limits,
    );
    expect(fixed.reason).toBeUndefined();
    expect(fixed.sessionOptions).toMatchObject({ freeDimensionOverrides: { seq: 16 } });
    const unknown = await runCellIsolated(job(models.stateful, { freeDimensions: { sequence: 16 } }), limits);
    expect(unknown).toMatchObject({
      status: 'failed',
      reason: "free dimension 'sequence' is not in the model (its free dimensions: batch, seq)",
    });
  });

  it("turns EP options onnxruntime-node rejects into the cell's error text", async () => {
    const badOption = await runCellIsolated(
      job(models.add, { ep: 'webgpu', epOptions: { noSuchOption: true } }),
      limits,
    );
    expect(badOption).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/session creation failed: .*unrecognized option: 'noSuchOption'/),
    });
  });

  it('feeds several inputs, integer ones included, with shapes from the spec', async () => {
    const outcome = await runCellIsolated(
      job(
        models.stateful,
        { batch: 3 },
        { ids: { shape: ['batch', 16], range: [0, 9] }, state: { shape: ['batch', 16] } },
      ),
      limits,
    );
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
    expect(outcome).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/input 'ids' has open dimensions 1 \(seq\)/),
    });
  });

  it('ends crashed when the cell runs out of memory, and the next cell still runs', async () => {
    const outcome = await runCellIsolated(job(models.memoryHog, { batch: 256 }), {
      ...limits,
      memoryLimitBytes: 512 * 2 ** 20,
    });
    expect(outcome).toMatchObject({ status: 'crashed', reason: expect.stringMatching(/out of memory.*512 MiB/) });
    expect(
      (await runCellIsolated(job(models.memoryHog, { batch: 1 }), { ...limits, memoryLimitBytes: 512 * 2 ** 20 }))
        .status,
    ).toBe('ok');
  });

  it('ends unsupported, not with inflated throughput, when the model cannot take the batch', async () => {
    // Fixing the batch dimension through freeDimensions leaves no dimension to take matrix.batch.
    const outcome = await runCellIsolated(job(models.add, { batch: 4, freeDimensions: { n: 1 } }), limits);
    expect(outcome).toMatchObject({
      status: 'unsupported',
      reason: expect.stringMatching(/cannot take batch 4: no input has an open first dimension \(a: \[1, 4\]/),
    });
    expect((await runCellIsolated(job(models.add, { batch: 1, freeDimensions: { n: 1 } }), limits)).status).toBe('ok');
  });

  it('keeps the measurement when the cell dies after its timed loop, and says which pass did not finish', async () => {
    const endless = {
      ...job(join(OCR_MODELS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx'), {}, { x: { shape: ['batch', 3, 48, 192] } }),
      measure: { ...measure, profileIterations: 10_000_000 },
    };
    const outcome = await runCellIsolated(endless, { ...limits, timeoutMs: 6000 });
    expect(outcome.status).toBe('ok');
    expect(outcome.measurement!.iterations).toBeGreaterThanOrEqual(20);
    expect(outcome.measurement!.note).toMatch(
      /profile pass did not finish \(timeout: cell exceeded its 6000 ms timeout/,
    );
  });

  it('ends timeout when the cell outlives its limit', async () => {
    const slow = {
      ...job(join(OCR_MODELS, 'ch_PP-OCRv4_det_infer.onnx'), {}, { x: { shape: ['batch', 3, 320, 320] } }),
      measure: { ...measure, minDurationMs: 60_000 },
    };
    const outcome = await runCellIsolated(slow, { ...limits, timeoutMs: 3000 });
    expect(outcome).toMatchObject({ status: 'timeout', reason: expect.stringMatching(/3000 ms timeout/) });
  });
});
