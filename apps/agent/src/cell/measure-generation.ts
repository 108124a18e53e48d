import type * as ort from 'onnxruntime-node';
import {
  LatencyRecorder,
  percentile,
  summarize,
  type CellOutcome,
  type GenerationParams,
  type KvCacheMode,
  type Parity,
  type Telemetry,
  type TokenParity,
} from '@ortfleet/core';
import { DecoderLayoutError, decoderLayout, generateOnce, promptIds, type DecoderLayout } from './generate';
import { interleaveControl } from './interleaved-control';
import type { CellJob, Phase } from '@ortfleet/contracts';
import { compareOutputs } from './parity';
import { graphOutputNames } from './output-names';
import { createSession, sessionOptionsFor } from './session-options';
import { startTelemetry } from './telemetry';

/** Distinct seeded prompts the timed loop cycles through (prompt k from seed + k). */
const PROMPTS = 8;
/** Warm-up generations are short: they load kernels and grow allocations, their length says nothing. */
const WARMUP_TOKENS = 8;
/** Points of the stored step-latency curve. */
const CURVE_POINTS = 32;

function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Where the KV cache lives between steps. On WebGPU the binding can keep outputs on the device
 * (`preferredOutputLocation: 'gpu-buffer'`), so the presents go back in without a copy; every other EP here
 * returns outputs in CPU memory.
 */
export function kvCacheMode(ep: string): { mode: KvCacheMode; note: string } {
  return ep === 'webgpu'
    ? {
        mode: 'gpu-buffer',
        note: "the presents stay in GPU buffers between steps (preferredOutputLocation 'gpu-buffer' for every output but the logits); only the logits come back to CPU memory",
      }
    : ep === 'cpu'
      ? {
          mode: 'cpu',
          note: 'CPU EP: the cache stays in CPU memory, nothing moves between devices (onnxruntime-node does copy each output, the presents included, into JavaScript memory every step)',
        }
      : {
          mode: 'cpu',
          note: `the ${ep} EP returns outputs in CPU memory through onnxruntime-node: the cache is copied out and back each step`,
        };
}

/**
 * Where each output goes: every output but the logits stays on the device in 'gpu-buffer' mode. The logits are
 * read on the CPU for the argmax and must be asked for there: in onnxruntime-node 1.30, `getData()` on a
 * WebGPU tensor aborts the process (seen on an H100, scripts/device/generation-check.ts).
 */
export function generationOutputLocations(outputNames: readonly string[]): Record<string, 'cpu' | 'gpu-buffer'> {
  return Object.fromEntries(outputNames.map((name) => [name, name === 'logits' ? 'cpu' : 'gpu-buffer']));
}

/** The session options of a generation cell: the cell's own, plus the output locations of its KV cache mode. */
export async function generationSessionOptions(
  job: CellJob,
  mode: KvCacheMode,
): Promise<ort.InferenceSession.SessionOptions> {
  const options = sessionOptionsFor(job.cell);
  if (mode !== 'gpu-buffer') return options;
  return { ...options, preferredOutputLocation: generationOutputLocations(await graphOutputNames(job.modelPath)) };
}

/** Positions of the stored curve: up to CURVE_POINTS decode steps spread evenly over 1..steps. */
function curveSteps(steps: number): number[] {
  if (steps <= CURVE_POINTS) return Array.from({ length: steps }, (_, i) => i + 1);
  return [
    ...new Set(Array.from({ length: CURVE_POINTS }, (_, i) => 1 + Math.round((i * (steps - 1)) / (CURVE_POINTS - 1)))),
  ];
}

/** Tokens of the cell against the reference's, row by row over the same prompt. */
export function tokenParity(cell: number[][], reference: number[][]): TokenParity {
  let compared = 0;
  let same = 0;
  let firstMismatch: number | null = null;
  cell.forEach((row, b) =>
    row.forEach((t, i) => {
      compared++;
      if (t === reference[b]?.[i]) same++;
      else if (firstMismatch === null || i < firstMismatch) firstMismatch = i;
    }),
  );
  return { compared, agreement: compared === 0 ? 0 : same / compared, firstMismatch };
}

/**
 * Parity of a generation cell: the prefill logits against the fp32 model's on the CPU EP (cosine, top-1 per
 * position), and the greedy tokens of the same prompt against the reference's. Token agreement is judged by
 * the same bound as top-1 agreement.
 */
async function generationParity(
  job: CellJob,
  cell: { tokens: number[][]; prefillLogits?: ort.Tensor },
  prompt: number[][],
): Promise<Parity> {
  const reference = await createSession(job.referenceModelPath!, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  });
  try {
    const ref = await generateOnce(reference, decoderLayout(reference), prompt, job.cell.params.generation!.newTokens, {
      keepPrefillLogits: true,
    });
    const thresholds = { minCosine: job.measure.parityMinCosine, minTop1: job.measure.parityMinTop1 };
    const logits = compareOutputs({ logits: cell.prefillLogits! }, { logits: ref.prefillLogits! }, thresholds);
    const tokens = tokenParity(cell.tokens, ref.tokens);
    const tokenProblem =
      tokens.agreement < thresholds.minTop1
        ? `generated tokens agree with the fp32 CPU reference's at ${(tokens.agreement * 100).toFixed(1)}% < ${thresholds.minTop1 * 100}% (first difference at token ${tokens.firstMismatch})`
        : undefined;
    const reason = logits.reason ?? tokenProblem;
    return { ...logits, tokens, ok: reason === undefined, ...(reason === undefined ? {} : { reason }) };
  } finally {
    await reference.release();
  }
}

/**
 * Measures a decoder cell: one iteration is one whole greedy generation (prefill over the prompt, then
 * newTokens - 1 decode steps with the KV cache fed back), repeated over seeded prompts until both
 * minIterations generations and minDurationMs are reached (or maxDurationMs). Warm-up runs `measure.warmup`
 * short generations. TTFT is the prefill run plus the argmax of its logits; inter-token latency is each
 * decode step; `stats` is the end-to-end latency of a generation. When the agent asks for it, the control then
 * runs beside the cell generation by generation (interleaveControl), as a single-stream cell's does run
 * by run. Parity generates from the first prompt with the fp32 model on the CPU EP and compares the tokens and
 * the prefill's logits.
 */
export async function measureGeneration(
  job: CellJob,
  onPhase: (phase: Phase) => void = () => {},
  onMeasured: (outcome: CellOutcome) => void = () => {},
): Promise<CellOutcome> {
  const { cell, measure } = job;
  const p = cell.params;
  const g: GenerationParams = p.generation!;
  const kv = kvCacheMode(p.ep);
  let options: ort.InferenceSession.SessionOptions;
  try {
    options = await generationSessionOptions(job, kv.mode);
  } catch (err) {
    return {
      status: 'failed',
      reason: `cannot read the model's output names: ${(err as Error).message}`,
      sessionOptions: sessionOptionsFor(cell) as Record<string, unknown>,
    };
  }
  const recorded = options as Record<string, unknown>;

  onPhase('session');
  let session: ort.InferenceSession;
  const createStart = process.hrtime.bigint();
  try {
    session = await createSession(job.modelPath, options);
  } catch (err) {
    return { status: 'failed', reason: `session creation failed: ${(err as Error).message}`, sessionOptions: recorded };
  }
  const sessionCreateMs = msSince(createStart);

  let layout: DecoderLayout;
  try {
    layout = decoderLayout(session);
    if (layout.vocab !== undefined && g.vocabRange[1] > layout.vocab)
      throw new DecoderLayoutError(
        `generate.vocabRange [${g.vocabRange.join(', ')}) goes beyond the model's vocabulary: its logits have ${layout.vocab} entries`,
      );
  } catch (err) {
    await session.release();
    return { status: 'failed', reason: (err as Error).message, sessionOptions: recorded };
  }

  const prompts = Array.from({ length: PROMPTS }, (_, k) => promptIds(g, p.batch, measure.seed + k));
  const steps = g.newTokens - 1;
  const curve = curveSteps(steps);
  const atStep = new Map(curve.map((s) => [s, [] as number[]]));
  const e2e = new LatencyRecorder();
  const itl = new LatencyRecorder();
  const ttfts: number[] = [];
  let decodeMs = 0;
  let elapsed = 0;
  let firstInferenceMs: number;
  let firstTokens: number[][] = [];
  let telemetry: Telemetry;
  try {
    onPhase('first-inference');
    const first = await generateOnce(session, layout, prompts[0]!, 1);
    firstInferenceMs = first.ttftMs;

    onPhase('warmup');
    for (let i = 0; i < measure.warmup; i++)
      await generateOnce(session, layout, prompts[(i + 1) % PROMPTS]!, Math.min(g.newTokens, WARMUP_TOKENS));

    onPhase('timed-loop');
    const sampler = startTelemetry(p.ep === 'cpu' ? { nvidiaSmi: null } : {});
    try {
      const loopStart = process.hrtime.bigint();
      while (
        (e2e.count < measure.minIterations || elapsed < measure.minDurationMs) &&
        elapsed < measure.maxDurationMs
      ) {
        const t0 = process.hrtime.bigint();
        const run = await generateOnce(session, layout, prompts[e2e.count % PROMPTS]!, g.newTokens);
        const t1 = process.hrtime.bigint();
        elapsed = Number(t1 - loopStart) / 1e6;
        if (e2e.count === 0) firstTokens = run.tokens;
        e2e.record(Number(t1 - t0) / 1e6, Number(t0 - loopStart) / 1e6);
        ttfts.push(run.ttftMs);
        let at = Number(t0 - loopStart) / 1e6 + run.ttftMs;
        run.stepsMs.forEach((ms, i) => {
          itl.record(ms, at);
          at += ms;
          decodeMs += ms;
          atStep.get(i + 1)?.push(ms);
        });
      }
    } finally {
      telemetry = await sampler.stop(p.batch * e2e.count);
    }
  } catch (err) {
    await session.release();
    return { status: 'failed', reason: (err as Error).message, sessionOptions: recorded };
  }

  const generations = e2e.count;
  const loop = e2e.finish();
  const ttft = summarize(ttfts);
  const notes: string[] = [];
  if (generations < measure.minIterations)
    notes.push(
      `maxDurationMs (${measure.maxDurationMs}) reached after ${generations} of ${measure.minIterations} generations`,
    );
  if (steps === 0)
    notes.push('newTokens is 1: the only token comes from the prefill, so there is no decode step to time');
  const outcome: CellOutcome = {
    status: 'ok',
    sessionOptions: recorded,
    measurement: {
      sessionCreateMs,
      firstInferenceMs,
      warmupIterations: measure.warmup,
      iterations: generations,
      durationMs: elapsed,
      throughput: (p.batch * generations) / (elapsed / 1000),
      ...loop,
      telemetry,
      generation: {
        promptTokens: g.promptTokens,
        newTokens: g.newTokens,
        layers: layout.layers,
        kvHeads: layout.kvHeads,
        headSize: layout.headSize,
        generations,
        ttft,
        // With no decode step there is nothing between tokens: the figures stay at 0 rather than absent.
        itl: steps > 0 ? itl.finish().stats : summarize([0]),
        e2e: loop.stats,
        prefillTokensPerS: (p.batch * g.promptTokens) / (ttft.p50Ms / 1000),
        decodeTokensPerS: decodeMs > 0 ? (p.batch * steps * generations) / (decodeMs / 1000) : 0,
        stepCurve: curve.map((s) => ({
          position: g.promptTokens + s,
          p50Ms: percentile(
            [...atStep.get(s)!].sort((a, b) => a - b),
            50,
          ),
        })),
        kvCache: kv,
        tokens: firstTokens[0] ?? [],
      },
    },
  };
  const withNotes = (o: CellOutcome): CellOutcome =>
    notes.length > 0 ? { ...o, measurement: { ...o.measurement!, note: notes.join('; ') } } : o;
  onMeasured(withNotes(outcome));

  if (job.interleavedControl) {
    onPhase('control');
    let k = 0;
    const generation = async () => {
      const t0 = process.hrtime.bigint();
      await generateOnce(session, layout, prompts[k++ % PROMPTS]!, g.newTokens);
      return msSince(t0);
    };
    if (await interleaveControl(outcome, job, generation, notes)) onMeasured(withNotes(outcome));
  }

  onPhase('parity');
  if (job.referenceModelPath) {
    try {
      const run = await generateOnce(session, layout, prompts[0]!, g.newTokens, { keepPrefillLogits: true });
      outcome.parity = await generationParity(job, run, prompts[0]!);
    } catch (err) {
      notes.push(`parity not computed: ${(err as Error).message}`);
    }
  } else notes.push(`parity not computed: model '${p.model}' has no fp32 file to serve as the reference`);
  await session.release();
  if (measure.profileIterations > 0) notes.push('no operator profile: generation cells skip the profile pass');
  return withNotes(outcome);
}
