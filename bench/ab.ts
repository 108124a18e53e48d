/**
 * How well the same-night A/B confirmation (docs/regressions.md) tells a new model file that is slower from one
 * that is not, on this machine while it drifts. A chain model (test/support/chain-model.ts: MatMul + Tanh
 * layers, x [32,256]) of 20 layers is the previous file; the new files are the same graph and weights with
 * another version in the metadata (other bytes, the same work: a confirmation is a false alarm), and the same
 * first layers plus one (about 5% slower) or two more (about 10%). Each
 * trial runs under a share of a real-time noisy neighbour that a seeded schedule draws per trial from
 * [0, --load-max] (bench/common.ts), and runs the agent's own A/B (apps/agent/src/pairs.ts: CONFIRMATION_PAIRS
 * pairs in a seeded order, both files in one child process, alternating run by run) for each new file, judged as
 * the run judges it.
 *
 *   pnpm exec tsx bench/ab.ts [--trials N] [--load-max F] [--load-seed N]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ModelCache } from '../apps/agent/src/models/cache';
import { measurePairs } from '../apps/agent/src/pairs';
import {
  CONFIRMATION_PAIRS,
  confirmationMeasure,
  expandMatrix,
  judgePairs,
  mulberry32,
  pairOrders,
  validateSpec,
} from '../packages/core/src/index';
import { writeChainModel } from '../test/support/chain-model';
import { machineLine, median, noisyNeighbour } from './common';

const { values } = parseArgs({
  options: { trials: { type: 'string' }, 'load-max': { type: 'string' }, 'load-seed': { type: 'string' } },
});
const trials = Number(values.trials ?? 4);
const loadMax = Number(values['load-max'] ?? 0.2);
const loadRandom = mulberry32(Number(values['load-seed'] ?? 1));
const MIN_EFFECT = 0.05;

const dir = mkdtempSync(join(tmpdir(), 'ortfleet-ab-'));
const previous = writeChainModel(join(dir, 'previous.onnx'), { layers: 20, seed: 1 });
const variants = [
  {
    label: 'same work',
    path: writeChainModel(join(dir, 'same.onnx'), { layers: 20, seed: 1, version: '2' }),
    step: false,
  },
  { label: '+5% layers', path: writeChainModel(join(dir, 'plus5.onnx'), { layers: 21, seed: 1 }), step: true },
  { label: '+10% layers', path: writeChainModel(join(dir, 'plus10.onnx'), { layers: 22, seed: 1 }), step: true },
];
const spec = validateSpec({
  name: 'ab',
  models: [{ name: 'chain', file: previous }],
  matrix: { ep: ['cpu'], batch: [1], intraOpThreads: [1] },
});
const cell = expandMatrix(spec, 'this-machine')[0]!;
const measure = confirmationMeasure(spec.measure);
const models = new ModelCache({ dir: join(dir, 'cache'), maxBytes: 2 ** 30 });

console.log(machineLine());
console.log(
  `chain x[32,256], 20 layers previous; ${CONFIRMATION_PAIRS} pairs a confirmation, ${measure.minDurationMs} ms a side; judge minEffect ${MIN_EFFECT * 100}%; ${trials} trials\n`,
);
console.log('trial  load  new file      median B/A  slower  p       outcome');
const outcomes = new Map<string, { confirmed: number; ratios: number[] }>(
  variants.map((v) => [v.label, { confirmed: 0, ratios: [] }]),
);
for (let t = 0; t < trials; t++) {
  const load = Math.round(loadRandom() * loadMax * 20) / 20;
  const busy = noisyNeighbour(load);
  try {
    for (const v of variants) {
      const job = {
        cell,
        previous: { modelPath: previous, modelSha256: '' },
        current: { modelPath: v.path },
        inputs: {},
        measure,
        orders: pairOrders(CONFIRMATION_PAIRS, t),
      };
      const outcome = await measurePairs(job, {
        agentId: 'bench',
        models,
        memoryLimitBytes: Math.floor(0.75 * totalmem()),
      });
      if (outcome.reason) throw new Error(outcome.reason);
      const c = judgePairs(outcome.pairs, MIN_EFFECT, 'bench', 'previous');
      const o = outcomes.get(v.label)!;
      if (c.outcome === 'confirmed') o.confirmed++;
      o.ratios.push(c.medianRatio);
      console.log(
        `${String(t + 1).padStart(5)}  ${`${Math.round(load * 100)}%`.padStart(4)}  ${v.label.padEnd(12)}  ${c.medianRatio.toFixed(3).padStart(10)}  ${`${c.slower}/${c.pairs.length}`.padStart(6)}  ${c.pValue.toFixed(3)}  ${c.outcome}`,
      );
    }
  } finally {
    for (const p of busy) p.kill('SIGKILL');
  }
}
console.log(`\nat the end: ${machineLine()}`);
for (const v of variants) {
  const o = outcomes.get(v.label)!;
  const what = v.step ? 'confirmed (found)' : 'confirmed (false alarms)';
  console.log(
    `${v.label.padEnd(12)} ${what}: ${o.confirmed}/${trials}; median B/A over trials ${median(o.ratios).toFixed(3)} (${Math.min(...o.ratios).toFixed(3)}–${Math.max(...o.ratios).toFixed(3)})`,
  );
}
