import { formatChange } from '@ortfleet/core';
import type { JudgedCell } from './judge-run';

/** Where a schedule's alerts go: Slack's incoming-webhook body (`{text}`), or ortfleet's own JSON. */
export interface AlertTarget {
  url: string;
  format: 'slack' | 'json';
}

/** What an alert is about: one run's regressions. */
export interface RunAlert {
  runId: string;
  schedule: string | null;
  /** The dashboard's address for links; relative links without it. */
  dashboardUrl: string | null;
  regressions: (JudgedCell & { baselineRunId: string | null })[];
}

/** The links an alert gives for one regressed series. */
function links(alert: RunAlert, r: RunAlert['regressions'][number]) {
  const base = alert.dashboardUrl?.replace(/\/$/, '') ?? '';
  return {
    compare: r.baselineRunId
      ? `${base}/compare?runA=${encodeURIComponent(r.baselineRunId)}&runB=${encodeURIComponent(alert.runId)}`
      : null,
    history: `${base}/history?cell=${encodeURIComponent(r.cellId)}`,
    result: `${base}/results/${r.resultId}`,
  };
}

/** One message for a run: each regressed series with its effect, interval, confidence, drift and links. */
export function alertBody(alert: RunAlert, format: AlertTarget['format']): unknown {
  if (format === 'json')
    return {
      runId: alert.runId,
      schedule: alert.schedule,
      regressions: alert.regressions.map((r) => ({
        cellId: r.cellId,
        series: r.label,
        ratio: r.judgement.ratio,
        interval: r.judgement.interval,
        pValue: r.judgement.pValue,
        confirmed: r.judgement.confirmed,
        drift: r.judgement.drift,
        links: links(alert, r),
      })),
    };
  const lines = alert.regressions.map((r) => {
    const j = r.judgement;
    const l = links(alert, r);
    const drift = j.drift.length
      ? ` Changed since the baseline: ${j.drift.map((d) => `${d.field} ${d.baseline ?? '?'} → ${d.now ?? '?'}`).join(', ')}.`
      : '';
    const interval = j.interval
      ? ` (99% interval ${formatChange(j.interval.low)} to ${formatChange(j.interval.high)}, p=${j.pValue?.toExponential(1)})`
      : '';
    return `• ${r.label}: p50 ${formatChange(j.ratio ?? 1)}${interval}${j.confirmed ? ', confirmed' : ', first night'}.${drift} <${l.compare ?? l.history}|compare>`;
  });
  const title = `ortfleet: ${alert.regressions.length} regression${alert.regressions.length === 1 ? '' : 's'} in run ${alert.runId}${alert.schedule ? ` (schedule ${alert.schedule})` : ''}`;
  return { text: [title, ...lines].join('\n') };
}
