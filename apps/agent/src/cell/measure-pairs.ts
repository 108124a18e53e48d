import type { PairsJob, PairsOutcome } from '@ortfleet/contracts';
import { LatencyRecorder, type MeasuredPair } from '@ortfleet/core';
import { openContender, timedRun, type Contender } from './contender';

type Side = 'A' | 'B';

/**
 * Measures a same-night A/B confirmation in this process (docs/regressions.md): the previous model file (A) and
 * the new one (B) in a session each, with the cell's session options and seeded inputs, warmed up in turns, then
 * one block a pair. Within a block the two alternate run by run in the pair's order (ABAB… or BABA…) until each
 * side has the measure's minimum iterations and the block twice its minimum duration (at most twice its
 * maximum); the pair is the two sides' p50s. Run by run, both files meet the machine as it is at that moment
 * (a noisy neighbour, the core, the clock), which a process per side, seconds apart, does not (bench/ab.ts).
 */
export async function measurePairsHere(job: PairsJob): Promise<Omit<PairsOutcome, 'agentId'>> {
  const pairs: MeasuredPair[] = [];
  const sides: Partial<Record<Side, Contender>> = {};
  try {
    for (const [side, file] of [
      ['A', job.previous.modelPath],
      ['B', job.current.modelPath],
    ] as const) {
      try {
        sides[side] = await openContender(file, job.cell, job.inputs, job.measure.seed);
      } catch (err) {
        return { pairs, reason: `${side} (${file}): session creation failed: ${(err as Error).message}` };
      }
    }
    const both = sides as Record<Side, Contender>;
    const { measure } = job;
    for (let i = 0; i < measure.warmup; i++) for (const side of [both.A, both.B]) await timedRun(side);
    for (const order of job.orders) {
      const turns: Side[] = order === 'AB' ? ['A', 'B'] : ['B', 'A'];
      const times = { A: new LatencyRecorder(), B: new LatencyRecorder() };
      const start = performance.now();
      let elapsed = 0;
      while (
        (times.A.count < measure.minIterations ||
          times.B.count < measure.minIterations ||
          elapsed < 2 * measure.minDurationMs) &&
        elapsed < 2 * measure.maxDurationMs
      ) {
        for (const side of turns) times[side].record(await timedRun(both[side]), performance.now() - start);
        elapsed = performance.now() - start;
      }
      pairs.push({ order, aP50Ms: times.A.finish().stats.p50Ms, bP50Ms: times.B.finish().stats.p50Ms });
    }
    return { pairs };
  } catch (err) {
    return { pairs, reason: `a run failed: ${(err as Error).message}` };
  } finally {
    for (const side of Object.values(sides)) await side.session.release();
  }
}
