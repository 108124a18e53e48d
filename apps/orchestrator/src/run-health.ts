import type { Client } from '@temporalio/client';
import protos from '@temporalio/proto';
import { AGENT_ACTIVITY } from '@ortfleet/contracts';

const { PendingActivityState, PendingWorkflowTaskState, WorkflowTaskFailedCause } = protos.temporal.api.enums.v1;

/** How long work may wait for a taker before a run counts as stuck: longer than any healthy hand-over. */
export const STUCK_AFTER_MS = 30_000;
/** A database write that has failed this many times is worth telling about. */
const WRITE_ATTEMPTS_WORTH_TELLING = 3;

type Timestamp = { seconds?: unknown; nanos?: number | null } | null | undefined;

function ageMs(t: Timestamp, now: number): number {
  return t?.seconds === undefined ? 0 : now - Number(t.seconds) * 1000 - Math.round((t.nanos ?? 0) / 1e6);
}

/** The newest workflow-task failure in a workflow's history: its cause and message. */
async function lastTaskFailure(client: Client, namespace: string, workflowId: string): Promise<string> {
  const res = await client.workflowService.getWorkflowExecutionHistoryReverse({
    namespace,
    execution: { workflowId },
    maximumPageSize: 50,
  });
  const failed = res.history?.events?.find(
    (e) => e.workflowTaskFailedEventAttributes,
  )?.workflowTaskFailedEventAttributes;
  if (!failed) return 'no failure recorded yet';
  const cause =
    WorkflowTaskFailedCause[failed.cause ?? 0]?.replace(/^WORKFLOW_TASK_FAILED_CAUSE_/, '') ?? String(failed.cause);
  return `${cause}: ${failed.failure?.message ?? 'no message'}`;
}

/** What keeps one workflow of a run from going on, if anything. */
async function workflowProblems(
  client: Client,
  namespace: string,
  workflowId: string,
  now: number,
): Promise<{ problems: string[]; children: string[] }> {
  const { raw } = await client.workflow.getHandle(workflowId).describe();
  const problems: string[] = [];
  const task = raw.pendingWorkflowTask;
  if (task && (task.attempt ?? 1) >= 2)
    problems.push(
      `workflow ${workflowId}: its workflow task has failed ${task.attempt! - 1} time(s) and is retried until fixed (${await lastTaskFailure(client, namespace, workflowId)})`,
    );
  else if (
    task &&
    task.state === PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED &&
    ageMs(task.originalScheduledTime ?? task.scheduledTime, now) > STUCK_AFTER_MS
  )
    problems.push(
      `workflow ${workflowId}: no orchestrator worker has taken its workflow task for ${Math.round(ageMs(task.originalScheduledTime ?? task.scheduledTime, now) / 1000)} s; is \`ortfleet worker\` running against this Temporal namespace?`,
    );
  // Cells queue behind running ones by design; waiting is a problem only when no agent works on any of them.
  const cells = (raw.pendingActivities ?? []).filter((a) => a.activityType?.name === AGENT_ACTIVITY.runCell);
  const working = cells.some((a) => a.state === PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
  const waiting = cells.filter(
    (a) =>
      a.state === PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED && ageMs(a.scheduledTime, now) > STUCK_AFTER_MS,
  );
  if (!working && waiting.length > 0) {
    const longest = Math.max(...waiting.map((a) => ageMs(a.scheduledTime, now)));
    problems.push(
      `workflow ${workflowId}: ${waiting.length} cell(s) have waited up to ${Math.round(longest / 1000)} s for an agent of the class, and none works on this run: its agents are gone or busy elsewhere (a cell nobody takes ends unschedulable)`,
    );
  }
  for (const a of raw.pendingActivities ?? [])
    if (a.activityType?.name !== AGENT_ACTIVITY.runCell && (a.attempt ?? 1) >= WRITE_ATTEMPTS_WORTH_TELLING)
      problems.push(
        `workflow ${workflowId}: ${a.activityType?.name ?? 'an activity'} has failed ${a.attempt! - 1} times and is retried (${a.lastFailure?.message ?? 'no message'})`,
      );
  return {
    problems,
    children: (raw.pendingChildren ?? []).map((c) => c.workflowId).filter((id): id is string => Boolean(id)),
  };
}

/**
 * What keeps a run from making progress, in words, for the run's workflow and each shard it is waiting on: a
 * workflow task that keeps failing (with Temporal's cause), a workflow task no orchestrator worker takes,
 * cells no agent takes, and database writes that keep failing. Empty when the run is moving.
 */
export async function diagnoseRun(
  client: Client,
  namespace: string,
  workflowId: string,
  now = Date.now(),
): Promise<string[]> {
  const run = await workflowProblems(client, namespace, workflowId, now);
  const shards = await Promise.all(
    run.children.map((id) =>
      workflowProblems(client, namespace, id, now).catch(() => ({ problems: [], children: [] })),
    ),
  );
  return [...run.problems, ...shards.flatMap((s) => s.problems)];
}
