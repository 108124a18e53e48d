import { patched, setHandler, startChild, workflowInfo } from '@temporalio/workflow';
import { fleetEps, planCells, validateSpec, type CellStatus, type RunProgress, type RunTotals } from '@ortfleet/core';
import type { PersistedResult } from '../activities';
import { takeBatch } from './batches';
import { benchmarkRunV1 } from './benchmark-run-v1';
import { classRun, shardWorkflowId, type StatusCounts } from './class-run';
import { DEFAULT_SCHEDULE_TO_START_MS, progressQuery, runIdOf, type BenchmarkRunInput } from './run-input';
import { judgeAndAlert, orchestrator } from './run-steps';

export { progressQuery, runIdOf, type BenchmarkRunInput, type ModelFileRef } from './run-input';

const FAILED: readonly CellStatus[] = ['failed', 'crashed', 'timeout', 'unschedulable'];

/**
 * One benchmark run: plans the matrix against the fleet, writes the cells it can settle at once
 * (`unsupported`, `unschedulable`) in batches, and hands each hardware class's cells to a child workflow
 * (classRun) that runs them on the class's queue. Then marks the run finished and judges it. Every cell ends
 * with exactly one result row; the workflow returns counts, never the cells, so its size does not grow with
 * the matrix.
 */
export async function benchmarkRun(input: BenchmarkRunInput): Promise<RunTotals> {
  if (!patched('sharded-run')) return benchmarkRunV1(input);
  const { workflowId } = workflowInfo();
  const runId = input.runId ?? runIdOf(workflowId);
  // Re-validating fills defaults for knobs added after a run was started, so an older run replays the same.
  const spec = validateSpec(input.spec);
  const startedAt = new Date().toISOString();
  const scheduleToStartMs = input.scheduleToStartMs ?? DEFAULT_SCHEDULE_TO_START_MS;
  const progress: RunProgress = { runId, total: 0, done: 0, running: 0, byStatus: {}, finished: false, shards: [] };
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

  // A shard per class with cells to run, started first so that agents begin while the settled cells are written.
  const shards = [];
  for (const fleetClass of fleet) {
    if (!planned.some((p) => 'dispatch' in p && p.dispatch.taskQueue === fleetClass.taskQueue)) continue;
    const id = shardWorkflowId(workflowId, fleetClass.hardwareClass);
    progress.shards!.push(id);
    shards.push(
      await startChild(classRun, {
        workflowId: id,
        args: [
          {
            runId,
            spec,
            models: input.models,
            fleet,
            hardwareClass: fleetClass.hardwareClass,
            taskQueue: fleetClass.taskQueue,
            scheduleToStartMs,
          },
        ],
      }),
    );
  }

  const settled: PersistedResult[] = [];
  for (const p of planned)
    if ('settled' in p) settled.push({ result: { cellId: p.cell.id, params: p.cell.params, ...p.settled } });
  while (settled.length > 0) {
    const batch = takeBatch(settled);
    await orchestrator.persistResults(runId, batch);
    for (const { result } of batch) progress.byStatus[result.status] = (progress.byStatus[result.status] ?? 0) + 1;
    progress.done += batch.length;
  }

  const byStatus: StatusCounts = { ...progress.byStatus };
  for (const counts of await Promise.all(shards.map((s) => s.result())))
    for (const [status, n] of Object.entries(counts) as [CellStatus, number][])
      byStatus[status] = (byStatus[status] ?? 0) + n;

  const status = FAILED.some((s) => (byStatus[s] ?? 0) > 0) ? 'completed_with_failures' : 'completed';
  await orchestrator.finishRun(runId, status);
  await judgeAndAlert(runId, workflowId, input);
  progress.finished = true;
  return {
    runId,
    name: spec.name,
    status,
    startedAt,
    finishedAt: new Date().toISOString(),
    fleetEps: fleetEps(fleet),
    total: planned.length,
    byStatus,
  };
}
