import { randomBytes } from 'node:crypto';
import protos from '@temporalio/proto';
import { BadInputError, ORCHESTRATOR_QUEUE } from '@ortfleet/core';
import type { LoadedSpec } from './spec-file';
import type { TemporalHandle } from './temporal';
import { benchmarkRun } from './workflows';

const RUN_ID = /^[A-Za-z0-9._-]{1,200}$/;

/** Whether a string may be a run id (it is also the workflow id and appears in URLs). */
export function isRunId(id: string): boolean {
  return RUN_ID.test(id);
}

/** A run id from the spec's name, the time and a random suffix: readable and unique. */
export function makeRunId(name: string): string {
  const slug =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'run';
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  return `${slug}-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** Refuses to start a run that no orchestrator worker would ever pick up. */
export async function assertOrchestratorWorker(temporal: TemporalHandle): Promise<void> {
  const res = await temporal.client.workflowService.describeTaskQueue({
    namespace: temporal.namespace,
    taskQueue: { name: ORCHESTRATOR_QUEUE, kind: protos.temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: protos.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  if ((res.pollers ?? []).length === 0)
    throw new BadInputError(
      `no orchestrator worker polls '${ORCHESTRATOR_QUEUE}' on ${temporal.address}; start one with \`ortfleet worker\``,
    );
}

/** Starts the benchmarkRun workflow for a loaded spec; the workflow id is the run id. */
export async function startRun(
  temporal: TemporalHandle,
  loaded: LoadedSpec,
  opts: { runId?: string; scheduleToStartMs?: number } = {},
) {
  const runId = opts.runId ?? makeRunId(loaded.spec.name);
  const handle = await temporal.client.workflow.start(benchmarkRun, {
    taskQueue: ORCHESTRATOR_QUEUE,
    workflowId: runId,
    args: [{ runId, spec: loaded.spec, models: loaded.models, scheduleToStartMs: opts.scheduleToStartMs }],
  });
  return { runId, handle };
}
