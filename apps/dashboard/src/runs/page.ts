import { Hono } from 'hono';
import { html } from 'hono/html';
import { getRun, listRuns, runResultSummaries, type ResultSummary } from '@ortfleet/db';
import type { DashboardDeps } from '../deps';
import { NotFound } from '../errors';
import { joined, pageFrame, table, type Html } from '../page-frame';
import { href, parseQuery } from '../query';
import { ms, num, when } from '../format';
import { configurationCells, configurationHead, flags } from '../result-cells';
import { RunIdParam, RunsQuery } from './schemas';
import { loadProgress, type RunProgressView } from './progress';

/** Seconds between reloads of a running run's page. */
const REFRESH_SECONDS = 5;

/** Runs as a table, newest first, each linking to its page. */
export function runsTable(runs: Awaited<ReturnType<typeof listRuns>>): Html {
  return table(
    html`<tr><th>run</th><th>name</th><th>status</th><th>started (UTC)</th><th>finished (UTC)</th></tr>`,
    runs.map(
      (r) =>
        joined`
          <tr><td><a href="/runs/${r.id}">${r.id}</a></td><td>${r.name}</td><td>${r.status}</td>
          <td>${when(r.startedAt)}</td><td>${when(r.finishedAt)}</td></tr>
        `,
    ),
    'no runs yet',
  );
}

/** GET /runs (recent runs) and GET /runs/:id (progress, heat map, failures, every result). */
export function runsPages(deps: DashboardDeps): Hono {
  const app = new Hono();
  app.get('/runs', async (c) => {
    const { limit } = parseQuery(RunsQuery, c.req.query());
    return c.html(pageFrame('Runs', runsTable(await listRuns(deps.db, limit))));
  });

  app.get('/runs/:id', async (c) => {
    const { id } = parseQuery(RunIdParam, { id: c.req.param('id') });
    const run = await getRun(deps.db, id);
    if (!run) throw new NotFound(`no run '${id}'`);
    const [progress, rows] = await Promise.all([loadProgress(deps.db, id, deps.runs), runResultSummaries(deps.db, id)]);
    const running = run.status === 'running';
    const failures = rows.filter((r) => r.status !== 'ok');
    const finished = run.finishedAt ? html` · finished ${when(run.finishedAt)}` : '';
    const compare = html`<a href="${href('/compare', { runA: id })}">Compare with another run</a>`;
    const links = html`${compare} · <a href="/api/v1/runs/${id}/results">JSON</a>`;
    const body = html`<p>${run.name} · <strong>${run.status}</strong> · started ${when(run.startedAt)}${finished}</p>
${progressSection(progress, running)}
<h2>Heat map</h2>${heatMaps(rows)}
<h2>Failed and unsupported cells</h2>
${table(
  joined`
    <tr><th>model</th><th>hardware class</th>${configurationHead}<th>status</th><th>reason</th><th>agent</th>
    <th>details</th></tr>
  `,
  failures.map(
    (r) =>
      joined`
        <tr><td>${r.model}</td><td>${r.hardwareClass}</td>${configurationCells(r)}<td>${r.status}</td>
        <td class="wrap">${r.reason}</td><td>${r.agentId}</td><td><a href="/results/${r.id}">result</a></td></tr>
      `,
  ),
  'every recorded cell ended ok',
)}
<h2>All results</h2><p class="muted">Valid results first, fastest first within each model; results that failed
parity follow, flagged.</p>
${resultsTable(rows)}
<p>${links}</p>`;
    // Reloading only while the run is running: a finished page stays still for reading.
    return c.html(pageFrame(`Run ${run.id}`, body, { refreshSeconds: running ? REFRESH_SECONDS : undefined }));
  });
  return app;
}

function progressSection(p: RunProgressView, running: boolean): Html {
  const statuses = Object.entries(p.byStatus).sort(([a], [b]) => (a < b ? -1 : 1));
  const agentStatuses = [...new Set(Object.values(p.byAgent).flatMap((s) => Object.keys(s)))].sort();
  const total = p.total === null ? ' cells recorded so far' : html` of ${p.total} cells recorded`;
  const byStatus =
    statuses.length > 0 ? html`: ${statuses.map(([s, n], i) => html`${i > 0 ? ', ' : ''}${n} ${s}`)}` : '';
  const refresh = running ? html` <span class="muted">(refreshes every ${REFRESH_SECONDS} s)</span>` : '';
  const summary = html`<p><strong>${p.recorded}</strong>${total}${byStatus}${refresh}</p>`;
  const byAgent = table(
    html`<tr><th>agent</th>${agentStatuses.map((s) => html`<th class="num">${s}</th>`)}</tr>`,
    Object.entries(p.byAgent).map(
      ([agent, counts]) =>
        html`<tr><td>${agent}</td>${agentStatuses.map((s) => html`<td class="num">${counts[s] ?? 0}</td>`)}</tr>`,
    ),
    'no results yet',
  );
  const now =
    p.running === null
      ? ''
      : html`<h3>Running now</h3>${table(
          html`<tr><th>cell</th><th>agent</th><th>phase</th><th class="num">attempt</th><th>since (UTC)</th></tr>`,
          p.running.map(
            (r) =>
              joined`
                <tr><td>${r.cellId}</td><td>${r.agentId}</td><td>${r.phase}</td><td class="num">${r.attempt}</td>
                <td>${when(r.startedAt)}</td></tr>
              `,
          ),
          'no cell is running',
        )}`;
  const stuck =
    p.problems.length === 0
      ? ''
      : joined`
          <div class="alert"><strong>This run is stuck:</strong>
          <ul>${p.problems.map((problem) => html`<li>${problem}</li>`)}</ul></div>
        `;
  return html`<h2>Progress</h2>${stuck}${summary}<h3>By agent</h3>${byAgent}${now}`;
}

// Light colors from a blue-to-orange scale read with black text and without red-green distinction; each cell
// also prints its ratio, so the color is never the only signal.
const HEAT = [
  { upTo: 1.1, color: '#8fd0c4', label: 'fastest (≤ 1.1×)' },
  { upTo: 1.5, color: '#cfe9c0', label: '≤ 1.5×' },
  { upTo: 2, color: '#f1f4b8', label: '≤ 2×' },
  { upTo: 4, color: '#fed99a', label: '≤ 4×' },
  { upTo: Infinity, color: '#fca769', label: '> 4× slower' },
];
const NO_FIGURE = '#e2e4e8';

const batchHead = (batch: number) => html`<th class="num">batch ${batch}<br><span class="muted">p50 ms</span></th>`;

/**
 * One table per model and hardware class: EP × precision rows by batch columns, the best valid p50 of each
 * combination. Colors compare a cell with the fastest of its column: p50 grows with the batch, so comparing
 * across columns would only show batch sizes.
 */
function heatMaps(rows: ResultSummary[]): Html {
  const groups = new Map<string, ResultSummary[]>();
  for (const r of rows) {
    const key = JSON.stringify([r.model, r.hardwareClass]);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  if (groups.size === 0) return html`<p class="muted">no results yet</p>`;
  const swatch = (color: string, label: string) =>
    html`<span><span class="swatch" style="background:${color}"></span>${label}</span>`;
  const legend = joined`
    <div class="legend"><span>p50 relative to the fastest in its batch column:</span>
    ${HEAT.map((h) => swatch(h.color, h.label))}${swatch(NO_FIGURE, 'no valid figure')}</div>
  `;
  const sections = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, group]) => {
      const batches = [...new Set(group.map((r) => r.batch))].sort((a, b) => a - b);
      const lines = [...new Set(group.map((r) => JSON.stringify([r.ep, r.precision])))].sort();
      const at = (line: string, batch: number) =>
        group.filter((r) => JSON.stringify([r.ep, r.precision]) === line && r.batch === batch);
      const best = (rs: ResultSummary[]) =>
        rs.filter((r) => r.valid && r.p50Ms !== null).sort((a, b) => a.p50Ms! - b.p50Ms!)[0];
      const fastest = new Map(
        batches.map((b) => [
          b,
          Math.min(...group.filter((r) => r.batch === b && r.valid && r.p50Ms !== null).map((r) => r.p50Ms!)),
        ]),
      );
      const cell = (line: string, batch: number) => {
        const rs = at(line, batch);
        if (rs.length === 0) return html`<td class="muted">—</td>`;
        const top = best(rs);
        const more = rs.length > 1 ? ` (best of ${rs.length} configurations)` : '';
        if (!top) {
          const r = rs[0]!;
          const what = r.status === 'ok' ? 'parity failed' : r.status;
          const title = `${r.reason ?? r.parityReason ?? ''}${more}`;
          return html`<td style="background:${NO_FIGURE}" title="${title}"><a href="/results/${r.id}">${what}</a></td>`;
        }
        const ratio = top.p50Ms! / fastest.get(batch)!;
        const color = HEAT.find((h) => ratio <= h.upTo)!.color;
        const title = `p50 ${ms(top.p50Ms)} ms, ${num(ratio, 2)}× the fastest${more}`;
        const unstable = top.unstable ? html` <span class="flag warn">unstable</span>` : '';
        return joined`
          <td class="num" style="background:${color}" title="${title}">
          <a href="/results/${top.id}">${ms(top.p50Ms)}</a> <span class="muted">${num(ratio, 2)}×</span>
          ${unstable}</td>
        `;
      };
      return html`<h3>${group[0]!.model} on ${group[0]!.hardwareClass}</h3>
${table(
  html`<tr><th>EP · precision</th>${batches.map(batchHead)}</tr>`,
  lines.map((line) => {
    const [ep, precision] = JSON.parse(line) as [string, string];
    return html`<tr><th>${ep} · ${precision}</th>${batches.map((b) => cell(line, b))}</tr>`;
  }),
)}`;
    });
  return html`${legend}${sections}`;
}

/**
 * Every result of a run: valid first (fastest first within a model), then parity failures and other statuses,
 * flagged.
 */
export function resultsTable(rows: ResultSummary[]): Html {
  const sorted = [...rows].sort(
    (a, b) =>
      (a.model < b.model ? -1 : a.model > b.model ? 1 : 0) ||
      Number(b.valid) - Number(a.valid) ||
      (a.p50Ms ?? Infinity) - (b.p50Ms ?? Infinity),
  );
  return table(
    joined`
      <tr><th>model</th><th>hardware class</th>${configurationHead}<th>agent</th><th>status</th>
      <th class="num">p50 ms</th><th class="num">p50 95% CI ms</th><th class="num">p99 ms</th>
      <th class="num">items/s</th><th>flags</th><th>reason</th><th>details</th></tr>
    `,
    sorted.map((r) => {
      const ci = r.p50CiLowMs === null ? '' : `${ms(r.p50CiLowMs)}–${ms(r.p50CiHighMs)}`;
      const history = html`<a href="${href('/history', { cell: r.cellId })}">history</a>`;
      return joined`
        <tr><td>${r.model}</td><td>${r.hardwareClass}</td>${configurationCells(r)}<td>${r.agentId}</td>
        <td>${r.status}</td><td class="num">${ms(r.p50Ms)}</td><td class="num">${ci}</td>
        <td class="num">${ms(r.p99Ms)}</td><td class="num">${num(r.throughput)}</td><td>${flags(r)}</td>
        <td class="wrap">${r.reason}</td><td><a href="/results/${r.id}">result</a> · ${history}</td></tr>
      `;
    }),
    'no results yet',
  );
}
