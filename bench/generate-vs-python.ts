/**
 * ortfleet's generation loop against the same loop in Python onnxruntime of the same release, on the same decoder,
 * settings and prompts. Rounds interleave the two sides (node, python, node, python, ...) so that drift on a
 * shared machine hits both. Goals: median over rounds of node/python within ±5% for TTFT (p50) and for decode
 * tokens/s, and the same greedy tokens.
 *
 *   pnpm exec tsx bench/generate-vs-python.ts [--model PATH] [--prompt N] [--new N] [--threads T] [--seconds N] [--rounds R] [--python PATH]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { promptIds } from '../apps/agent/src/cell/generate';
import { measureCell } from '../apps/agent/src/cell/measure';
import { sessionOptionsFor } from '../apps/agent/src/cell/session-options';
import { onnxruntimeNodeVersion } from '../apps/agent/src/onnxruntime-version';
import { findPython } from '../apps/cli/src/models/prepare';
import { expandMatrix, validateSpec, type MeasureSpec } from '../packages/core/src/index';
import { writeDecoderModel, type DecoderShape } from '../test/support/decoder-model';
import { REPO, machineLine, median } from './common';

const run = promisify(execFile);
const PY_SCRIPT = join(REPO, 'bench/generate_python.py');
/** The default decoder: big enough that a step is matrix work, not call overhead; small enough for 2 cores. */
const BENCH_DECODER: Partial<DecoderShape> = {
  layers: 4,
  hidden: 256,
  heads: 8,
  vocab: 2048,
  positions: 1024,
  seed: 3,
};

interface Side {
  ttftP50Ms: number;
  decodeTokensPerS: number;
  itlP50Ms: number;
  generations: number;
  tokens: number[][];
}

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    prompt: { type: 'string' },
    new: { type: 'string' },
    threads: { type: 'string' },
    batch: { type: 'string' },
    seconds: { type: 'string' },
    rounds: { type: 'string' },
    python: { type: 'string' },
  },
});
const seconds = Number(values.seconds ?? 5);
const rounds = Number(values.rounds ?? 3);
const promptTokens = Number(values.prompt ?? 128);
const newTokens = Number(values.new ?? 64);
const batch = Number(values.batch ?? 1);
const python = findPython(values.python);

function cellFor(model: string, threads: number) {
  const spec = validateSpec({
    name: 'bench',
    models: [
      {
        name: 'decoder',
        file: model,
        generate: { promptTokens: [promptTokens], newTokens: [newTokens], vocabRange: [0, 256] },
      },
    ],
    matrix: {
      ep: ['cpu'],
      batch: [batch],
      graphOptimization: ['all'],
      intraOpThreads: [threads],
      executionMode: ['sequential'],
    },
    measure: {
      minDurationMs: seconds * 1000,
      maxDurationMs: seconds * 1000,
      cellTimeoutMs: seconds * 1000 + 120_000,
      profileIterations: 0,
    },
  });
  return { cell: expandMatrix(spec, 'bench')[0]!, measure: spec.measure as MeasureSpec };
}

async function nodeSide(model: string, bench: ReturnType<typeof cellFor>): Promise<Side> {
  const outcome = await measureCell({ cell: bench.cell, modelPath: model, inputs: {}, measure: bench.measure });
  if (outcome.status !== 'ok') throw new Error(`node side failed: ${outcome.reason}`);
  const g = outcome.measurement!.generation!;
  return {
    ttftP50Ms: g.ttft.p50Ms,
    decodeTokensPerS: g.decodeTokensPerS,
    itlP50Ms: g.itl.p50Ms,
    generations: g.generations,
    tokens: [g.tokens],
  };
}

async function pythonSide(model: string, bench: ReturnType<typeof cellFor>): Promise<Side> {
  const g = bench.cell.params.generation!;
  const m = bench.measure;
  // The same 8 seeded prompts ortfleet cycles through (measure-generation.ts).
  const prompts = Array.from({ length: 8 }, (_, k) => promptIds(g, batch, m.seed + k));
  const job = {
    model,
    prompts,
    newTokens,
    warmup: m.warmup,
    minIterations: m.minIterations,
    minDurationMs: m.minDurationMs,
    maxDurationMs: m.maxDurationMs,
    sessionOptions: sessionOptionsFor(bench.cell),
  };
  const { stdout } = await run(python.path, [PY_SCRIPT, JSON.stringify(job)], { maxBuffer: 16 << 20 });
  const side = JSON.parse(stdout) as Side;
  return { ...side, tokens: [side.tokens[0]!] };
}

const fmt = (ms: number) => `${ms.toFixed(3)} ms`;
const pct = (ratio: number) => `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)}%`;

async function main(): Promise<void> {
  const pyVersion = (
    await run(python.path, ['-c', 'import onnxruntime; print(onnxruntime.__version__)'])
  ).stdout.trim();
  const nodeVersion = onnxruntimeNodeVersion();
  console.log(`onnxruntime-node ${nodeVersion} vs Python onnxruntime ${pyVersion} (${python.path})`);
  if (pyVersion !== nodeVersion) console.log('warning: the releases differ, so the comparison is not like for like');
  const dir = mkdtempSync(join(tmpdir(), 'ortfleet-bench-'));
  try {
    const model = values.model ?? writeDecoderModel(join(dir, 'decoder.onnx'), BENCH_DECODER);
    const shape = values.model ? model : `generated decoder ${JSON.stringify(BENCH_DECODER)}`;
    console.log(
      `${machineLine()}\n${shape}; prompt ${promptTokens} tokens, ${newTokens} new tokens, batch ${batch}; ${rounds} rounds × ~${seconds} s per side, CPU EP, graph optimization all, sequential`,
    );
    let worst = 0;
    for (const threads of values.threads ? [Number(values.threads)] : [1, 2]) {
      const bench = cellFor(model, threads);
      const node: Side[] = [];
      const py: Side[] = [];
      for (let r = 0; r < rounds; r++) {
        node.push(await nodeSide(model, bench));
        py.push(await pythonSide(model, bench));
      }
      console.log(`\nintra-op threads ${threads}`);
      console.log(
        'round  node TTFT p50  python TTFT p50  ratio  node decode tok/s  python decode tok/s  ratio  node/python generations',
      );
      const ttftRatios = node.map((n, i) => n.ttftP50Ms / py[i]!.ttftP50Ms);
      const decodeRatios = node.map((n, i) => n.decodeTokensPerS / py[i]!.decodeTokensPerS);
      node.forEach((n, i) =>
        console.log(
          `${String(i + 1).padStart(5)}  ${fmt(n.ttftP50Ms).padStart(13)}  ${fmt(py[i]!.ttftP50Ms).padStart(15)}  ${ttftRatios[i]!.toFixed(3)}  ${n.decodeTokensPerS.toFixed(1).padStart(17)}  ${py[i]!.decodeTokensPerS.toFixed(1).padStart(19)}  ${decodeRatios[i]!.toFixed(3)}  ${n.generations}/${py[i]!.generations}`,
        ),
      );
      const same = node.every((n, i) => JSON.stringify(n.tokens) === JSON.stringify(py[i]!.tokens));
      const ttft = median(ttftRatios);
      const decode = median(decodeRatios);
      worst = Math.max(worst, Math.abs(ttft - 1), Math.abs(decode - 1));
      const verdict = (x: number) => (Math.abs(x - 1) <= 0.05 ? 'within ±5%: met' : 'outside ±5%: NOT met');
      console.log(
        `median TTFT node/python ${ttft.toFixed(3)} (${pct(ttft)}, node ${fmt(median(node.map((n) => n.ttftP50Ms)))}, python ${fmt(median(py.map((p) => p.ttftP50Ms)))}): ${verdict(ttft)}`,
      );
      console.log(
        `median decode tokens/s node/python ${decode.toFixed(3)} (${pct(decode)}, node ${median(node.map((n) => n.decodeTokensPerS)).toFixed(1)}, python ${median(py.map((p) => p.decodeTokensPerS)).toFixed(1)}): ${verdict(decode)}`,
      );
      console.log(`greedy tokens of the first prompt: ${same ? 'identical on both sides' : 'DIFFER'}`);
    }
    console.log(`\nworst median deviation: ${(worst * 100).toFixed(1)}%`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
