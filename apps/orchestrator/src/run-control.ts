import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import protos from '@temporalio/proto';
import { BadInputError, validateSpec } from '@ortfleet/core';
import {
  AGENT_ACTIVITY,
  readCellHeartbeat,
  type LiveRun,
  type RunControl,
  type RunningCell,
} from '@ortfleet/contracts';
import { publishModels } from './models/publish';
import { resolveSpec } from './spec-file';
import { assertOrchestratorWorker, isRunId, startRun } from './start-run';
import type { TemporalHandle } from './temporal';
import { diagnoseRun } from './run-health';
import { readRunProgress } from './run-progress';

const { PendingActivityState } = protos.temporal.api.enums.v1;

/**
 * The dashboard's RunControl over Temporal: starts runs submitted through the API (model paths relative to
 * `base`, the server's working folder) and reads a run's live state from its progress queries and its shards'
 * pending activities (which agent holds which cell, from the agent's heartbeat), with what keeps it stuck.
 */

export function temporalRunControl(temporal: TemporalHandle, base: string, modelDir: string): RunControl {
  return {
    async start(raw, runId) {
      if (runId !== undefined && !isRunId(runId))
        throw new BadInputError("runId may use letters, digits, '.', '_' and '-'");
      const loaded = await resolveSpec(validateSpec(raw, 'spec'), base, 'spec');
      await assertOrchestratorWorker(temporal);
      await publishModels(loaded.models, { dir: modelDir });
      try {
        return { runId: (await startRun(temporal, loaded, { runId })).runId };
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError)
          throw new BadInputError(`a run with id '${runId}' exists already`);
        throw err;
      }
    },

    async live(workflowId): Promise<LiveRun | undefined> {
      try {
        const progress = await readRunProgress(temporal.client, workflowId);
        if (!progress) return undefined;
        // A sharded run's cells are pending in its shards' workflows; a run started before shards, in its own.
        const holders = progress.shards ?? [workflowId];
        const descriptions = await Promise.all(
          holders.map((id) =>
            temporal.client.workflow
              .getHandle(id)
              .describe()
              .catch(() => undefined),
          ),
        );
        const running: RunningCell[] = descriptions
          .flatMap((d) => d?.raw.pendingActivities ?? [])
          .filter(
            (a) =>
              a.activityType?.name === AGENT_ACTIVITY.runCell &&
              a.state === PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
          )
          .map((a) => {
            const beat = a.heartbeatDetails?.payloads?.[0];
            const details = beat ? readCellHeartbeat(defaultPayloadConverter.fromPayload(beat)) : {};
            const started = a.lastStartedTime?.seconds;
            return {
              cellId: details.cellId ?? null,
              agentId: a.lastWorkerIdentity || null,
              phase: details.phase ?? null,
              attempt: a.attempt ?? 1,
              startedAt: started ? new Date(Number(started) * 1000).toISOString() : null,
            };
          });
        const problems = await diagnoseRun(temporal.client, temporal.namespace, workflowId).catch(() => []);
        return { total: progress.total, running, problems };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      }
    },
  };
}
