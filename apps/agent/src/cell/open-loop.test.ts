import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrivalSchedule, parseSlo, searchStep, summarizeTrial, type LoadTrial, type PeakRate } from '@ortfleet/core';
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

  it('finds the same peak rate within 15% when the search runs twice', async () => {
    // Two searches step by step in turns (A's first trial, B's first, A's second, ...), so that the machine's
    // drift over the minute they take hits both alike: what is compared is the search, not the shared machine
    // from one minute to the next. A median bound, since a p99 at the knee moves with every hiccup.
    const slo = parseSlo('p50<=10');
    const trials: LoadTrial[][] = [[], []];
    const peaks: (PeakRate | undefined)[] = [undefined, undefined];
    while (!peaks[0] || !peaks[1])
      for (const i of [0, 1]) {
        if (peaks[i]) continue;
        const step = searchStep(trials[i]!, capacity);
        if ('peak' in step) peaks[i] = step.peak;
        else {
          const arrivals = arrivalSchedule(step.next, 3000, 1);
          const times = await server.trial(arrivals, 3000, slo);
          trials[i]!.push(
            summarizeTrial({ offeredQps: step.next, search: true, durationMs: 3000, arrivals, slo, ...times }),
          );
        }
      }
    const [a, b] = [peaks[0].qps, peaks[1].qps];
    expect(a).not.toBeNull();
    // The searches' bracket is 5% wide and this machine's speed moves by about as much from one trial to the
    // next (the run's median went from 1.44 to 1.27 ms between two trials): 10% held in most tries here, not all,
    // so the test allows 15% (docs/measurement.md has the figures).
    expect(Math.abs(a! / b! - 1), `${a} and ${b}`).toBeLessThan(0.15);
    const [lo, hi] = peaks[0].bracket;
    expect(lo).toBe(a);
    expect(hi === null || hi > lo!).toBe(true);
  }, 180_000);
});
