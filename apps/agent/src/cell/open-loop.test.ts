import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_SEARCH_TRIALS,
  SEARCH_TOLERANCE,
  arrivalSchedule,
  parseSlo,
  searchStep,
  summarizeTrial,
  type LoadTrial,
  type PeakRate,
} from '@ortfleet/core';
import { OCR_MODELS } from '../../../../test/support/env';
import { runClosedLoop } from './closed-loop';
import { generateInputPool } from './inputs';
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

  it("searches to a 5% bracket between a passing and a failing trial, near the closed loop's capacity", async () => {
    // How repeatable the peak is from one search to the next is a figure of this machine, not a property of the
    // code: bench/search.ts measures it (docs/measurement.md). Here, the search's own promises: its answer is a
    // rate that passed, the bracket's top a rate that failed, and the two within SEARCH_TOLERANCE.
    const slo = parseSlo('p50<=10');
    const trials: LoadTrial[] = [];
    let peak: PeakRate | undefined;
    while (!peak) {
      const step = searchStep(trials, capacity);
      if ('peak' in step) peak = step.peak;
      else {
        const arrivals = arrivalSchedule(step.next, 3000, 1);
        const times = await server.trial(arrivals, 3000, slo);
        trials.push(summarizeTrial({ offeredQps: step.next, search: true, durationMs: 3000, arrivals, slo, ...times }));
      }
    }
    const [lo, hi] = peak.bracket;
    expect(peak.trials).toBe(trials.length);
    expect(peak.qps).toBe(lo);
    expect(trials.find((t) => t.offeredQps === lo)?.pass).toBe(true);
    if (trials.length < MAX_SEARCH_TRIALS) {
      expect(trials.find((t) => t.offeredQps === hi)?.pass).toBe(false);
      expect(hi! / lo! - 1).toBeLessThanOrEqual(SEARCH_TOLERANCE + 1e-9);
    }
    // A median bound of 10 ms with requests of about 1.5 ms: the peak is where the queue saturates, near the
    // closed loop's rate (loosely: this machine's speed moves by tens of percent under other tenants).
    expect(lo! / capacity).toBeGreaterThan(0.4);
    expect(lo! / capacity).toBeLessThan(2);
  }, 180_000);
});
