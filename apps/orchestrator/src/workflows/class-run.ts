import {
  condition,
  continueAsNew,
  defineQuery,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { AgentActivities } from '@ortfleet/contracts';
import {
  CELL_ATTEMPTS,
  CONTROL_MEASURE,
  CONTROL_POSITIONS,
  planCells,
  validateSpec,
  type Cell,
  type CellOutcome,
  type CellStatus,
  type FleetClass,
  type ShardProgress,
  type Spec,
} from '@ortfleet/core';
import type { PersistedResult } from '../activities';
import { takeBatch } from './batches';
import { failureOutcome } from './cell-failure';
import type { ModelFileRef } from './run-input';
import { cellJob } from './cell-job';
import { orchestrator } from './run-steps';

/** One hardware class's share of a run: its cells, planned again from the snapshot the run planned with. */
export interface ClassRunInput {
  runId: string;
  spec: Spec;
  models: Record<string, Record<string, ModelFileRef>>;
  /** The fleet as the run saw it when it planned; planning is a pure function of it, so every shard agrees. */
  fleet: FleetClass[];
  hardwareClass: string;
  taskQueue: string;
  scheduleToStartMs: number;
  /** Where a continued execution goes on: the index of the next cell of this class, and the counts so far. */
  next?: number;
  byStatus?: Partial<Record<CellStatus, number>>;
  liveAgents?: number;
}

export type StatusCounts = Partial<Record<CellStatus, number>>;

export const shardProgressQuery = defineQuery<ShardProgress>('shardProgress');

/**
 * Each execution starts at most this many cells, and none once its history passes HISTORY_SOFT_LIMIT events,
 * then continues as new: a cell costs about six events (its activity's three, a share of the workflow tasks
 * and of the batched writes), so no history comes near Temporal's limits however many cells the class has.
 */
export const CELLS_PER_EXECUTION = 1_000;
const HISTORY_SOFT_LIMIT = 8_000;
/**
 * Cells in flight per live agent: one running, one queued behind it, so that an agent finishing a cell finds
 * the next one waiting instead of waiting for the shard to hear of it and send another (tens of ms a cell).
 * A queued cell holds nothing on the agent: whichever agent of the class is free first takes it.
 */
const QUEUED_AHEAD = 2;
/** A batch of results is written once this many are waiting, or the oldest has waited WRITE_AFTER_MS. */
const WRITE_BATCH = 50;
const WRITE_AFTER_MS = 2_000;
/** How often the shard asks Temporal how many agents of its class poll, so agents that join or leave count. */
export const FLEET_REFRESH_MS = 15_000;

/**
 * Runs one hardware class's cells of a run on the class's queue, with two in flight per live agent of the
 * class (looked up every FLEET_REFRESH_MS), and writes their results in batches while the next cells
 * run. When a cell finds no agent and none polls any more, the class's remaining cells end `unschedulable`
 * at once rather than each waiting out its own timeout. Returns the counts by status.
 */
export async function classRun(input: ClassRunInput): Promise<StatusCounts> {
  const { runId, taskQueue, scheduleToStartMs } = input;
  const spec = validateSpec(input.spec);
  const precisions = Object.fromEntries(
    Object.entries(input.models).map(([name, files]) => [name, Object.keys(files)]),
  );
  const cells: Cell[] = [];
  for (const p of planCells(spec, input.fleet, precisions))
    if ('dispatch' in p && p.dispatch.taskQueue === taskQueue) cells.push(p.cell);

  const byStatus: StatusCounts = { ...input.byStatus };
  let next = input.next ?? 0;
  let liveAgents = input.liveAgents ?? input.fleet.find((c) => c.taskQueue === taskQueue)?.liveAgents ?? 1;
  let running = 0;
  let closing = false;
  const unwritten: PersistedResult[] = [];
  const done = () => Object.values(byStatus).reduce((n, k) => n + (k ?? 0), 0);
  setHandler(shardProgressQuery, () => ({
    hardwareClass: input.hardwareClass,
    total: cells.length,
    done: done(),
    running,
    byStatus,
    liveAgents,
  }));

  const cellOptions = {
    taskQueue,
    scheduleToStartTimeout: scheduleToStartMs,
    // The agent enforces the cell's and the controls' timeouts itself (a cell may carry all three controls);
    // this bound only catches an agent that stopped answering.
    startToCloseTimeout:
      spec.measure.cellTimeoutMs + CONTROL_POSITIONS.length * CONTROL_MEASURE.cellTimeoutMs + 120_000,
    heartbeatTimeout: '30 seconds',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumAttempts: CELL_ATTEMPTS },
  } as const;
  const { runCell } = proxyActivities<AgentActivities>(cellOptions);
  // A cell queued ahead (see QUEUED_AHEAD) waits for an agent to finish its current cell first.
  const { runCell: runCellQueuedAhead } = proxyActivities<AgentActivities>({
    ...cellOptions,
    scheduleToStartTimeout: scheduleToStartMs + cellOptions.startToCloseTimeout,
  });

  let unwrittenSince = 0;
  const settle = (cell: Cell, outcome: CellOutcome) => {
    if (unwritten.length === 0) unwrittenSince = Date.now();
    const file = input.models[cell.params.model]?.[cell.params.precision];
    unwritten.push({ result: { cellId: cell.id, params: cell.params, ...outcome }, modelSha256: file?.sha256 });
  };

  // Results are written in batches while the lanes go on: when WRITE_BATCH have piled up, when the oldest
  // has waited WRITE_AFTER_MS (seen at the shard's next wake-up: a cell ending, or the fleet refresh), or at
  // the end. One write at a time; what piles up meanwhile is the next batch.
  const writer = (async () => {
    for (;;) {
      await condition(
        () =>
          unwritten.length >= WRITE_BATCH ||
          closing ||
          (unwritten.length > 0 && Date.now() - unwrittenSince >= WRITE_AFTER_MS),
      );
      if (unwritten.length === 0) return;
      const batch = takeBatch(unwritten);
      await orchestrator.persistResults(runId, batch);
      for (const { result } of batch) byStatus[result.status] = (byStatus[result.status] ?? 0) + 1;
    }
  })();

  const refresher = (async () => {
    while (!(await condition(() => closing, FLEET_REFRESH_MS))) liveAgents = await orchestrator.liveAgents(taskQueue);
  })();

  let agentsGone = false;
  const run = async (cell: Cell, index: number, queuedAhead: boolean) => {
    let outcome: CellOutcome;
    // Every agent runs the control at the start, middle and end of its share (docs/regressions.md): the start
    // before its first cell, the middle before its first cell of the second half, the end after one of the
    // last cells (as many as agents poll, so that each normally takes one).
    const control = {
      runId,
      middle: index >= Math.floor(cells.length / 2),
      end: index >= cells.length - Math.max(1, liveAgents),
    };
    const job = { ...cellJob(spec, input.models, cell), control };
    try {
      outcome = await (queuedAhead ? runCellQueuedAhead : runCell)(job);
    } catch (err) {
      outcome = failureOutcome(err, taskQueue, scheduleToStartMs);
      // Nobody took the cell: if nobody polls the class any more, the cells behind it would wait in vain.
      if (outcome.status === 'unschedulable') {
        liveAgents = await orchestrator.liveAgents(taskQueue);
        if (liveAgents === 0) agentsGone = true;
        // Agents poll but were busy: a task queue is not first in, first out, so the cell queued ahead beside
        // this one may have been taken first. This one now waits as long as a queued-ahead cell does.
        else if (!queuedAhead && patched('busy-class-requeue'))
          outcome = await runCellQueuedAhead(job).catch((e: unknown) =>
            failureOutcome(e, taskQueue, 2 * scheduleToStartMs + cellOptions.startToCloseTimeout),
          );
      }
    }
    settle(cell, outcome);
    running--;
  };

  const started = next;
  while (
    next < cells.length &&
    next - started < CELLS_PER_EXECUTION &&
    workflowInfo().historyLength < HISTORY_SOFT_LIMIT
  ) {
    await condition(() => running < QUEUED_AHEAD * Math.max(1, liveAgents) || agentsGone);
    if (agentsGone) break;
    const queuedAhead = running >= Math.max(1, liveAgents);
    running++;
    void run(cells[next]!, next++, queuedAhead);
  }
  if (agentsGone && next < cells.length) {
    const reason = `no agent polling ${taskQueue} picked up a cell within ${scheduleToStartMs} ms, and none polls now`;
    while (next < cells.length) settle(cells[next++]!, { status: 'unschedulable', reason });
  }
  await condition(() => running === 0);
  closing = true;
  await Promise.all([writer, refresher]);
  if (next < cells.length) await continueAsNew<typeof classRun>({ ...input, next, byStatus, liveAgents });
  return byStatus;
}

/** The id of a run's shard for one hardware class. */
export function shardWorkflowId(runWorkflowId: string, hardwareClass: string): string {
  return `${runWorkflowId}.${hardwareClass}`;
}
