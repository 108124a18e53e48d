import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';
import { trialLimitMs, type Slo } from '@ortfleet/core';
import { plainPool } from './closed-loop';

/** Indexes into a trial's control array: the start signal, the stop signal, the next request to take, an
 * index nobody sets (sleeps wait on it) and how many servers are waiting for the start. */
const GO = 0;
const STOP = 1;
const NEXT = 2;
const SLEEP = 3;
const ARMED = 4;

/** Atomics.waitAsync (Node 16 and later), which TypeScript's ES2022 library does not declare. */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(array: Int32Array, index: number, value: number, timeoutMs: number): { value: Promise<string> | string };
  }
).waitAsync;

/** A request to hold its server for `ms` before running, planted by tests to show what queueing does. */
export interface PlantedStall {
  request: number;
  ms: number;
}

/** A trial's timestamps, in ms after its start; NaN where a request was not dispatched or not finished. */
export interface TrialTimes {
  dispatched: Float64Array;
  ended: Float64Array;
  /** When the trial stopped early, in ms after its start; requests scheduled after it were never offered. */
  stoppedAtMs?: number;
  /** Why the trial stopped before serving every request, when it did. */
  note?: string;
}

// Plain JavaScript run with `eval`, like the closed loop's workers (closed-loop.ts). Each worker is one server:
// it takes the next request in arrival order, waits for its scheduled arrival if that is still ahead, runs it,
// and records when it took and finished it. Requests that arrived while every server was busy wait in that
// order, so the latency from arrival includes the queue.
const WORKER_SOURCE = `
const { parentPort, workerData: w } = require('node:worker_threads');
const ort = require(w.ortPath);
const [GO, STOP, NEXT, SLEEP, ARMED] = [${GO}, ${STOP}, ${NEXT}, ${SLEEP}, ${ARMED}];
(async () => {
  let session, pool;
  try {
    session = await ort.InferenceSession.create(w.model, w.options);
    pool = w.pool.map((feeds) => Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor(t.type, t.data, t.dims)])));
    for (let i = 0; i < w.warmup; i++) await session.run(pool[(w.offset + i) % pool.length]);
    parentPort.postMessage({ ready: true });
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
    return;
  }
  parentPort.on('message', async (t) => {
    try {
      // A server idle since the last trial runs a few requests first: the trial measures it warm.
      for (let i = 0; i < t.warmup; i++) await session.run(pool[(w.offset + i) % pool.length]);
      Atomics.add(t.control, ARMED, 1);
      Atomics.notify(t.control, ARMED);
      Atomics.wait(t.control, GO, 0);
      const start = Atomics.load(t.start, 0);
      const now = () => Number(process.hrtime.bigint() - start) / 1e6;
      const n = t.arrivals.length;
      for (;;) {
        if (Atomics.load(t.control, STOP)) break;
        const k = Atomics.add(t.control, NEXT, 1);
        if (k >= n) break;
        // Sleep until about 2 ms before the arrival, then spin: waking from a sleep takes a millisecond or more.
        let ahead;
        while ((ahead = t.arrivals[k] - now()) > 2 && !Atomics.load(t.control, STOP)) Atomics.wait(t.control, SLEEP, 0, Math.min(ahead - 2, 20));
        while (t.arrivals[k] > now() && !Atomics.load(t.control, STOP));
        if (Atomics.load(t.control, STOP)) break;
        t.dispatched[k] = now();
        if (t.stall && t.stall.request === k) Atomics.wait(t.control, SLEEP, 0, t.stall.ms);
        await session.run(pool[k % pool.length]);
        t.ended[k] = now();
      }
      parentPort.postMessage({ done: true });
    } catch (err) {
      Atomics.store(t.control, STOP, 1);
      parentPort.postMessage({ error: String(err && err.message || err) });
    }
  });
})();
`;

type Answer = { ready: true } | { done: true } | { error: string };

/**
 * The open-loop server: `servers` worker threads with a session each (the cell's concurrency), warmed up once,
 * then driven through any number of trials. Each trial offers its arrival schedule on one clock for every
 * thread; a request's latency is measured from its scheduled arrival and from its dispatch.
 */
export class OpenLoopServer {
  private constructor(
    private readonly workers: Worker[],
    private readonly answers: ((m: Answer) => void)[],
    private readonly warmup: number,
  ) {}

  static async start(
    model: string | Uint8Array,
    options: ort.InferenceSession.SessionOptions,
    pool: Record<string, ort.Tensor>[],
    servers: number,
    warmup: number,
  ): Promise<OpenLoopServer> {
    const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
    const shared = plainPool(pool);
    const workers = Array.from(
      { length: servers },
      (_, index) =>
        new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: {
            ortPath,
            model,
            options,
            pool: shared,
            offset: Math.floor((index * pool.length) / servers),
            warmup,
          },
        }),
    );
    const server = new OpenLoopServer(
      workers,
      workers.map(() => () => {}),
      warmup,
    );
    workers.forEach((worker, i) => {
      worker.on('message', (m: Answer) => server.answers[i]!(m));
      worker.on('error', (err) => server.answers[i]!({ error: err.message }));
    });
    try {
      await server.each(() => {});
    } catch (err) {
      await server.close();
      throw err;
    }
    return server;
  }

  /** Posts to every worker and waits until each answers ready or done; the first error rejects. */
  private each(post: (worker: Worker) => void): Promise<void> {
    return Promise.all(
      this.workers.map(
        (worker, i) =>
          new Promise<void>((resolve, reject) => {
            this.answers[i] = (m) => ('error' in m ? reject(new Error(m.error)) : resolve());
            post(worker);
          }),
      ),
    ).then(() => undefined);
  }

  /**
   * Offers `arrivals` (ms after the start, ascending) until all are served or trialLimitMs(durationMs). With an
   * SLO in `stopOnFailure` (the search's trials, which only need pass or fail), it stops as soon as the SLO can
   * no longer be met: more requests are already later than its bound than its percentile allows.
   */
  trial(
    arrivals: Float64Array,
    durationMs: number,
    stopOnFailure: Slo | null,
    stall?: PlantedStall,
  ): Promise<TrialTimes> {
    return this.offer(arrivals, durationMs, stopOnFailure, stall, this.warmup);
  }

  /**
   * One request on every server at once, with no warm-up before it (rounds follow one another, as the control
   * beside a closed-loop cell runs them: interleaved-control.ts); the round's time, from its start until its
   * last request has ended: how long the machine takes to serve that many requests at once. Unlike a request's
   * latency from dispatch, it does not depend on whether the scheduler runs requests that share a core side
   * by side or one after another. A server that finishes before another has started may take its request too.
   */
  async round(limitMs: number): Promise<number> {
    const times = await this.offer(new Float64Array(this.workers.length), limitMs, null, undefined, 0);
    if (times.note) throw new Error(`a round of ${this.workers.length} requests ${times.note}`);
    return Math.max(...times.ended);
  }

  private async offer(
    arrivals: Float64Array,
    durationMs: number,
    stopOnFailure: Slo | null,
    stall: PlantedStall | undefined,
    warmup: number,
  ): Promise<TrialTimes> {
    const n = arrivals.length;
    const shared = (length: number) => new Float64Array(new SharedArrayBuffer(8 * length));
    const t = {
      arrivals: shared(n),
      dispatched: shared(n).fill(NaN),
      ended: shared(n).fill(NaN),
      control: new Int32Array(new SharedArrayBuffer(4 * 5)),
      start: new BigInt64Array(new SharedArrayBuffer(8)),
      stall,
      warmup,
    };
    t.arrivals.set(arrivals);
    let finished = false;
    const done = this.each((worker) => worker.postMessage(t)).finally(() => (finished = true));
    // The clock starts once every server waits for it, so that the first arrivals are not taken late.
    for (let armed = 0; armed < this.workers.length && !finished; armed = Atomics.load(t.control, ARMED))
      await waitAsync(t.control, ARMED, armed, 1000).value;
    const started = process.hrtime.bigint();
    Atomics.store(t.start, 0, started);
    Atomics.store(t.control, GO, 1);
    Atomics.notify(t.control, GO);

    // More late requests than this and the SLO's percentile is over its bound whatever the rest do.
    const slo = stopOnFailure;
    const allowedLate = slo ? n - Math.ceil((slo.percentile / 100) * n) : Infinity;
    let note: string | undefined;
    let stoppedAtMs: number | undefined;
    while (!finished) {
      // Polling shared memory the workers write; the trial's end is what settles `done`.
      await Promise.race([done.catch(() => {}), sleep(25)]);
      if (finished) break;
      const now = Number(process.hrtime.bigint() - started) / 1e6;
      if (now > trialLimitMs(durationMs)) {
        note = `stopped at ${Math.round(now)} ms with requests still queued: the machine did not keep up with ${n} requests in ${durationMs} ms`;
      } else if (slo) {
        const late = countLate(t.arrivals, t.ended, now, slo.boundMs);
        if (late > allowedLate)
          note = `stopped at ${Math.round(now)} ms: ${late} of ${n} requests were already over ${slo.boundMs} ms, so p${slo.percentile} cannot meet the SLO`;
      }
      if (note) {
        Atomics.store(t.control, STOP, 1);
        stoppedAtMs = now;
        break;
      }
    }
    Atomics.notify(t.control, SLEEP);
    await done;
    return { dispatched: t.dispatched, ended: t.ended, ...(note && { note, stoppedAtMs }) };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Requests later than `boundMs` from their arrival: finished late, or still unfinished past it at `nowMs`. */
function countLate(arrivals: Float64Array, ended: Float64Array, nowMs: number, boundMs: number): number {
  let late = 0;
  for (let i = 0; i < arrivals.length && arrivals[i]! < nowMs - boundMs; i++) {
    const end = ended[i]!;
    if (Number.isNaN(end) ? nowMs - arrivals[i]! > boundMs : end - arrivals[i]! > boundMs) late++;
  }
  return late;
}
