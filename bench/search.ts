/**
 * How repeatable the open-loop capacity search is on this machine. Two searches for the same cell's peak rate
 * run step by step in turns (A's first trial, B's first, A's second, ...) on one server, so that the machine's
 * drift over the minute they take hits both alike; the figure is |A / B − 1| per pair, over several pairs.
 * The search's own precision is its 5% bracket (SEARCH_TOLERANCE), the peer every pair is read against.
 *
 *   pnpm exec tsx bench/search.ts [--pairs P] [--slo p50<=10] [--trial-ms 3000] [--threads T]
 */
import { parseArgs } from 'node:util';
import { runClosedLoop } from '../apps/agent/src/cell/closed-loop';
import { generateInputPool } from '../apps/agent/src/cell/inputs';
import { OpenLoopServer } from '../apps/agent/src/cell/open-loop';
import { createSession } from '../apps/agent/src/cell/session-options';
import {
  SEARCH_TOLERANCE,
  arrivalSchedule,
  parseSlo,
  searchStep,
  summarizeTrial,
  type LoadTrial,
  type PeakRate,
} from '../packages/core/src/index';
import { CLS, machineLine, median } from './common';

const { values } = parseArgs({
  options: {
    pairs: { type: 'string' },
    slo: { type: 'string' },
    'trial-ms': { type: 'string' },
    threads: { type: 'string' },
  },
});
const pairs = Number(values.pairs ?? 5);
const slo = parseSlo(values.slo ?? 'p50<=10');
const trialMs = Number(values['trial-ms'] ?? 3000);
const options = {
  intraOpNumThreads: Number(values.threads ?? 1),
  executionProviders: ['cpu'],
} as const;
const shape = CLS.inputs.x!;

async function main(): Promise<void> {
  const session = await createSession(CLS.path, { ...options, executionProviders: ['cpu'] });
  const pool = generateInputPool(session, { x: { shape } }, 1, 0);
  await session.release();
  const measure = { warmup: 5, minIterations: 200, minDurationMs: 2000, maxDurationMs: 20_000, seed: 0 };
  const loop = await runClosedLoop(CLS.path, options, pool, 1, measure as never);
  const capacity = loop.requests.length / (loop.durationMs / 1000);
  const server = await OpenLoopServer.start(CLS.path, options, pool, 1, 5);
  console.log(`${machineLine()}; ${CLS.name} x[${shape.join(',')}], one server, ${options.intraOpNumThreads} thread`);
  console.log(
    `closed-loop capacity ${capacity.toFixed(0)} req/s; SLO ${values.slo ?? 'p50<=10'}, ${trialMs} ms trials\n`,
  );
  console.log('pair  peak A req/s  peak B req/s  trials A+B  |A/B − 1|');
  const gaps: number[] = [];
  try {
    for (let p = 0; p < pairs; p++) {
      const trials: LoadTrial[][] = [[], []];
      const peaks: (PeakRate | undefined)[] = [undefined, undefined];
      while (!peaks[0] || !peaks[1])
        for (const i of [0, 1]) {
          if (peaks[i]) continue;
          const step = searchStep(trials[i]!, capacity);
          if ('peak' in step) peaks[i] = step.peak;
          else {
            const arrivals = arrivalSchedule(step.next, trialMs, 1);
            const times = await server.trial(arrivals, trialMs, slo);
            const input = { offeredQps: step.next, search: true, durationMs: trialMs, arrivals, slo, ...times };
            trials[i]!.push(summarizeTrial(input));
          }
        }
      const [a, b] = [peaks[0].qps ?? 0, peaks[1].qps ?? 0];
      const gap = Math.abs(a / b - 1);
      gaps.push(gap);
      const count = trials[0]!.length + trials[1]!.length;
      console.log(
        `${String(p + 1).padStart(4)}  ${a.toFixed(0).padStart(12)}  ${b.toFixed(0).padStart(12)}  ${String(count).padStart(10)}  ${(100 * gap).toFixed(1).padStart(8)}%`,
      );
    }
  } finally {
    await server.close();
  }
  const within = (limit: number) => gaps.filter((g) => g <= limit).length;
  console.log(
    `\n|A/B − 1| over ${pairs} pairs: median ${(100 * median(gaps)).toFixed(1)}%, max ${(100 * Math.max(...gaps)).toFixed(1)}%;` +
      ` within the ${100 * SEARCH_TOLERANCE}% bracket ${within(SEARCH_TOLERANCE)}/${pairs}, within 10% ${within(0.1)}/${pairs}`,
  );
}

await main();
