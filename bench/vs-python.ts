/**
 * ortfleet's runner against Python onnxruntime of the same release, on the same model, settings and input data.
 * Rounds interleave the two sides (node, python, node, python, ...) so that drift on a shared machine hits both.
 * Goals: median ratio of the p50s within ±3% on real models; on a tiny Add model (per-call overhead) node ≤ python.
 *
 *   pnpm exec tsx bench/vs-python.ts [--model PATH [--input NAME=D0,D1,...]] [--seconds N] [--rounds R]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { measureCell } from '../apps/agent/src/cell/measure';
import { tinyAddModel, type Cell } from '../packages/core/src/index';
import { onnxruntimeNodeVersion } from '../apps/agent/src/onnxruntime-version';
import { findPython } from '../apps/cli/src/models/prepare';
import {
  CLS,
  DET,
  REPO,
  benchCells,
  machineLine,
  median,
  modelFromFlags,
  ortPythonJob,
  type BenchModel,
} from './common';

const run = promisify(execFile);
const PY_SCRIPT = join(REPO, 'bench/ort_python.py');

interface PythonFigures {
  onnxruntime: string;
  iterations: number;
  p50Ms: number;
  p50CiLowMs: number;
  p50CiHighMs: number;
}

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    input: { type: 'string', multiple: true },
    seconds: { type: 'string' },
    rounds: { type: 'string' },
    python: { type: 'string' },
  },
});
const seconds = Number(values.seconds ?? 5);
const rounds = Number(values.rounds ?? 3);
const python = findPython(values.python);

async function nodeP50(model: BenchModel, cell: Cell, bench: ReturnType<typeof benchCells>): Promise<number> {
  const outcome = await measureCell({ cell, modelPath: model.path, inputs: bench.inputs, measure: bench.measure });
  if (outcome.status !== 'ok') throw new Error(`node side failed: ${outcome.reason}`);
  return outcome.measurement!.stats.p50Ms;
}

async function pythonFigures(
  model: BenchModel,
  cell: Cell,
  bench: ReturnType<typeof benchCells>,
): Promise<PythonFigures> {
  const job = ortPythonJob(model, cell, bench);
  const { stdout } = await run(python.path, [PY_SCRIPT, JSON.stringify(job)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as PythonFigures;
}

/** Interleaved rounds of one cell; returns the per-round p50s of each side. */
async function compare(model: BenchModel, cell: Cell, bench: ReturnType<typeof benchCells>) {
  const node: number[] = [];
  const py: number[] = [];
  for (let r = 0; r < rounds; r++) {
    node.push(await nodeP50(model, cell, bench));
    py.push((await pythonFigures(model, cell, bench)).p50Ms);
  }
  return { node, py, ratios: node.map((n, i) => n / py[i]!) };
}

const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`);
const pct = (ratio: number) => `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)}%`;

function printRounds(title: string, node: number[], py: number[], ratios: number[]): void {
  console.log(`\n${title}`);
  console.log('round  node p50     python p50   node/python');
  ratios.forEach((ratio, i) =>
    console.log(
      `${String(i + 1).padStart(5)}  ${fmt(node[i]!).padStart(10)}  ${fmt(py[i]!).padStart(11)}  ${ratio.toFixed(3).padStart(11)}`,
    ),
  );
}

async function main(): Promise<void> {
  const pyVersion = (
    await run(python.path, ['-c', 'import onnxruntime; print(onnxruntime.__version__)'])
  ).stdout.trim();
  const nodeVersion = onnxruntimeNodeVersion();
  console.log(`onnxruntime-node ${nodeVersion} vs Python onnxruntime ${pyVersion} (${python.path})`);
  if (pyVersion !== nodeVersion) console.log('warning: the releases differ, so the comparison is not like for like');
  console.log(
    `${machineLine()}; ${rounds} rounds × ~${seconds} s per side, CPU EP, graph optimization all, sequential`,
  );

  const custom = modelFromFlags(values.model, values.input ?? []);
  let worst = 0;
  for (const model of custom ? [custom] : [DET, CLS]) {
    const bench = benchCells(model, [1, 2], seconds);
    for (const cell of bench.cells) {
      const { node, py, ratios } = await compare(model, cell, bench);
      const shapes = Object.entries(model.inputs)
        .map(([n, s]) => `${n}[${s.join(',')}]`)
        .join(' ');
      printRounds(`${model.name} ${shapes}, intra-op threads ${cell.params.intraOpThreads}`, node, py, ratios);
      const mid = median(ratios);
      worst = Math.max(worst, Math.abs(mid - 1));
      const verdict = Math.abs(mid - 1) <= 0.03 ? 'within ±3%: met' : 'outside ±3%: NOT met';
      console.log(
        `median node/python ${mid.toFixed(3)} (${pct(mid)}; rounds ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}): ${verdict}`,
      );
    }
  }

  const dir = mkdtempSync(join(tmpdir(), 'ortfleet-bench-'));
  try {
    const tiny: BenchModel = { name: 'tiny-add', path: join(dir, 'add.onnx'), inputs: { a: [1, 4], b: [1, 4] } };
    writeFileSync(tiny.path, tinyAddModel());
    const bench = benchCells(tiny, [1], seconds);
    const { node, py, ratios } = await compare(tiny, bench.cells[0]!, bench);
    printRounds('per-call overhead: tiny Add model a[1,4] + b[1,4], intra-op threads 1', node, py, ratios);
    const mid = median(ratios);
    console.log(
      `median node/python ${mid.toFixed(3)} (node ${fmt(median(node))}, python ${fmt(median(py))}): ${mid <= 1 ? 'node ≤ python: met' : 'node > python: NOT met'}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nworst median deviation on the real models: ${(worst * 100).toFixed(1)}%`);
}

await main();
