import * as ort from 'onnxruntime-node';
import { histogramOf, summarize, type Cell, type CellOutcome, type InputSpec, type MeasureSpec } from '@ortfleet/core';
import { generateInputPool } from './inputs';

type Phase = 'session' | 'first-inference' | 'warmup' | 'timed-loop';

/** The onnxruntime-node session options a cell stands for. Profiling is off: it would slow the timed loop. */
export function sessionOptionsFor(cell: Cell): ort.InferenceSession.SessionOptions {
  const p = cell.params;
  return {
    executionProviders: [p.ep],
    // ortfleet's level names are onnxruntime-node's own.
    graphOptimizationLevel: p.graphOptimization,
    ...(p.intraOpThreads > 0 ? { intraOpNumThreads: p.intraOpThreads } : {}),
    enableProfiling: false,
    logSeverityLevel: 3,
  };
}

function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Measures one cell in this process: session creation and first inference timed apart (cold start), then
 * warm-up, then a timed loop that runs until both minIterations and minDurationMs are reached, or
 * maxDurationMs. Each iteration awaits `session.run`, whose outputs are copied back to CPU memory, so work
 * on an accelerator is finished before the clock stops.
 */
export async function measureCell(
  job: { cell: Cell; modelPath: string; inputs: Record<string, InputSpec>; measure: MeasureSpec },
  onPhase: (phase: Phase) => void = () => {},
): Promise<CellOutcome> {
  const { cell, measure } = job;
  const options = sessionOptionsFor(cell);
  const sessionOptions = options as Record<string, unknown>;
  let session: ort.InferenceSession;
  onPhase('session');
  const createStart = process.hrtime.bigint();
  try {
    session = await ort.InferenceSession.create(job.modelPath, options);
  } catch (err) {
    return { status: 'failed', reason: `session creation failed: ${(err as Error).message}`, sessionOptions };
  }
  const sessionCreateMs = msSince(createStart);

  try {
    const pool = generateInputPool(session, job.inputs, cell.params.batch, measure.seed);
    onPhase('first-inference');
    const firstStart = process.hrtime.bigint();
    await session.run(pool[0]!);
    const firstInferenceMs = msSince(firstStart);

    onPhase('warmup');
    for (let i = 0; i < measure.warmup; i++) await session.run(pool[(i + 1) % pool.length]!);

    onPhase('timed-loop');
    const samples: number[] = [];
    const loopStart = process.hrtime.bigint();
    let elapsed = 0;
    while ((samples.length < measure.minIterations || elapsed < measure.minDurationMs) && elapsed < measure.maxDurationMs) {
      const feeds = pool[samples.length % pool.length]!;
      const t0 = process.hrtime.bigint();
      await session.run(feeds);
      const t1 = process.hrtime.bigint();
      samples.push(Number(t1 - t0) / 1e6);
      elapsed = Number(t1 - loopStart) / 1e6;
    }
    const note =
      samples.length < measure.minIterations
        ? `maxDurationMs (${measure.maxDurationMs}) reached after ${samples.length} of ${measure.minIterations} iterations`
        : undefined;
    return {
      status: 'ok',
      sessionOptions,
      measurement: {
        sessionCreateMs,
        firstInferenceMs,
        warmupIterations: measure.warmup,
        iterations: samples.length,
        durationMs: elapsed,
        throughput: (cell.params.batch * samples.length) / (elapsed / 1000),
        stats: summarize(samples),
        histogram: histogramOf(samples),
        ...(note ? { note } : {}),
      },
    };
  } catch (err) {
    return { status: 'failed', reason: (err as Error).message, sessionOptions };
  } finally {
    await session.release();
  }
}
