/**
 * Run-to-run reproducibility: the same cell twice in a row through the isolated runner (a child process per
 * cell, as an agent runs it), and whether the two medians' 95% confidence intervals overlap.
 *
 *   pnpm exec tsx bench/repro.ts [--model PATH [--input NAME=D0,D1,...]] [--threads T] [--seconds N]
 */
import { totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { runCellIsolated } from '../apps/agent/src/cell/isolated';
import type { LatencyStats } from '../packages/core/src/index';
import { DET, benchCells, machineLine, modelFromFlags } from './common';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    input: { type: 'string', multiple: true },
    threads: { type: 'string' },
    seconds: { type: 'string' },
  },
});
const model = modelFromFlags(values.model, values.input ?? []) ?? DET;
const threads = Number(values.threads ?? 1);
const seconds = Number(values.seconds ?? 10);

// The spec's default profile pass is kept: the cell is run exactly as an agent would run it.
const bench = benchCells(model, [threads], seconds, 10);
const cell = bench.cells[0]!;
const job = { kind: 'cell' as const, cell, modelPath: model.path, inputs: bench.inputs, measure: bench.measure };
const limits = { timeoutMs: bench.measure.cellTimeoutMs, memoryLimitBytes: Math.floor(0.75 * totalmem()) };

console.log(
  `${model.name} ${Object.entries(model.inputs)
    .map(([n, s]) => `${n}[${s.join(',')}]`)
    .join(' ')}, CPU EP, intra-op threads ${threads}, ~${seconds} s per run`,
);
console.log(machineLine());
const runs: LatencyStats[] = [];
for (const label of ['first', 'second']) {
  const outcome = await runCellIsolated(job, limits);
  if (outcome.status !== 'ok') throw new Error(`${label} run ended ${outcome.status}: ${outcome.reason}`);
  const m = outcome.measurement!;
  runs.push(m.stats);
  console.log(
    `${label.padEnd(6)}  p50 ${m.stats.p50Ms.toFixed(3)} ms  95% CI ${m.stats.p50CiLowMs.toFixed(3)}–${m.stats.p50CiHighMs.toFixed(3)} ms  (${m.iterations} iterations${m.unstable ? ', unstable' : ''})`,
  );
}
const [a, b] = runs as [LatencyStats, LatencyStats];
const overlap = a.p50CiLowMs <= b.p50CiHighMs && b.p50CiLowMs <= a.p50CiHighMs;
console.log(
  `p50 difference ${(((b.p50Ms - a.p50Ms) / a.p50Ms) * 100).toFixed(2)}%; confidence intervals ${overlap ? 'overlap' : 'do NOT overlap'}`,
);
