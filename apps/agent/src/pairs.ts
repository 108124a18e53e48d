/**
 * A same-night A/B confirmation on this agent (docs/regressions.md): the previous model file and the new one,
 * both in one child process, measured in interleaved pairs (cell/measure-pairs.ts).
 */
import type { PairsJob, PairsOutcome } from '@ortfleet/contracts';
import { runIsolated } from './cell/isolated';
import type { ModelCache } from './models/cache';

/**
 * The child's bound: a block of a pair runs at most twice the measure's maximum duration, and the sessions'
 * creation, warm-up and inputs are given one cell timeout.
 */
export function pairsTimeoutMs(job: Pick<PairsJob, 'measure' | 'orders'>): number {
  return job.measure.cellTimeoutMs + job.orders.length * 2 * job.measure.maxDurationMs;
}

/** Makes both model files local and measures the job's pairs; a child that dies ends the pairs, with the reason. */
export async function measurePairs(
  job: PairsJob,
  agent: { agentId: string; models: ModelCache; memoryLimitBytes: number; signal?: AbortSignal },
): Promise<PairsOutcome> {
  const keep = [job.previous.modelSha256, job.current.modelSha256].filter((h): h is string => h !== undefined);
  const previous = await agent.models.resolve({ path: job.previous.modelPath, sha256: job.previous.modelSha256 }, keep);
  const current = await agent.models.resolve({ path: job.current.modelPath, sha256: job.current.modelSha256 }, keep);
  const end = await runIsolated(
    {
      kind: 'pairs',
      ...job,
      previous: { ...job.previous, modelPath: previous },
      current: { ...job.current, modelPath: current },
    },
    { timeoutMs: pairsTimeoutMs(job), memoryLimitBytes: agent.memoryLimitBytes, signal: agent.signal },
  );
  if (end.kind === 'died') return { agentId: agent.agentId, pairs: [], reason: `pairs ${end.status}: ${end.reason}` };
  if (end.message.type !== 'pairs')
    return { agentId: agent.agentId, pairs: [], reason: `pairs process answered '${end.message.type}'` };
  return { agentId: agent.agentId, ...end.message.outcome };
}
