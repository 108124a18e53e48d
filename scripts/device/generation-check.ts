/**
 * The generation loop on a GPU machine: the same decoder cell (test/support/decoder-model.ts, 4 layers, hidden
 * 256) on the CPU EP and on WebGPU, where the KV cache stays in GPU buffers between steps
 * (`preferredOutputLocation: 'gpu-buffer'`), with token parity against the fp32 CPU reference; then the WebGPU
 * loop with and without the cache on the device, to show what keeping it there saves. Prints JSON lines.
 * Bundled and run by scripts/device/generation-check.sh with the agent archive's Node and onnxruntime-node.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decoderLayout, generateOnce, promptIds } from '../../apps/agent/src/cell/generate';
import { measureCell } from '../../apps/agent/src/cell/measure';
import { generationOutputLocations } from '../../apps/agent/src/cell/measure-generation';
import { graphOutputNames } from '../../apps/agent/src/cell/output-names';
import { createSession, sessionOptionsFor } from '../../apps/agent/src/cell/session-options';
import { expandMatrix, percentile, validateSpec, type MeasureSpec } from '../../packages/core/src/index';
import { writeDecoderModel } from '../../test/support/decoder-model';

const model = writeDecoderModel(join(mkdtempSync(join(tmpdir(), 'gen-')), 'decoder.onnx'), {
  layers: 4,
  hidden: 256,
  heads: 8,
  vocab: 2048,
  positions: 1024,
  seed: 3,
});
const spec = validateSpec({
  name: 'gpu-generation',
  models: [{ name: 'decoder', file: model, generate: { promptTokens: [128], newTokens: [64], vocabRange: [0, 2048] } }],
  matrix: { ep: ['cpu', 'webgpu'], batch: [1] },
  measure: { warmup: 3, minIterations: 10, minDurationMs: 5000, maxDurationMs: 20000, profileIterations: 0 },
});
const measure = spec.measure as MeasureSpec;
// Each part runs in a process of its own (argv: cells EP | loop MODE), so a native abort in one leaves the others.
const [part, arg] = process.argv.slice(2);
for (const cell of part === 'cells' ? expandMatrix(spec, 'gpu').filter((c) => c.params.ep === arg) : []) {
  const o = await measureCell({ cell, modelPath: model, referenceModelPath: model, inputs: {}, measure });
  const g = o.measurement?.generation;
  console.log(
    JSON.stringify({
      ep: cell.params.ep,
      status: o.status,
      reason: o.reason,
      note: o.measurement?.note,
      sessionOptions: o.sessionOptions,
      kvCache: g?.kvCache,
      generations: g?.generations,
      ttftP50Ms: g?.ttft.p50Ms,
      itlP50Ms: g?.itl.p50Ms,
      itlP99Ms: g?.itl.p99Ms,
      decodeTokensPerS: g?.decodeTokensPerS,
      prefillTokensPerS: g?.prefillTokensPerS,
      stepCurve: g && [g.stepCurve[0], g.stepCurve.at(-1)],
      parity: o.parity && {
        ok: o.parity.ok,
        reason: o.parity.reason,
        cosine: o.parity.cosine,
        maxAbsError: o.parity.maxAbsError,
        tokens: o.parity.tokens,
      },
      gpu: o.measurement?.telemetry?.gpu,
    }),
  );
}

// WebGPU with the cache copied back to CPU memory every step, against kept in GPU buffers.
const webgpu = expandMatrix(spec, 'gpu').find((c) => c.params.ep === 'webgpu')!;
const prompt = promptIds(webgpu.params.generation!, 1, 0);
for (const mode of part === 'loop' ? [arg as 'cpu' | 'gpu-buffer'] : []) {
  try {
    const options = {
      ...sessionOptionsFor(webgpu),
      ...(mode === 'gpu-buffer'
        ? { preferredOutputLocation: generationOutputLocations(await graphOutputNames(model)) }
        : {}),
    };
    const session = await createSession(model, options);
    console.error(`${mode}: session created`);
    const layout = decoderLayout(session);
    await generateOnce(session, layout, prompt, 1);
    console.error(`${mode}: prefill ran`);
    await generateOnce(session, layout, prompt, 2);
    console.error(`${mode}: one decode step ran`);
    for (let i = 0; i < 3; i++) await generateOnce(session, layout, prompt, 16);
    const steps: number[] = [];
    const ttfts: number[] = [];
    let tokens: number[] = [];
    for (let i = 0; i < 8; i++) {
      const run = await generateOnce(session, layout, prompt, 64);
      steps.push(...run.stepsMs);
      ttfts.push(run.ttftMs);
      tokens = run.tokens[0]!;
    }
    await session.release();
    const sorted = steps.sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        webgpuCacheMode: mode,
        ttftP50Ms: percentile(
          ttfts.sort((a, b) => a - b),
          50,
        ),
        itlP50Ms: percentile(sorted, 50),
        decodeTokensPerS: steps.length / (steps.reduce((a, b) => a + b, 0) / 1000),
        tokens: tokens.slice(0, 12),
      }),
    );
  } catch (err) {
    console.log(JSON.stringify({ webgpuCacheMode: mode, error: (err as Error).message }));
  }
}
