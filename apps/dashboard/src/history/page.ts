import { Hono } from 'hono';
import { html } from 'hono/html';
import { configurationHistory, listJudgements } from '@ortfleet/db';
import type { DashboardDeps } from '../deps';
import { NotFound } from '../errors';
import { joined, pageFrame, table, type Html } from '../page-frame';
import { axis, chart } from '../page-charts';
import { href, parseQuery } from '../query';
import { ms, num, when } from '../format';
import { configurationCells, configurationHead, flags } from '../result-cells';
import { HistoryQuery } from './schemas';

type Point = Awaited<ReturnType<typeof configurationHistory>>[number];

/** GET /history?cell=ID: one configuration's p50 (with its 95% CI) and p99 over time, and every point. */
export function historyPages(deps: DashboardDeps): Hono {
  const app = new Hono();
  app.get('/history', async (c) => {
    const query = c.req.query();
    const q = parseQuery(HistoryQuery, query);
    const points = await configurationHistory(deps.db, q.cell, { from: q.from, to: q.to, limit: q.limit });
    if (points.length === 0) throw new NotFound(`no results for configuration '${q.cell}' in this range`);
    const judged = await listJudgements(deps.db, {
      cellId: [q.cell],
      verdict: ['regression', 'improvement'],
      limit: 5000,
    });
    const steps = new Map(judged.map((j) => [j.resultId, j]));
    const last = points.at(-1)!;
    const leaderboard = html`<a href="${href('/leaderboard', { model: last.model })}">leaderboard</a>`;
    const json = html`<a href="${href('/api/v1/history', query)}">JSON</a>`;
    const limit = html`<input name="limit" value="${query.limit ?? ''}" placeholder="${q.limit}" inputmode="numeric">`;
    const body = html`<p>Configuration ${q.cell} · ${leaderboard} · ${json}</p>
${table(html`<tr>${configurationHead}</tr>`, [html`<tr>${configurationCells(last)}</tr>`])}
<form class="filters" method="get" action="/history"><input type="hidden" name="cell" value="${q.cell}">
<label>from (ISO time)<input name="from" value="${query.from ?? ''}" placeholder="2026-01-01T00:00:00Z"></label>
<label>to (ISO time)<input name="to" value="${query.to ?? ''}" placeholder="2026-12-31T00:00:00Z"></label>
<label>at most (points)${limit}</label>
<button>Apply</button></form>
${historyChart(points, steps)}
<h2>Points</h2>
${pointsTable(points, steps)}`;
    return c.html(pageFrame(`History: ${last.model} on ${last.hardwareClass}`, body, { charts: true }));
  });
  return app;
}

type Steps = Map<number, Awaited<ReturnType<typeof listJudgements>>[number]>;

function historyChart(points: Point[], steps: Steps): Html {
  const values = (f: (p: Point) => number | null) => points.map((p) => (p.valid ? f(p) : null));
  const band = 'rgba(78,121,167,0.18)';
  return chart('chart-history', {
    type: 'line',
    data: {
      labels: points.map((p) => when(p.recordedAt)),
      datasets: [
        {
          label: '95% CI of p50 (low)',
          unit: 'ms',
          legend: false,
          data: values((p) => p.p50CiLowMs),
          borderWidth: 0,
          pointRadius: 0,
          fill: false,
          backgroundColor: band,
        },
        {
          label: '95% CI of p50',
          unit: 'ms',
          data: values((p) => p.p50CiHighMs),
          borderWidth: 0,
          pointRadius: 0,
          fill: '-1',
          backgroundColor: band,
        },
        {
          label: 'p50',
          unit: 'ms',
          data: values((p) => p.p50Ms),
          borderColor: '#4e79a7',
          backgroundColor: '#4e79a7',
          borderWidth: 2,
        },
        {
          label: 'p99',
          unit: 'ms',
          data: values((p) => p.p99Ms),
          borderColor: '#f28e2b',
          backgroundColor: '#f28e2b',
          borderWidth: 2,
          borderDash: [6, 4],
        },
        // Nights judged a regression or an improvement, drawn as marks on the p50 line.
        {
          label: 'regression',
          unit: 'ms',
          data: values((p) => (steps.get(p.id)?.verdict === 'regression' ? p.p50Ms : null)),
          showLine: false,
          pointRadius: 7,
          pointStyle: 'triangle',
          borderColor: '#e15759',
          backgroundColor: '#e15759',
        },
        {
          label: 'improvement',
          unit: 'ms',
          data: values((p) => (steps.get(p.id)?.verdict === 'improvement' ? p.p50Ms : null)),
          showLine: false,
          pointRadius: 7,
          pointStyle: 'rectRot',
          borderColor: '#59a14f',
          backgroundColor: '#59a14f',
        },
      ],
    },
    options: {
      plugins: { title: { display: true, text: 'Latency over time (valid results only)' } },
      scales: {
        x: axis('recorded (UTC)', { type: 'category' }),
        y: axis('latency (ms)', { type: 'linear', beginAtZero: true }),
      },
    },
  });
}

/** Every point, marking where the model file or ONNX Runtime changed: the usual explanations of a step. */
function pointsTable(points: Point[], steps: Steps): Html {
  // The open loop's capacity, where some result measured it: part of the configuration's history too.
  const withCapacity = points.some((p) => p.slo !== null);
  const rows = points.map((p, i) => {
    const before = points.slice(0, i).reverse();
    const prevSha = before.find((b) => b.modelSha256 !== null)?.modelSha256;
    const prevOrt = before.find((b) => b.onnxruntimeVersion !== null)?.onnxruntimeVersion;
    const shaChanged = p.modelSha256 !== null && prevSha !== undefined && prevSha !== p.modelSha256;
    const ortChanged = p.onnxruntimeVersion !== null && prevOrt !== undefined && prevOrt !== p.onnxruntimeVersion;
    const previous = points[i - 1];
    const step = steps.get(p.id);
    const judged = step ? html` <span class="flag">${step.verdict}${step.confirmed ? ' (confirmed)' : ''}</span>` : '';
    const ci = p.p50CiLowMs === null ? '' : `${ms(p.p50CiLowMs)}–${ms(p.p50CiHighMs)}`;
    const compare =
      previous && previous.runId !== p.runId
        ? html` · <a href="${href('/compare', { runA: previous.runId, runB: p.runId })}">compare with previous</a>`
        : '';
    const capacity = withCapacity
      ? html`<td class="num">${p.capacityQps === null ? (p.slo ? 'none passed' : '') : num(p.capacityQps)} ${p.slo ?? ''}</td>`
      : '';
    const figures = joined`
      <td class="num">${ms(p.p50Ms)}</td><td class="num">${ci}</td><td class="num">${ms(p.p99Ms)}</td>
      <td class="num">${num(p.throughput)}</td>${capacity}
    `;
    const changed = shaChanged ? html` <span class="flag warn">model changed</span>` : '';
    const sha = html`${p.modelSha256?.slice(0, 12)}${changed}`;
    const status = html`<td>${p.status} ${flags(p)}${judged}</td>`;
    return html`<tr><td><a href="/runs/${p.runId}">${p.runId}</a></td><td>${when(p.recordedAt)}</td>${figures}${status}
<td title="${p.modelSha256 ?? ''}">${sha}</td>
<td>${p.onnxruntimeVersion}${ortChanged ? html` <span class="flag warn">ORT changed from ${prevOrt}</span>` : ''}</td>
<td><a href="/results/${p.id}">result</a>${compare}</td></tr>`;
  });
  return table(
    joined`
      <tr><th>run</th><th>recorded (UTC)</th><th class="num">p50 ms</th><th class="num">p50 95% CI ms</th>
      <th class="num">p99 ms</th><th class="num">items/s</th>${withCapacity ? html`<th class="num">requests/s at SLO</th>` : ''}<th>status</th><th>model sha256</th><th>ONNX Runtime</th>
      <th>details</th></tr>
    `,
    rows.reverse(),
  );
}
