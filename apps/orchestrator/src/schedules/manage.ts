import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptionsStartWorkflowAction,
} from '@temporalio/client';
import { ORCHESTRATOR_QUEUE } from '@ortfleet/core';
import type { LoadedSpec } from '../spec-file';
import { benchmarkRun } from '../workflows';
import type { BenchmarkRunInput } from '../workflows/benchmark-run';
import { asBadInput } from './errors';
import { scheduleId } from './names';

/** What `schedule create` asks for, checked: cron expressions, time zone and catch-up window are valid. */
export interface ScheduleDefinition {
  name: string;
  /** The spec as read now: later edits to the file change nothing until the schedule is created again. */
  loaded: LoadedSpec;
  /** The spec file's absolute path, kept for `describe`. */
  specFile: string;
  cron: string[];
  timezone: string;
  catchupWindowMs: number;
  /** Pause it; when false, an existing schedule stays paused or running as it was. */
  paused: boolean;
  note?: string;
  /** Webhooks told about each run's regressions. */
  alerts?: BenchmarkRunInput['alerts'];
}

/** What the schedule keeps beside its action, for `describe` and `list` (Temporal keeps the cron only compiled). */
export type ScheduleMemo = {
  cron: string[];
  specFile: string;
};

/**
 * Starts benchmarkRun on the orchestrator's queue with the spec and the schedule's name and no run id: the
 * workflow takes its run id from the id Temporal gives each scheduled workflow, `NAME-<scheduled time>`.
 */
function runAction(def: ScheduleDefinition): ScheduleOptionsStartWorkflowAction<typeof benchmarkRun> {
  const input: BenchmarkRunInput = {
    spec: def.loaded.spec,
    models: def.loaded.models,
    schedule: def.name,
    alerts: def.alerts,
  };
  const memo: ScheduleMemo = { cron: def.cron, specFile: def.specFile };
  return {
    type: 'startWorkflow',
    workflowType: benchmarkRun,
    taskQueue: ORCHESTRATOR_QUEUE,
    workflowId: def.name,
    args: [input],
    memo,
  };
}

/**
 * Creates the schedule, or updates it in place when it exists (its spec, action and policies; its actions so
 * far and its paused state are kept). A run never overlaps the previous one (SKIP), and a time missed while
 * Temporal was down is still taken within the catch-up window.
 */
export async function upsertSchedule(client: Client, def: ScheduleDefinition): Promise<'created' | 'updated'> {
  const id = scheduleId(def.name);
  const spec = { cronExpressions: def.cron, timezone: def.timezone };
  const action = runAction(def);
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: def.catchupWindowMs };
  try {
    await asBadInput(def.name, () =>
      client.schedule.create({ scheduleId: id, spec, action, policies, state: { paused: def.paused, note: def.note } }),
    );
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await asBadInput(def.name, () =>
    client.schedule.getHandle(id).update((previous) => ({
      spec,
      action,
      policies,
      state: {
        paused: def.paused || previous.state.paused,
        note: def.note ?? previous.state.note,
        remainingActions: previous.state.remainingActions,
      },
    })),
  );
  return 'updated';
}

/** Pauses a schedule: no time fires until it is unpaused (`trigger` still runs it). */
export async function pauseSchedule(client: Client, name: string, note?: string): Promise<void> {
  await asBadInput(name, () =>
    client.schedule.getHandle(scheduleId(name)).pause(note ?? 'paused with `ortfleet schedule pause`'),
  );
}

/** Unpauses a schedule; the next time in its cron fires, missed ones are not made up. */
export async function unpauseSchedule(client: Client, name: string): Promise<void> {
  await asBadInput(name, () =>
    client.schedule.getHandle(scheduleId(name)).unpause('unpaused with `ortfleet schedule unpause`'),
  );
}

/** Deletes a schedule; the runs it started, finished or not, are left alone. */
export async function deleteSchedule(client: Client, name: string): Promise<void> {
  await asBadInput(name, () => client.schedule.getHandle(scheduleId(name)).delete());
}
