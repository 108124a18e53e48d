import { desc, eq } from 'drizzle-orm';
import type { Db } from '../client';
import { runs, RUN_STATUSES } from './table';

/** Records a run as started; a second call for the same id (a retried activity) changes nothing. */
export async function createRun(
  db: Db,
  run: { id: string; name: string; spec: unknown; schedule?: string; workflowId?: string },
): Promise<void> {
  await db.insert(runs).values(run).onConflictDoNothing({ target: runs.id });
}

/** Marks a run finished with its final status. */
export async function finishRun(db: Db, id: string, status: (typeof RUN_STATUSES)[number]): Promise<void> {
  await db.update(runs).set({ status, finishedAt: new Date() }).where(eq(runs.id, id));
}

/** One run by id, or undefined. */
export async function getRun(db: Db, id: string) {
  const [row] = await db.select().from(runs).where(eq(runs.id, id));
  return row;
}

/** The most recent runs, newest first, without their specs. */
export async function listRuns(db: Db, limit = 100) {
  return db
    .select({
      id: runs.id,
      name: runs.name,
      status: runs.status,
      schedule: runs.schedule,
      startedAt: runs.startedAt,
      finishedAt: runs.finishedAt,
    })
    .from(runs)
    .orderBy(desc(runs.startedAt))
    .limit(limit);
}
