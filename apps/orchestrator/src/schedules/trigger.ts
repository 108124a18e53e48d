import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { runIdOf } from '../workflows/benchmark-run';
import { asBadInput } from './errors';
import { scheduleId } from './names';

/** What a trigger did: started a run, was skipped because one is still going, or is not done yet. */
export type TriggerOutcome = { started: string } | { skipped: string[] } | { pending: true };

/**
 * Runs a schedule now under its own overlap policy, SKIP: the SDK's default for a trigger is ALLOW_ALL,
 * which would run two benchmarks of one series side by side on the same agents. Temporal takes the trigger
 * asynchronously, so this watches the schedule's counters for up to `waitMs` to say what happened.
 */
export async function triggerSchedule(client: Client, name: string, waitMs = 15_000): Promise<TriggerOutcome> {
  const handle = client.schedule.getHandle(scheduleId(name));
  const before = await asBadInput(name, () => handle.describe());
  await asBadInput(name, () => handle.trigger(ScheduleOverlapPolicy.SKIP));
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    const now = await asBadInput(name, () => handle.describe());
    if (now.info.numActionsTaken > before.info.numActionsTaken) {
      const latest = now.info.recentActions.at(-1);
      if (latest) return { started: runIdOf(latest.action.workflow.workflowId) };
    }
    if (now.info.numActionsSkippedOverlap > before.info.numActionsSkippedOverlap)
      return { skipped: now.info.runningActions.map((a) => runIdOf(a.workflow.workflowId)) };
    await new Promise((r) => setTimeout(r, 250));
  }
  return { pending: true };
}
