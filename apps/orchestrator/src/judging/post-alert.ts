import { ApplicationFailure } from '@temporalio/common';
import { alertBody, type AlertTarget, type RunAlert } from './alert-message';

const TIMEOUT_MS = 15_000;

/**
 * Posts a run's alert to one webhook. A non-2xx answer, a timeout or a refused connection throws, and
 * Temporal retries with backoff; a 4xx other than 408 and 429 will not get better and is not retried.
 */
export async function postAlert(target: AlertTarget, alert: RunAlert): Promise<void> {
  const res = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alertBody(alert, target.format)),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (res.ok) return;
  const message = `webhook ${new URL(target.url).host} answered ${res.status}`;
  if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429)
    throw ApplicationFailure.nonRetryable(message);
  throw new Error(message);
}
