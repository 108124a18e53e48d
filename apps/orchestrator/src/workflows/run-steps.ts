import { ParentClosePolicy, proxyActivities, startChild } from '@temporalio/workflow';
import type { Cell, Spec } from '@ortfleet/core';
import type { CellJob } from '@ortfleet/contracts';
import type { OrchestratorActivities } from '../activities';
import type { BenchmarkRunInput, ModelFileRef } from './run-input';
import { sendAlerts } from './send-alerts';

// Database writes retry until the database is back: a result is never dropped because Postgres blinked.
export const orchestrator = proxyActivities<OrchestratorActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// Judging a large run tests every series: it gets longer than a database write.
const judging = proxyActivities<OrchestratorActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/** What an agent needs to run a cell: its model file, the fp32 reference, the inputs and how to measure. */
export function cellJob(spec: Spec, models: Record<string, Record<string, ModelFileRef>>, cell: Cell): CellJob {
  const model = spec.models.find((m) => m.name === cell.params.model)!;
  const files = models[cell.params.model]!;
  const file = files[cell.params.precision]!;
  const reference = files.fp32;
  return {
    cell,
    modelPath: file.path,
    modelSha256: file.sha256,
    referenceModelPath: reference?.path,
    referenceSha256: reference?.sha256,
    inputs: model.inputs,
    measure: spec.measure,
    ...(spec.load && { load: spec.load }),
  };
}

/**
 * Judges a finished run against its series and tells the webhooks about its regressions (a child workflow
 * that outlives the run). Judging reads what is recorded; when it keeps failing, the run still ends with its
 * results, and `ortfleet compare` can judge them later.
 */
export async function judgeAndAlert(runId: string, workflowId: string, input: BenchmarkRunInput): Promise<void> {
  const steps = (await judging.judgeRun(runId).catch(() => undefined)) ?? [];
  const regressions = steps.filter((s) => s.judgement.verdict === 'regression');
  if (regressions.length > 0 && input.alerts?.targets.length)
    await startChild(sendAlerts, {
      workflowId: `${workflowId}-alerts`,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [
        input.alerts.targets,
        { runId, schedule: input.schedule ?? null, dashboardUrl: input.alerts.dashboardUrl ?? null, regressions },
      ],
    });
}
