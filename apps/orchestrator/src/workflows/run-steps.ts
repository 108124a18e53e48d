import { ParentClosePolicy, patched, proxyActivities, startChild } from '@temporalio/workflow';
import type { OrchestratorActivities } from '../activities';
import type { BenchmarkRunInput } from './run-input';
import { confirmSteps } from './confirm-steps';
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

/**
 * Judges a finished run against its series, confirms on an agent the steps whose model file changed (same-night
 * A/B, docs/regressions.md), and tells the webhooks about its regressions (a child workflow that outlives the
 * run). Judging reads what is recorded; when it keeps failing, the run still ends with its results, and
 * `ortfleet compare` can judge them later.
 */
export async function judgeAndAlert(runId: string, workflowId: string, input: BenchmarkRunInput): Promise<void> {
  let steps = (await judging.judgeRun(runId).catch(() => undefined)) ?? [];
  if (steps.some((s) => s.confirm) && patched('ab-confirmation'))
    steps = await confirmSteps(input.spec, input.models, steps, (s, outcome) =>
      orchestrator.settleConfirmation(s, outcome),
    );
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
