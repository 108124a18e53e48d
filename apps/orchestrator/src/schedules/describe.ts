import type { Client, ScheduleDescription, ScheduleExecutionResult } from '@temporalio/client';
import { runIdOf, type BenchmarkRunInput } from '../workflows/benchmark-run';
import { formatDuration } from './duration';
import { asBadInput } from './errors';
import type { ScheduleMemo } from './manage';
import { scheduleId, scheduleNameOf } from './names';

/** A run a schedule started: its run id, its workflow id, and its Temporal status when still known. */
export interface ScheduledRun {
  runId: string;
  workflowId: string;
  scheduledAt: string;
  takenAt: string;
  /** Temporal's workflow status in lower case (running, completed, failed, terminated...), or unknown. */
  status: string;
}

/** A schedule as `schedule describe` shows it. */
export interface ScheduleView {
  name: string;
  scheduleId: string;
  specName?: string;
  specFile?: string;
  /** model name → precision → file path. */
  models: Record<string, Record<string, string>>;
  cron: string[];
  timezone: string;
  catchupWindow: string;
  overlap: string;
  paused: boolean;
  note?: string;
  /** Oldest first, as Temporal keeps them (its last ten). */
  recentRuns: ScheduledRun[];
  runningRunIds: string[];
  nextRuns: string[];
  actionsTaken: number;
  skippedForOverlap: number;
  missedCatchupWindow: number;
}

/** A schedule as one line of `schedule list`. */
export interface ScheduleListItem {
  name: string;
  cron: string[];
  timezone: string;
  paused: boolean;
  nextRun: string | null;
  lastRun: ScheduledRun | null;
}

async function scheduledRun(client: Client, result: ScheduleExecutionResult): Promise<ScheduledRun> {
  const { workflowId, firstExecutionRunId } = result.action.workflow;
  const status = await client.workflow
    .getHandle(workflowId, firstExecutionRunId)
    .describe()
    .then((d) => d.status.name.toLowerCase())
    // Past the namespace's retention Temporal forgets the workflow; the runs table still has it.
    .catch(() => 'unknown');
  return {
    runId: runIdOf(workflowId),
    workflowId,
    scheduledAt: result.scheduledAt.toISOString(),
    takenAt: result.takenAt.toISOString(),
    status,
  };
}

function view(name: string, d: ScheduleDescription, recentRuns: ScheduledRun[]): ScheduleView {
  const input = d.action.args?.[0] as BenchmarkRunInput | undefined;
  const memo = d.action.memo as Partial<ScheduleMemo> | undefined;
  return {
    name,
    scheduleId: d.scheduleId,
    specName: input?.spec.name,
    specFile: memo?.specFile,
    models: Object.fromEntries(
      Object.entries(input?.models ?? {}).map(([model, files]) => [
        model,
        Object.fromEntries(Object.entries(files).map(([p, f]) => [p, f.path])),
      ]),
    ),
    cron: memo?.cron ?? [],
    timezone: d.spec.timezone ?? 'UTC',
    catchupWindow: formatDuration(d.policies.catchupWindow),
    // Unspecified is the server's default, which is SKIP.
    overlap: d.policies.overlap ?? 'SKIP',
    paused: d.state.paused,
    note: d.state.note || undefined,
    recentRuns,
    runningRunIds: d.info.runningActions.map((a) => runIdOf(a.workflow.workflowId)),
    nextRuns: d.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()),
    actionsTaken: d.info.numActionsTaken,
    skippedForOverlap: d.info.numActionsSkippedOverlap,
    missedCatchupWindow: d.info.numActionsMissedCatchupWindow,
  };
}

/** One schedule, with the status of each run it started recently; `recent` caps how many are looked up. */
export async function describeSchedule(client: Client, name: string, recent = 10): Promise<ScheduleView> {
  const d = await asBadInput(name, () => client.schedule.getHandle(scheduleId(name)).describe());
  const runs = await Promise.all(
    d.info.recentActions.slice(recent > 0 ? -recent : d.info.recentActions.length).map((r) => scheduledRun(client, r)),
  );
  return view(name, d, runs);
}

/**
 * Every ortfleet schedule, by name. Temporal lists schedules from its visibility store, which lags a write by
 * a moment; each one is then described, and one deleted in between is left out.
 */
export async function listSchedules(client: Client): Promise<ScheduleListItem[]> {
  const names: string[] = [];
  for await (const summary of client.schedule.list()) {
    const name = scheduleNameOf(summary.scheduleId);
    if (name !== undefined) names.push(name);
  }
  names.sort();
  const items = await Promise.all(
    names.map((name) =>
      describeSchedule(client, name, 1).then(
        (v): ScheduleListItem => ({
          name,
          cron: v.cron,
          timezone: v.timezone,
          paused: v.paused,
          nextRun: v.nextRuns[0] ?? null,
          lastRun: v.recentRuns.at(-1) ?? null,
        }),
        () => undefined,
      ),
    ),
  );
  return items.filter((i) => i !== undefined);
}
