/**
 * ortfleet's closed loop against its peer: Python onnxruntime of the same release with N threads calling `run`
 * on one session at once (Python's `run` releases the GIL), on the same model, settings and input data, at
 * N = 1, 2 and 4 requests in flight. Rounds interleave the sides (node, python, node, python, ...) so that drift
 * on a shared machine hits both. Goal: ortfleet's requests/s within 5% of the peer's at each N, on the median
 * over rounds of the per-round ratio.
 *
 *   pnpm exec tsx bench/capacity.ts [--model PATH [--input NAME=D0,D1,...]] [--threads T] [--seconds N] [--rounds R]
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { measureCell } from '../apps/agent/src/cell/measure';
import { onnxruntimeNodeVersion } from '../apps/agent/src/onnxruntime-version';
import { findPython } from '../apps/cli/src/models/prepare';
import type { Cell } from '../packages/core/src/index';
import { CLS, REPO, benchCells, machineLine, median, modelFromFlags, ortPythonJob, type BenchModel } from './common';

const run = promisify(execFile);
const PY_SCRIPT = join(REPO, 'bench/ort_python.py');

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    input: { type: 'string', multiple: true },
    threads: { type: 'string' },
    seconds: { type: 'string' },
    rounds: { type: 'string' },
    python: { type: 'string' },
  },
});
const seconds = Number(values.seconds ?? 5);
const rounds = Number(values.rounds ?? 3);
const threads = Number(values.threads ?? 1);
const python = findPython(values.python);
const model: BenchModel = modelFromFlags(values.model, values.input ?? []) ?? CLS;

async function nodeRequestsPerS(cell: Cell, bench: ReturnType<typeof benchCells>): Promise<number> {
  const outcome = await measureCell({ cell, modelPath: model.path, inputs: bench.inputs, measure: bench.measure });
  if (outcome.status !== 'ok') throw new Error(`node side failed: ${outcome.reason}`);
  const m = outcome.measurement!;
  return m.concurrency?.requestsPerS ?? m.iterations / (m.durationMs / 1000);
}

async function pythonRequestsPerS(cell: Cell, bench: ReturnType<typeof benchCells>): Promise<number> {
  const job = ortPythonJob(model, cell, bench);
  const { stdout } = await run(python.path, [PY_SCRIPT, JSON.stringify(job)], { maxBuffer: 1 << 20 });
  const figures = JSON.parse(stdout) as { requestsPerS?: number; iterations: number; durationMs: number };
  return figures.requestsPerS ?? figures.iterations / (figures.durationMs / 1000);
}

async function main(): Promise<void> {
  const pyVersion = (
    await run(python.path, ['-c', 'import onnxruntime; print(onnxruntime.__version__)'])
  ).stdout.trim();
  console.log(`onnxruntime-node ${onnxruntimeNodeVersion()} vs Python onnxruntime ${pyVersion} (${python.path})`);
  console.log(`${machineLine()}; ${rounds} rounds × ~${seconds} s per side, CPU EP, intra-op threads ${threads}`);
  const shapes = Object.entries(model.inputs)
    .map(([n, s]) => `${n}[${s.join(',')}]`)
    .join(' ');
  console.log(`${model.name} ${shapes}\n`);
  console.log('N  round  ortfleet req/s  python req/s  ortfleet/python');
  const verdicts: string[] = [];
  for (const n of [1, 2, 4]) {
    const bench = benchCells(model, [threads], seconds);
    const cell: Cell = { ...bench.cells[0]!, params: { ...bench.cells[0]!.params, ...(n > 1 && { concurrency: n }) } };
    const ratios: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const node = await nodeRequestsPerS(cell, bench);
      const py = await pythonRequestsPerS(cell, bench);
      ratios.push(node / py);
      console.log(
        `${n}  ${String(r + 1).padStart(5)}  ${node.toFixed(1).padStart(14)}  ${py.toFixed(1).padStart(12)}  ${(node / py).toFixed(3).padStart(15)}`,
      );
    }
    const mid = median(ratios);
    const met = Math.abs(mid - 1) <= 0.05 ? 'within ±5%: met' : 'outside ±5%: NOT met';
    verdicts.push(
      `N=${n}: median ortfleet/python ${mid.toFixed(3)} (rounds ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}): ${met}`,
    );
  }
  console.log(`\n${verdicts.join('\n')}`);
}

await main();
