import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { LatencyRecorder, overrideFreeDimensions, readModelFacts, type CellOutcome, type ModelFacts } from '@ortfleet/core';
import { generateInputPool } from './inputs';
import type { CellJob, Phase } from './job';
import { compareOutputs, referenceOutputs } from './parity';
import { profilePass } from './profile';
import { sessionOptionsFor } from './session-options';
import { startTelemetry } from './telemetry';

function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** The model as the session should see it: its path, or its bytes with the spec's free dimensions written in. */
async function modelSource(path: string, freeDimensions: Record<string, number> | undefined): Promise<string | Uint8Array> {
  return freeDimensions ? overrideFreeDimensions(await readFile(path), freeDimensions) : path;
}

async function modelFacts(path: string): Promise<ModelFacts | undefined> {
  try {
    return readModelFacts(await readFile(path));
  } catch {
    // A missing or broken file fails at session creation, with ONNX Runtime's own words.
    return undefined;
  }
}

function createSession(source: string | Uint8Array, options: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession> {
  // Two overloads of create, one per kind of source: TypeScript picks neither for the union.
  return typeof source === 'string' ? ort.InferenceSession.create(source, options) : ort.InferenceSession.create(source, options);
}

/**
 * Measures one cell in this process, in passes that never overlap:
 * 1. cold start: session creation (model load included) and the first inference, timed apart;
 * 2. warm-up, then the timed loop until both minIterations and minDurationMs are reached (or maxDurationMs),
 *    with telemetry sampled over the loop only. Each iteration awaits `session.run`, whose outputs are copied
 *    back to CPU memory, so work on an accelerator is finished before the clock stops;
 * 3. parity: the outputs on the first seeded input set against the fp32 model on the CPU EP;
 * 4. the per-operator profile, in a new session of its own, since profiling slows a session down.
 * A failure in pass 3 or 4 is noted on the result; it does not void the measurement.
 */
export async function measureCell(job: CellJob, onPhase: (phase: Phase) => void = () => {}): Promise<CellOutcome> {
  const { cell, measure } = job;
  const p = cell.params;
  const options = sessionOptionsFor(cell);
  const sessionOptions = options as Record<string, unknown>;
  const facts = await modelFacts(job.modelPath);
  const withFacts = facts ? { modelFacts: facts } : {};
  let source: string | Uint8Array;
  try {
    source = await modelSource(job.modelPath, p.freeDimensions);
  } catch (err) {
    return { status: 'failed', reason: (err as Error).message, sessionOptions, ...withFacts };
  }

  onPhase('session');
  let session: ort.InferenceSession;
  const createStart = process.hrtime.bigint();
  try {
    session = await createSession(source, options);
  } catch (err) {
    return { status: 'failed', reason: `session creation failed: ${(err as Error).message}`, sessionOptions, ...withFacts };
  }
  const sessionCreateMs = msSince(createStart);

  let pool: Record<string, ort.Tensor>[];
  let firstInferenceMs: number;
  const recorder = new LatencyRecorder();
  let loop: ReturnType<LatencyRecorder['finish']>;
  let elapsed = 0;
  let telemetry: Awaited<ReturnType<ReturnType<typeof startTelemetry>['stop']>>;
  let cellOutputs: Record<string, ort.Tensor>;
  try {
    pool = generateInputPool(session, job.inputs, p.batch, measure.seed);
    onPhase('first-inference');
    const firstStart = process.hrtime.bigint();
    await session.run(pool[0]!);
    firstInferenceMs = msSince(firstStart);

    onPhase('warmup');
    for (let i = 0; i < measure.warmup; i++) await session.run(pool[(i + 1) % pool.length]!);

    onPhase('timed-loop');
    const sampler = startTelemetry();
    const loopStart = process.hrtime.bigint();
    while ((recorder.count < measure.minIterations || elapsed < measure.minDurationMs) && elapsed < measure.maxDurationMs) {
      const feeds = pool[recorder.count % pool.length]!;
      const t0 = process.hrtime.bigint();
      await session.run(feeds);
      const t1 = process.hrtime.bigint();
      elapsed = Number(t1 - loopStart) / 1e6;
      recorder.record(Number(t1 - t0) / 1e6, elapsed);
    }
    telemetry = await sampler.stop(p.batch * recorder.count);
    loop = recorder.finish();
    cellOutputs = await session.run(pool[0]!);
  } catch (err) {
    return { status: 'failed', reason: (err as Error).message, sessionOptions, ...withFacts };
  } finally {
    await session.release();
  }

  const notes: string[] = [];
  const iterations = recorder.count;
  if (iterations < measure.minIterations)
    notes.push(`maxDurationMs (${measure.maxDurationMs}) reached after ${iterations} of ${measure.minIterations} iterations`);

  onPhase('parity');
  let parity: CellOutcome['parity'];
  if (job.referenceModelPath) {
    try {
      const reference = await referenceOutputs(await modelSource(job.referenceModelPath, p.freeDimensions), pool[0]!);
      parity = compareOutputs(cellOutputs, reference, { minCosine: measure.parityMinCosine, minTop1: measure.parityMinTop1 });
    } catch (err) {
      notes.push(`parity not computed: ${(err as Error).message}`);
    }
  } else notes.push(`parity not computed: model '${p.model}' has no fp32 file to serve as the reference`);

  onPhase('profile');
  let profile: CellOutcome['profile'];
  if (measure.profileIterations > 0) {
    try {
      profile = await profilePass(source, options, pool, measure.profileIterations);
    } catch (err) {
      notes.push(`profile not taken: ${(err as Error).message}`);
    }
  }

  return {
    status: 'ok',
    sessionOptions,
    ...withFacts,
    ...(parity ? { parity } : {}),
    ...(profile ? { profile } : {}),
    measurement: {
      sessionCreateMs,
      firstInferenceMs,
      warmupIterations: measure.warmup,
      iterations,
      durationMs: elapsed,
      throughput: (p.batch * iterations) / (elapsed / 1000),
      ...loop,
      telemetry,
      ...(profile?.flopsPerInference ? { achievedGflops: profile.flopsPerInference / (loop.stats.p50Ms / 1000) / 1e9 } : {}),
      ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
    },
  };
}
