import { readFile } from 'node:fs/promises';
import type * as ort from 'onnxruntime-node';
import {
  LatencyRecorder,
  readModelFacts,
  type CellOutcome,
  type ExecutionProvider,
  type ModelFacts,
  type Telemetry,
} from '@ortfleet/core';
import { runClosedLoop } from './closed-loop';
import { timedRun } from './contender';
import { BatchNotTakenError, generateInputPool } from './inputs';
import type { CellJob, Phase } from '@ortfleet/contracts';
import { interleaveControl } from './interleaved-control';
import { measureGeneration } from './measure-generation';
import { measureLoad } from './measure-load';
import { modelSource } from './model-source';
import { OpenLoopServer } from './open-loop';
import { compareOutputs, referenceOutputs } from './parity';
import { profilePass } from './profile';
import { createSession, sessionOptionsFor } from './session-options';
import { startTelemetry } from './telemetry';

/** EPs whose work nvidia-smi can see; CPU cells don't pay for a GPU sampler. */
const GPU_EPS: readonly ExecutionProvider[] = ['cuda', 'tensorrt', 'webgpu'];

function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function modelFacts(path: string): Promise<ModelFacts | undefined> {
  try {
    return readModelFacts(await readFile(path));
  } catch {
    // A missing or broken file fails at session creation, with ONNX Runtime's own words.
    return undefined;
  }
}

/**
 * Measures one cell in this process, in passes that never overlap:
 * 1. cold start: session creation (model load included) and the first inference, timed apart;
 * 2. warm-up, then the timed loop until both minIterations and minDurationMs are reached (or maxDurationMs),
 *    with telemetry sampled over the loop only. Each iteration awaits `session.run`, whose outputs are copied
 *    back to CPU memory, so work on an accelerator is finished before the clock stops;
 * 3. the control interleaved with the cell, when the agent asks for it (interleaveControl); in a closed loop,
 *    round by round on the open loop's servers: a request on each at once, then a control run on each of as
 *    many control sessions at once, each round timed until its last request ends;
 * 4. the open-loop load scenario, when the spec has one;
 * 5. parity: the outputs on the first seeded input set against the fp32 model on the CPU EP;
 * 6. the per-operator profile, in a new session of its own, since profiling slows a session down.
 * At a concurrency above 1, pass 2 is the closed loop of runClosedLoop: worker threads with a session each,
 * warmed up apiece, then timed together; this session serves the cold start and the parity pass.
 * A decoder's cell (`generate` in the spec) is measured by measureGeneration instead.
 * `onMeasured` gets the outcome as it stands after pass 2 (and again after 3 and 4), so that a death later
 * cannot take the measurement with it; a failure there is noted on the result and does not void it.
 */
export async function measureCell(
  job: CellJob,
  onPhase: (phase: Phase) => void = () => {},
  onMeasured: (outcome: CellOutcome) => void = () => {},
): Promise<CellOutcome> {
  // A decoder's cell is one whole generation per iteration, not one run.
  if (job.cell.params.generation) {
    const outcome = await measureGeneration(job, onPhase, onMeasured);
    const facts = outcome.status === 'ok' ? await modelFacts(job.modelPath) : undefined;
    return facts ? { ...outcome, modelFacts: facts } : outcome;
  }
  const { cell, measure } = job;
  const p = cell.params;
  let source: Awaited<ReturnType<typeof modelSource>>;
  const sessionOptions = sessionOptionsFor(cell);
  const recorded = sessionOptions as Record<string, unknown>;
  try {
    source = await modelSource(job.modelPath, sessionOptions, p.freeDimensions);
  } catch (err) {
    return { status: 'failed', reason: (err as Error).message, sessionOptions: recorded };
  }

  onPhase('session');
  let session: ort.InferenceSession;
  const createStart = process.hrtime.bigint();
  try {
    session = await createSession(source.model, source.options);
  } catch (err) {
    return {
      status: 'failed',
      reason: `session creation failed: ${(err as Error).message}`,
      sessionOptions: source.options as Record<string, unknown>,
    };
  }
  const sessionCreateMs = msSince(createStart);
  const options = source.options as Record<string, unknown>;

  let pool: Record<string, ort.Tensor>[];
  let firstInferenceMs: number;
  const recorder = new LatencyRecorder();
  let elapsed = 0;
  let telemetry: Telemetry | undefined;
  const concurrency = p.concurrency ?? 1;
  // Request-milliseconds spent in flight over the loop: / duration, the achieved mean requests in flight.
  let inFlightMs = 0;
  try {
    pool = generateInputPool(session, job.inputs, p.batch, measure.seed);
    onPhase('first-inference');
    const firstStart = process.hrtime.bigint();
    await session.run(pool[0]!);
    firstInferenceMs = msSince(firstStart);

    if (concurrency > 1) {
      onPhase('warmup');
      let sampler: ReturnType<typeof startTelemetry> | undefined;
      try {
        const loop = await runClosedLoop(source.model, source.options, pool, concurrency, measure, () => {
          onPhase('timed-loop');
          sampler = startTelemetry(GPU_EPS.includes(p.ep) ? {} : { nvidiaSmi: null });
        });
        for (const r of loop.requests) recorder.record(r.ms, r.atMs);
        elapsed = loop.durationMs;
        inFlightMs = loop.requests.reduce((sum, r) => sum + r.ms, 0);
      } finally {
        telemetry = sampler ? await sampler.stop(p.batch * recorder.count) : undefined;
      }
    } else {
      onPhase('warmup');
      for (let i = 0; i < measure.warmup; i++) await session.run(pool[(i + 1) % pool.length]!);

      onPhase('timed-loop');
      const sampler = startTelemetry(GPU_EPS.includes(p.ep) ? {} : { nvidiaSmi: null });
      try {
        const loopStart = process.hrtime.bigint();
        while (
          (recorder.count < measure.minIterations || elapsed < measure.minDurationMs) &&
          elapsed < measure.maxDurationMs
        ) {
          const feeds = pool[recorder.count % pool.length]!;
          const t0 = process.hrtime.bigint();
          await session.run(feeds);
          const t1 = process.hrtime.bigint();
          elapsed = Number(t1 - loopStart) / 1e6;
          recorder.record(Number(t1 - t0) / 1e6, Number(t0 - loopStart) / 1e6);
        }
      } finally {
        telemetry = await sampler.stop(p.batch * recorder.count);
      }
    }
  } catch (err) {
    await session.release();
    const status = err instanceof BatchNotTakenError ? 'unsupported' : 'failed';
    return { status, reason: (err as Error).message, sessionOptions: options };
  }

  const loop = recorder.finish();
  const iterations = recorder.count;
  const notes: string[] = [];
  if (iterations < measure.minIterations)
    notes.push(
      `maxDurationMs (${measure.maxDurationMs}) reached after ${iterations} of ${measure.minIterations} iterations`,
    );
  const outcome: CellOutcome = {
    status: 'ok',
    sessionOptions: options,
    measurement: {
      sessionCreateMs,
      firstInferenceMs,
      warmupIterations: measure.warmup,
      iterations,
      durationMs: elapsed,
      throughput: (p.batch * iterations) / (elapsed / 1000),
      ...loop,
      ...(telemetry && { telemetry }),
      ...(concurrency > 1 && {
        concurrency: {
          requested: concurrency,
          mode: 'worker-sessions' as const,
          meanInFlight: inFlightMs / elapsed,
          requestsPerS: iterations / (elapsed / 1000),
        },
      }),
    },
  };
  const withNotes = (o: CellOutcome): CellOutcome =>
    notes.length > 0 ? { ...o, measurement: { ...o.measurement!, note: notes.join('; ') } } : o;
  onMeasured(withNotes(outcome));

  // The cell's concurrency of servers, each with a session of its own: started once, for whichever of the
  // closed loop's control and the load pass asks first.
  let servers: Promise<OpenLoopServer> | undefined;
  const openServers = () =>
    (servers ??= OpenLoopServer.start(source.model, source.options, pool, concurrency, measure.warmup));
  try {
    if (job.interleavedControl) {
      onPhase('control');
      // One inference, or in a closed loop one round: a request on each server at once, until the last ends.
      const single = { session, pool, runs: iterations };
      const runCell =
        concurrency === 1 ? () => timedRun(single) : async () => (await openServers()).round(measure.maxDurationMs);
      if (await interleaveControl(outcome, job, runCell, notes, concurrency)) onMeasured(withNotes(outcome));
    }

    if (job.load) {
      onPhase('load');
      // The open loop runs on the cell's concurrency of servers; the closed loop's requests/s seeds the search.
      try {
        const server = await openServers();
        outcome.measurement!.load = await measureLoad(server, concurrency, job.load, iterations / (elapsed / 1000));
        onMeasured(withNotes(outcome));
      } catch (err) {
        notes.push(`load not measured: ${(err as Error).message}`);
      }
    }
  } finally {
    await servers?.then(
      (s) => s.close(),
      () => {},
    );
  }

  onPhase('parity');
  let cellOutputs: Record<string, ort.Tensor> | undefined;
  try {
    cellOutputs = await session.run(pool[0]!);
  } catch (err) {
    notes.push(`parity not computed: ${(err as Error).message}`);
  } finally {
    await session.release();
  }
  if (cellOutputs && job.referenceModelPath) {
    try {
      const reference = await modelSource(job.referenceModelPath, {}, p.freeDimensions);
      outcome.parity = compareOutputs(
        cellOutputs,
        await referenceOutputs(reference.model, pool[0]!, reference.options),
        {
          minCosine: measure.parityMinCosine,
          minTop1: measure.parityMinTop1,
        },
      );
    } catch (err) {
      notes.push(`parity not computed: ${(err as Error).message}`);
    }
  } else if (!job.referenceModelPath)
    notes.push(`parity not computed: model '${p.model}' has no fp32 file to serve as the reference`);

  onPhase('profile');
  if (measure.profileIterations > 0) {
    try {
      outcome.profile = await profilePass(source.model, source.options, pool, measure.profileIterations);
      if (outcome.profile.flopsPerInference)
        outcome.measurement!.achievedGflops = outcome.profile.flopsPerInference / (loop.stats.p50Ms / 1000) / 1e9;
    } catch (err) {
      notes.push(`profile not taken: ${(err as Error).message}`);
    }
  }

  // Read last: holding the file's bytes earlier would count toward the peak memory of the loop.
  const facts = await modelFacts(job.modelPath);
  if (facts) outcome.modelFacts = facts;
  return withNotes(outcome);
}
