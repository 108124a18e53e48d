import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';
import type { MeasureSpec } from '@ortfleet/core';

/** One request of the closed loop: when it was sent (ms after the loop started) and how long it took. */
export interface ClosedLoopRequest {
  atMs: number;
  ms: number;
}

export interface ClosedLoopResult {
  /** Every request of every worker, in the order they were sent. */
  requests: ClosedLoopRequest[];
  /** From the common start to the end of the last request. */
  durationMs: number;
}

interface WorkerData {
  ortPath: string;
  model: string | Uint8Array;
  options: ort.InferenceSession.SessionOptions;
  pool: Record<string, { type: ort.Tensor.Type; data: ort.Tensor.DataType; dims: readonly number[] }>[];
  offset: number;
  warmup: number;
  measure: Pick<MeasureSpec, 'minIterations' | 'minDurationMs' | 'maxDurationMs'>;
  /** [0] requests completed by all workers, [1] 1 once the loop should stop, [2] never set (a stall waits on it), [3] 1 once started. */
  shared: Int32Array;
  /** [0] the loop's start, in process.hrtime nanoseconds (one clock for every thread of the process). */
  start: BigInt64Array;
  /** Worker 0 holds its `request`-th request for `ms` before running it (tests only: what a stall does). */
  stall?: { request: number; ms: number };
}

// Plain JavaScript run with `eval`, so the same code works from source (tsx, vitest) and from the bundled cell
// child, which has no file of its own for a worker. session.run blocks its thread, so each worker is a plain loop.
const WORKER_SOURCE = `
const { parentPort, workerData: w } = require('node:worker_threads');
const ort = require(w.ortPath);
(async () => {
  let session;
  try {
    session = await ort.InferenceSession.create(w.model, w.options);
    const pool = w.pool.map((feeds) => Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor(t.type, t.data, t.dims)])));
    for (let i = 0; i < w.warmup; i++) await session.run(pool[(w.offset + i) % pool.length]);
    parentPort.postMessage({ ready: true });
    Atomics.wait(w.shared, 3, 0);
    const start = Atomics.load(w.start, 0);
    const at = [], ms = [];
    for (let i = 0; Atomics.load(w.shared, 1) === 0; i++) {
      const t0 = process.hrtime.bigint();
      if (w.stall && w.stall.request === i) Atomics.wait(w.shared, 2, 0, w.stall.ms);
      await session.run(pool[(w.offset + i) % pool.length]);
      const t1 = process.hrtime.bigint();
      at.push(Number(t0 - start) / 1e6);
      ms.push(Number(t1 - t0) / 1e6);
      const done = Atomics.add(w.shared, 0, 1) + 1;
      const elapsed = Number(t1 - start) / 1e6;
      if ((done >= w.measure.minIterations && elapsed >= w.measure.minDurationMs) || elapsed >= w.measure.maxDurationMs) Atomics.store(w.shared, 1, 1);
    }
    parentPort.postMessage({ at, ms, end: Number(process.hrtime.bigint() - start) / 1e6 });
  } catch (err) {
    // A failed worker stops the others: the cell fails with its words, not after maxDurationMs.
    Atomics.store(w.shared, 1, 1);
    parentPort.postMessage({ error: String(err && err.message || err) });
  } finally {
    if (session) await session.release();
  }
})();
`;

/** Input sets as plain objects a worker thread can receive, to rebuild as tensors there. */
export function plainPool(pool: Record<string, ort.Tensor>[]): WorkerData['pool'] {
  return pool.map((feeds) =>
    Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, { type: t.type, data: t.data, dims: t.dims }])),
  );
}

/**
 * The closed loop at `concurrency` requests in flight: one worker thread per request, each with a session of
 * its own, since onnxruntime-node 1.30's `session.run` executes on the calling thread and overlapping runs on
 * one session only take turns (docs/measurement.md). Every worker warms up, then all start together and each
 * sends its next request when the last returns, until the loop's minIterations and minDurationMs (counted over
 * all requests) are both reached, or maxDurationMs.
 */
export async function runClosedLoop(
  model: string | Uint8Array,
  options: ort.InferenceSession.SessionOptions,
  pool: Record<string, ort.Tensor>[],
  concurrency: number,
  measure: MeasureSpec,
  onStart: () => void = () => {},
  stall?: WorkerData['stall'],
): Promise<ClosedLoopResult> {
  const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
  const shared = new Int32Array(new SharedArrayBuffer(4 * 4));
  const start = new BigInt64Array(new SharedArrayBuffer(8));
  const inputs = plainPool(pool);
  const workers = Array.from({ length: concurrency }, (_, index) => {
    const workerData: WorkerData = {
      ortPath,
      model,
      options,
      pool: inputs,
      // Workers start at different inputs, so that concurrent requests do not carry the same one.
      offset: Math.floor((index * pool.length) / concurrency),
      warmup: measure.warmup,
      measure: {
        minIterations: measure.minIterations,
        minDurationMs: measure.minDurationMs,
        maxDurationMs: measure.maxDurationMs,
      },
      shared,
      start,
      ...(index === 0 && stall && { stall }),
    };
    return new Worker(WORKER_SOURCE, { eval: true, workerData });
  });
  type Answer = { at: number[]; ms: number[]; end: number };
  const ready: Promise<void>[] = [];
  const answers = workers.map((worker) => {
    let readied = () => {};
    ready.push(new Promise<void>((resolve) => (readied = resolve)));
    return new Promise<Answer>((resolve, reject) => {
      worker.on('message', (m: { ready: true } | Answer | { error: string }) => {
        if ('ready' in m) readied();
        else if ('error' in m) reject(new Error(m.error));
        else resolve(m);
      });
      worker.once('error', (err) => {
        Atomics.store(shared, 1, 1);
        reject(err);
      });
      worker.once('exit', (code) => reject(new Error(`closed-loop worker exited with code ${code} before answering`)));
    }).finally(readied);
  });
  // Keep every rejection handled while the others are still awaited.
  const settled = Promise.allSettled(answers);
  try {
    await Promise.all(ready);
    onStart();
    Atomics.store(start, 0, process.hrtime.bigint());
    Atomics.store(shared, 3, 1);
    Atomics.notify(shared, 3);
    const results = await settled;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason as Error;
    const answered = results.map((r) => (r as PromiseFulfilledResult<Answer>).value);
    const requests = answered
      .flatMap((a) => a.at.map((atMs, i) => ({ atMs, ms: a.ms[i]! })))
      .sort((x, y) => x.atMs - y.atMs);
    return { requests, durationMs: Math.max(...answered.map((a) => a.end)) };
  } finally {
    // A worker that failed before the start is waiting on nothing: release it, then end them all.
    Atomics.store(shared, 3, 1);
    Atomics.notify(shared, 3);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
