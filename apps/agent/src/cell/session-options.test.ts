import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { expandMatrix, parseSpec } from '@ortfleet/core';
import { sessionOptionsFor } from './session-options';

const TSX = createRequire(import.meta.url).resolve('tsx');

/**
 * Creates a real session with these options and returns the "Session Options {...}" line ONNX Runtime itself
 * logs at verbose level: proof that each knob reached the session, not only our record of it.
 */
function sessionOptionsAsOrtSeesThem(options: object): string {
  const script = `
    import * as ort from 'onnxruntime-node';
    import { tinyAddModel } from '@ortfleet/core';
    ort.env.logLevel = 'verbose';
    const s = await ort.InferenceSession.create(tinyAddModel(), { ...${JSON.stringify(options)}, logSeverityLevel: 0 });
    await s.release();`;
  const run = spawnSync(process.execPath, ['--import', TSX, '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    encoding: 'utf8',
  });
  const out = `${run.stdout}${run.stderr}`;
  const line = out.split('\n').find((l) => l.includes('Session Options {'));
  if (!line) throw new Error(`ONNX Runtime logged no session options:\n${out.slice(-2000)}`);
  return line;
}

function cellOf(matrix: string) {
  return expandMatrix(
    parseSpec(
      `name: k\nmodels: [{ name: m, file: m.onnx, freeDimensions: { seq: 64 } }]\nmatrix:\n  ep: [cpu]\n  batch: [1]\n${matrix}`,
    ),
    'h',
  )[0]!;
}

describe('sessionOptionsFor', () => {
  it('records every knob of the cell explicitly, profiling off', () => {
    const options = sessionOptionsFor(
      cellOf(
        `  graphOptimization: [basic]\n  intraOpThreads: [1]\n  executionMode: [parallel]\n  interOpThreads: [2]\n  memoryPattern: [false]\n  cpuArena: [false]\n  sessionConfig: { session.intra_op.allow_spinning: '0' }\n`,
      ),
    );
    expect(options).toEqual({
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'basic',
      intraOpNumThreads: 1,
      interOpNumThreads: 2,
      executionMode: 'parallel',
      enableMemPattern: false,
      enableCpuMemArena: false,
      freeDimensionOverrides: { seq: 64 },
      extra: { 'session.intra_op.allow_spinning': '0' },
      enableProfiling: false,
      logSeverityLevel: 3,
    });
  });

  it('passes EP options with the EP', () => {
    const cell = expandMatrix(
      parseSpec(
        'name: k\nmodels: [{ name: m, file: m.onnx }]\nmatrix:\n  ep: [webgpu]\n  batch: [1]\n  epOptions: { webgpu: { preferredLayout: NHWC } }\n',
      ),
      'h',
    )[0]!;
    expect(sessionOptionsFor(cell).executionProviders).toEqual([{ name: 'webgpu', preferredLayout: 'NHWC' }]);
  });

  it('reaches the session: ONNX Runtime logs the same knobs back', () => {
    const recorded = sessionOptionsFor(
      cellOf(
        `  graphOptimization: [basic]\n  intraOpThreads: [1]\n  executionMode: [parallel]\n  interOpThreads: [3]\n  memoryPattern: [false]\n  cpuArena: [false]\n  sessionConfig: { session.intra_op.allow_spinning: '0' }\n`,
      ),
    );
    const seen = sessionOptionsAsOrtSeesThem(recorded);
    expect(seen).toMatch(/execution_mode:1 /); // ORT_PARALLEL
    expect(seen).toMatch(/enable_mem_pattern:0 /);
    expect(seen).toMatch(/enable_cpu_mem_arena:0 /);
    expect(seen).toMatch(/enable_profiling:0 /);
    expect(seen).toMatch(/graph_optimization_level:1 /); // ORT_ENABLE_BASIC
    expect(seen).toMatch(/intra_op_param:OrtThreadPoolParams \{ thread_pool_size: 1 /);
    expect(seen).toMatch(/inter_op_param:OrtThreadPoolParams \{ thread_pool_size: 3 /);
    expect(seen).toMatch(/session\.intra_op\.allow_spinning: 0/);

    const defaults = sessionOptionsAsOrtSeesThem(sessionOptionsFor(cellOf('')));
    expect(defaults).toMatch(
      /execution_mode:0 .*enable_mem_pattern:1 .*enable_cpu_mem_arena:1 .*graph_optimization_level:(4|99) /,
    ); // ORT_ENABLE_ALL (4 since the layout level was added)
  });
});
