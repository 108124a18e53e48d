import { proxyActivities } from '@temporalio/workflow';
import type { OrchestratorActivities } from '../activities';
import type { AlertTarget, RunAlert } from '../judging/alert-message';

// A webhook that is down is retried for about an hour, with backoff; the run's results never wait on it.
const alerts = proxyActivities<OrchestratorActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 10 },
});

/** Sends one run's alert to each of its webhooks; started by benchmarkRun as a child it does not wait for. */
export async function sendAlerts(targets: AlertTarget[], alert: RunAlert): Promise<string[]> {
  const outcomes = await Promise.allSettled(targets.map((t) => alerts.postAlert(t, alert)));
  return outcomes.map((o, i) => `${new URL(targets[i]!.url).host}: ${o.status === 'fulfilled' ? 'sent' : 'failed'}`);
}
