import { ActivityFailure, ApplicationFailure, TimeoutFailure, TimeoutType } from '@temporalio/common';
import type { CellOutcome } from '@ortfleet/core';

/** The outcome of a cell whose runCell activity failed for good: nobody took it, or every attempt was lost. */
export function failureOutcome(err: unknown, taskQueue: string, scheduleToStartMs: number): CellOutcome {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof TimeoutFailure && cause.timeoutType === TimeoutType.SCHEDULE_TO_START)
    return {
      status: 'unschedulable',
      reason: `no agent polling ${taskQueue} picked the cell up within ${scheduleToStartMs} ms`,
    };
  const message = cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : String(cause);
  return { status: 'crashed', reason: `agent lost or failed on every attempt: ${message}` };
}
