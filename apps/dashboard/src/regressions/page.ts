import { Hono } from 'hono';
import { html } from 'hono/html';
import { formatChange } from '@ortfleet/core';
import { listJudgements } from '@ortfleet/db';
import type { DashboardDeps } from '../deps';
import { joined, pageFrame, table } from '../page-frame';
import { href, parseQuery } from '../query';
import { when } from '../format';
import { RegressionsQuery } from './schemas';

type Row = Awaited<ReturnType<typeof listJudgements>>[number];

/** GET /regressions: judged steps, newest first, grouped by model and hardware class, with their effect and drift. */
export function regressionsPages(deps: DashboardDeps): Hono {
  const app = new Hono();
  app.get('/regressions', async (c) => {
    const q = parseQuery(RegressionsQuery, c.req.query());
    const rows = await listJudgements(deps.db, {
      verdict: q.verdict,
      model: q.model,
      hardwareClass: q.hardwareClass,
      runId: q.run,
      cellId: q.cell,
      limit: q.limit,
    });
    const groups = new Map<string, Row[]>();
    for (const r of rows)
      groups.set(`${r.model} on ${r.hardwareClass}`, [...(groups.get(`${r.model} on ${r.hardwareClass}`) ?? []), r]);
    const effect = (r: Row) =>
      r.ratio === null
        ? ''
        : `${formatChange(r.ratio)} [${formatChange(r.intervalLow ?? r.ratio)}, ${formatChange(r.intervalHigh ?? r.ratio)}]`;
    const machine = (r: Row) =>
      r.controlRatio === null || r.rawRatio === null
        ? ''
        : `raw ${formatChange(r.rawRatio)}, ${r.controlSource === 'interleaved' ? 'interleaved control' : 'control'} ${formatChange(r.controlRatio)}`;
    const ab = (r: Row) =>
      r.confirmation
        ? ` · A/B ${r.confirmation.outcome}: ${formatChange(r.confirmation.medianRatio)}, ${r.confirmation.slower} of ${r.confirmation.pairs.length} pairs slower`
        : '';
    const drift = (r: Row) => r.drift.map((d) => `${d.field} ${d.baseline ?? '?'} → ${d.now ?? '?'}`).join('; ');
    const history = (r: Row) => html`<a href="${href('/history', { cell: r.cellId })}">history</a>`;
    const both = href('/regressions', { verdict: 'regression,improvement' });
    const json = href('/api/v1/regressions', { verdict: q.verdict.join(',') });
    const body = html`<p class="muted">Each valid result is judged against its series' history when its run finishes
(docs/regressions.md): showing ${q.verdict.join(', ')}, newest first.
<a href="${both}">regressions and improvements</a> · <a href="${json}">JSON</a></p>
${[...groups].map(
  ([group, items]) =>
    html`<h2>${group}</h2>${table(
      joined`
        <tr><th>judged (UTC)</th><th>verdict</th><th>change of p50, 99% interval</th><th class="num">p</th>
        <th>machine drift divided out</th><th>environment drift</th><th>run</th><th>details</th></tr>
      `,
      items.map(
        (r) =>
          joined`
            <tr><td>${when(r.judgedAt)}</td><td>${r.verdict}${r.confirmed ? ' (confirmed)' : ''}${ab(r)}</td>
            <td>${effect(r)}</td><td class="num">${r.pValue?.toExponential(1) ?? ''}</td>
            <td>${machine(r)}</td><td class="wrap">${drift(r)}</td><td><a href="/runs/${r.runId}">${r.runId}</a></td>
            <td><a href="/results/${r.resultId}">result</a> · ${history(r)}</td>
            </tr>
          `,
      ),
    )}`,
)}${rows.length === 0 ? html`<p>nothing judged ${q.verdict.join(' or ')}</p>` : ''}`;
    return c.html(pageFrame('Regressions', body));
  });
  return app;
}
