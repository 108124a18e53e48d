import { getRun, runResultCounts, type Db } from '@ortfleet/db';
import { NotFound } from '../errors';
import type { LiveRun, RunControl } from '@ortfleet/contracts';

/**
 * A run's progress: counts by status and by agent from the database (what is recorded), and from Temporal,
 * when reachable, the total and the cells agents are on now.
 */
export async function loadProgress(db: Db, runId: string, control?: RunControl) {
  const run = await getRun(db, runId);
  if (!run) throw new NotFound(`no run '${runId}'`);
  const counts = await runResultCounts(db, runId);
  const byStatus: Record<string, number> = {};
  const byAgent: Record<string, Record<string, number>> = {};
  for (const c of counts) {
    byStatus[c.status] = (byStatus[c.status] ?? 0) + c.count;
    const agent = (byAgent[c.agentId ?? 'none'] ??= {});
    agent[c.status] = (agent[c.status] ?? 0) + c.count;
  }
  const recorded = counts.reduce((n, c) => n + c.count, 0);
  let live: LiveRun | undefined;
  if (run.status === 'running' && control) live = await control.live(run.workflowId ?? runId).catch(() => undefined);
  return {
    runId,
    status: run.status,
    recorded,
    total: live?.total ?? (run.status === 'running' ? null : recorded),
    byStatus,
    byAgent,
    running: live?.running ?? null,
    problems: live?.problems ?? [],
  };
}

export type RunProgressView = Awaited<ReturnType<typeof loadProgress>>;
