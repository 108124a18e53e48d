import type { Client } from '@temporalio/client';
import type { CellStatus, RunProgress, ShardProgress } from '@ortfleet/core';
import { progressQuery, shardProgressQuery } from './workflows';

/** A run's progress with its shards' counts added in, and each shard's own. */
export type FullProgress = RunProgress & { byShard: ShardProgress[] };

/**
 * Asks a run's workflow and each of its shards (one per hardware class) for their counts, and adds them up.
 * A run started before runs had shards answers alone. Undefined while the run's workflow cannot answer yet.
 */
export async function readRunProgress(client: Client, workflowId: string): Promise<FullProgress | undefined> {
  const run = await client.workflow
    .getHandle(workflowId)
    .query(progressQuery)
    .catch(() => undefined);
  if (!run) return undefined;
  const byShard = (
    await Promise.all(
      (run.shards ?? []).map((id) =>
        client.workflow
          .getHandle(id)
          .query(shardProgressQuery)
          // A shard that cannot answer yet counts as nothing done.
          .catch(() => undefined),
      ),
    )
  ).filter((s): s is ShardProgress => s !== undefined);
  const byStatus = { ...run.byStatus };
  for (const shard of byShard)
    for (const [status, n] of Object.entries(shard.byStatus) as [CellStatus, number][])
      byStatus[status] = (byStatus[status] ?? 0) + n;
  return {
    ...run,
    done: run.done + byShard.reduce((n, s) => n + s.done, 0),
    running: run.running + byShard.reduce((n, s) => n + s.running, 0),
    byStatus,
    byShard,
  };
}
