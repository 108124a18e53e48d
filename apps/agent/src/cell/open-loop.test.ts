import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrivalSchedule, parseSlo, summarizeTrial, type LoadTrial } from '@ortfleet/core';
import { OCR_MODELS } from '../../../../test/support/env';
import { runClosedLoop } from './closed-loop';
import { generateInputPool } from './inputs';
import { measureLoad } from './measure-load';
import { OpenLoopServer, type PlantedStall } from './open-loop';

const CLS = join(OCR_MODELS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx');
const OPTIONS: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, executionProviders: ['cpu'] };
const MEASURE = { warmup: 5, minIterations: 200, minDurationMs: 2000, maxDurationMs: 20_000 } as const;
const GENEROUS = parseSlo('p99<=100');

let pool: Record<string, ort.Tensor>[];
let server: OpenLoopServer;
/** Requests per second of the closed loop with one request in flight: the single server's capacity. */
let capacity: number;

beforeAll(async () => {
  const session = await ort.InferenceSession.create(CLS, OPTIONS);
  pool = generateInputPool(session, { x: { shape: ['batch', 3, 48, 192] } }, 1, 0);
  await session.release();
  const loop = await runClosedLoop(CLS, OPTIONS, pool, 1, { ...MEASURE, seed: 0 } as never);
  capacity = loop.requests.length / (loop.durationMs / 1000);
  server = await OpenLoopServer.start(CLS, OPTIONS, pool, 1, 5);
}, 60_000);

afterAll(() => server?.close());

async function offer(qps: number, durationMs: number, stall?: PlantedStall): Promise<LoadTrial> {
  const arrivals = arrivalSchedule(qps, durationMs, 1);
  const times = await server.trial(arrivals, durationMs, null, stall);
  return summarizeTrial({ offeredQps: qps, search: false, durationMs, arrivals, slo: GENEROUS, ...times });
}

describe('the open-loop server on a real model', () => {
  it('achieves half its capacity within 3% and passes a generous SLO', async () => {
    const t = await offer(capacity / 2, 4000);
    expect(t.unserved).toBe(0);
    expect(t.note).toBeUndefined();
    expect(Math.abs(t.achievedQps / t.offeredQps - 1)).toBeLessThan(0.03);
    expect(t.pass).toBe(true);
  }, 30_000);

  it('fails at 1.5× capacity: latency from arrival grows over the trial, latency from dispatch does not', async () => {
    const t = await offer(capacity * 1.5, 4000);
    expect(t.pass).toBe(false);
    const served = t.slices.filter((s) => s.served > 0);
    const [first, last] = [served[0]!, served.at(-1)!];
    expect(served.length).toBeGreaterThanOrEqual(2);
    expect(last.arrivalP50Ms!).toBeGreaterThan(3 * first.arrivalP50Ms!);
    expect(last.dispatchP50Ms!).toBeLessThan(1.5 * first.dispatchP50Ms!);
    expect(t.queueDepth.max).toBeGreaterThan(5);
  }, 30_000);

  it('shows a planted 200 ms stall in the open-loop p99, not in the closed-loop p50 of the other requests', async () => {
    const open = await offer(capacity / 2, 4000, { request: 200, ms: 200 });
    expect(open.fromArrival!.p99Ms).toBeGreaterThan(100);
    const closed = await runClosedLoop(CLS, OPTIONS, pool, 1, { ...MEASURE, seed: 0 } as never, () => {}, {
      request: 200,
      ms: 200,
    });
    const stalled = closed.requests.filter((r) => r.ms >= 200);
    const others = closed.requests
      .filter((r) => r.ms < 200)
      .map((r) => r.ms)
      .sort((a, b) => a - b);
    expect(stalled).toHaveLength(1);
    expect(others[Math.floor(others.length / 2)]!).toBeLessThan(20);
  }, 60_000);

  it('finds the same peak rate within 10% when the search runs twice', async () => {
    // A median bound: a p99 at the knee moves with every hiccup of a shared machine.
    const load = { slo: 'p50<=10', search: true, durationMs: 3000, seed: 1 };
    const first = await measureLoad(server, 1, load, capacity);
    const second = await measureLoad(server, 1, load, capacity);
    expect(first.peak!.qps).not.toBeNull();
    const [a, b] = [first.peak!.qps!, second.peak!.qps!];
    expect(Math.abs(a / b - 1), `${a} and ${b}`).toBeLessThan(0.1);
    expect(first.trials.every((t) => t.search)).toBe(true);
    const [lo, hi] = first.peak!.bracket;
    expect(lo).toBe(a);
    expect(hi === null || hi > lo!).toBe(true);
  }, 180_000);
});
