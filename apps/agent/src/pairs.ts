/**
 * A same-night A/B confirmation on this agent (docs/regressions.md): the previous model file and the new one,
 * each measured in a fresh child process as a cell is, pair by pair in the job's orders.
 */
import type { PairsJob, PairsOutcome } from '@ortfleet/contracts';
import type { MeasuredPair } from '@ortfleet/core';
import { runCellIsolated } from './cell/isolated';
import type { ModelCache } from './models/cache';

/** Measures the job's pairs in order; a side that does not end ok ends the pairs, with the reason. */
export async function measurePairs(
  job: PairsJob,
  agent: { agentId: string; models: ModelCache; memoryLimitBytes: number; signal?: AbortSignal },
  onPair: (done: number) => void = () => {},
): Promise<PairsOutcome> {
  const keep = [job.previous.modelSha256, job.current.modelSha256].filter((h): h is string => h !== undefined);
  const files = {
    A: await agent.models.resolve({ path: job.previous.modelPath, sha256: job.previous.modelSha256 }, keep),
    B: await agent.models.resolve({ path: job.current.modelPath, sha256: job.current.modelSha256 }, keep),
  };
  const p50 = async (side: 'A' | 'B'): Promise<number | string> => {
    const outcome = await runCellIsolated(
      { kind: 'cell', cell: job.cell, modelPath: files[side], inputs: job.inputs, measure: job.measure },
      { timeoutMs: job.measure.cellTimeoutMs, memoryLimitBytes: agent.memoryLimitBytes, signal: agent.signal },
    );
    const m = outcome.measurement;
    return outcome.status === 'ok' && m ? m.stats.p50Ms : `${side} ended ${outcome.status}: ${outcome.reason ?? ''}`;
  };
  const pairs: MeasuredPair[] = [];
  for (const order of job.orders) {
    const measured: Partial<Record<'A' | 'B', number>> = {};
    for (const side of order === 'AB' ? (['A', 'B'] as const) : (['B', 'A'] as const)) {
      const ms = await p50(side);
      if (typeof ms === 'string') return { agentId: agent.agentId, pairs, reason: ms };
      measured[side] = ms;
    }
    pairs.push({ order, aP50Ms: measured.A!, bP50Ms: measured.B! });
    onPair(pairs.length);
  }
  return { agentId: agent.agentId, pairs };
}
