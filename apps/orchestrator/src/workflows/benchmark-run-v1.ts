import { patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { AgentActivities } from '@ortfleet/contracts';
import {
  CELL_ATTEMPTS,
  compactResult,
  fleetEps,
  planCells,
  validateSpec,
  type CellOutcome,
  type CellResult,
  type RunProgress,
  type RunSummary,
} from '@ortfleet/core';
import { failureOutcome } from './cell-failure';
import { DEFAULT_SCHEDULE_TO_START_MS, progressQuery, runIdOf, type BenchmarkRunInput } from './run-input';
import { cellJob } from './cell-job';
import { judgeAndAlert, orchestrator } from './run-steps';

/**
 * A benchmark run as the first release ran it, all in one workflow. Kept unchanged so that runs started before
 * runs were split by hardware class replay: new runs take benchmarkRun's sharded path (patch 'sharded-run').
 *
 * One benchmark run: plans the matrix against the fleet, sends each runnable cell to its hardware class's
 * queue (no more cells in flight per class than it has live agents, so a queued cell never waits behind
 * another), persists every outcome, and returns the summary. Every cell ends with exactly one result.
 */
export async function benchmarkRunV1(input: BenchmarkRunInput): Promise<RunSummary> {
  const { workflowId } = workflowInfo();
  const runId = input.runId ?? runIdOf(workflowId);
  // Re-validating fills defaults for knobs added after a run was started, so an older run replays the same.
  const spec = validateSpec(input.spec);
  const startedAt = new Date().toISOString();
  const scheduleToStartMs = input.scheduleToStartMs ?? DEFAULT_SCHEDULE_TO_START_MS;
  const progress: RunProgress = { runId, total: 0, done: 0, running: 0, byStatus: {}, finished: false };
  setHandler(progressQuery, () => progress);

  await orchestrator.createRun({
    id: runId,
    name: spec.name,
    spec,
    schedule: input.schedule,
    workflowId: workflowId === runId ? undefined : workflowId,
  });
  const fleet = await orchestrator.loadFleet();
  const precisions = Object.fromEntries(
    Object.entries(input.models).map(([name, files]) => [name, Object.keys(files)]),
  );
  const planned = planCells(spec, fleet, precisions);
  progress.total = planned.length;
  const results: CellResult[] = new Array(planned.length);

  const settle = async (index: number, result: CellResult) => {
    const file = input.models[result.params.model]?.[result.params.precision];
    await orchestrator.persistResult(runId, result, file?.sha256);
    // Details stay in the database; the summary keeps the figures, so a workflow result stays small.
    results[index] = compactResult(result);
    progress.done++;
    progress.byStatus[result.status] = (progress.byStatus[result.status] ?? 0) + 1;
  };

  const agentWork = (taskQueue: string) =>
    proxyActivities<AgentActivities>({
      taskQueue,
      scheduleToStartTimeout: scheduleToStartMs,
      // The agent enforces the cell timeout itself; this bound only catches an agent that stopped answering.
      startToCloseTimeout: spec.measure.cellTimeoutMs + 120_000,
      heartbeatTimeout: '30 seconds',
      retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumAttempts: CELL_ATTEMPTS },
    });

  const queues = new Map<string, number[]>();
  const settledNow: Promise<void>[] = [];
  planned.forEach((p, index) => {
    if ('settled' in p) settledNow.push(settle(index, { cellId: p.cell.id, params: p.cell.params, ...p.settled }));
    else queues.set(p.dispatch.taskQueue, [...(queues.get(p.dispatch.taskQueue) ?? []), index]);
  });

  const lanes: Promise<void>[] = [];
  for (const [taskQueue, indices] of queues) {
    const { runCell } = agentWork(taskQueue);
    const liveAgents = fleet.find((c) => c.taskQueue === taskQueue)?.liveAgents ?? 1;
    const lane = async () => {
      for (let index = indices.shift(); index !== undefined; index = indices.shift()) {
        const { cell } = planned[index]!;
        progress.running++;
        let outcome: CellOutcome;
        try {
          outcome = await runCell(cellJob(spec, input.models, cell));
        } catch (err) {
          outcome = failureOutcome(err, taskQueue, scheduleToStartMs);
        } finally {
          progress.running--;
        }
        await settle(index, { cellId: cell.id, params: cell.params, ...outcome });
      }
    };
    for (let i = 0; i < Math.max(1, liveAgents); i++) lanes.push(lane());
  }
  await Promise.all([...settledNow, ...lanes]);

  const bad = results.some((r) => r.status !== 'ok' && r.status !== 'unsupported');
  const status = bad ? 'completed_with_failures' : 'completed';
  await orchestrator.finishRun(runId, status);
  // Runs started before judging existed replay without it.
  if (patched('judge-run')) await judgeAndAlert(runId, workflowId, input);
  progress.finished = true;
  return {
    runId,
    name: spec.name,
    status,
    startedAt,
    finishedAt: new Date().toISOString(),
    fleetEps: fleetEps(fleet),
    total: planned.length,
    byStatus: progress.byStatus,
    cells: results,
  };
}
