import { Hono } from 'hono';
import { html } from 'hono/html';
import {
  compareCapacity,
  DEFAULT_MIN_EFFECT,
  formatChange,
  JudgeOptionsSchema,
  type CapacityChange,
} from '@ortfleet/core';
import { listAgents, listModels, listRuns, type ResultSummary } from '@ortfleet/db';
import type { DashboardDeps } from '../deps';
import { joined, pageFrame, table, type Html } from '../page-frame';
import { href, parseQuery } from '../query';
import { ms, num, pct } from '../format';
import { configurationCells, configurationHead, flags } from '../result-cells';
import { CompareQuery } from './schemas';
import { loadComparison, type LoadedComparison } from './load';

/** How many recent runs the run pickers offer. */
const PICKABLE_RUNS = 50;

/** GET /compare: two runs (runA, runB) or two hardware classes on a model (model, classA, classB), side by side. */
export function comparePages(deps: DashboardDeps): Hono {
  const app = new Hono();
  app.get('/compare', async (c) => {
    const query = c.req.query();
    const given = Object.values(query).some((v) => v.trim() !== '');
    // A bare /compare is the place to pick what to compare; anything given must parse like the API's query.
    const q = given ? parseQuery(CompareQuery, query) : null;
    const [runs, models, agents, comparison] = await Promise.all([
      listRuns(deps.db, PICKABLE_RUNS),
      listModels(deps.db),
      listAgents(deps.db),
      q ? loadComparison(deps.db, q) : null,
    ]);
    const classes = [...new Set(agents.map((a) => a.hardwareClass))].sort();
    const forms = pickers(
      query,
      runs.map((r) => ({ id: r.id, label: `${r.id} (${r.name}, ${r.status})` })),
      models.map((m) => m.model),
      classes,
    );
    const title = comparison ? `Compare ${comparison.baseline.id} → ${comparison.candidate.id}` : 'Compare';
    return c.html(pageFrame(title, html`${forms}${comparison ? result(comparison, query) : ''}`));
  });
  return app;
}

function pickers(
  query: Record<string, string>,
  runs: { id: string; label: string }[],
  models: string[],
  classes: string[],
): Html {
  const runSelect = (name: string, label: string) => {
    const chosen = query[name] ?? '';
    const options = chosen && !runs.some((r) => r.id === chosen) ? [{ id: chosen, label: chosen }, ...runs] : runs;
    const option = (r: { id: string; label: string }) =>
      html`<option value="${r.id}"${r.id === chosen ? html` selected` : ''}>${r.label}</option>`;
    return joined`
      <label>${label}<select name="${name}"><option value="">choose a run</option>${options.map(option)}</select>
      </label>
    `;
  };
  const classInput = (name: string, label: string) =>
    html`<label>${label}<input name="${name}" list="hardware-classes" value="${query[name] ?? ''}"></label>`;
  const byRuns = joined`
    <form class="filters" method="get" action="/compare"><strong>Two runs</strong>
    ${runSelect('runA', 'baseline run')}${runSelect('runB', 'candidate run')}<button>Compare runs</button></form>
  `;
  const byClasses = joined`
    <label>model<input name="model" list="models" value="${query.model ?? ''}"></label>
    ${classInput('classA', 'baseline class')}${classInput('classB', 'candidate class')}
    <button>Compare classes</button></form>
  `;
  const option = (value: string) => html`<option value="${value}">`;
  const datalists = joined`
    <datalist id="models">${models.map(option)}</datalist>
    <datalist id="hardware-classes">${classes.map(option)}</datalist>
  `;
  return html`${byRuns}
<form class="filters" method="get" action="/compare"><strong>Two hardware classes</strong>
${byClasses}
${datalists}`;
}

function result(cmp: LoadedComparison, query: Record<string, string>): Html {
  const byRun = cmp.baseline.kind === 'run';
  const side = (r: ResultSummary | null) =>
    r
      ? joined`
          <td class="num"><a href="/results/${r.id}">${ms(r.p50Ms) || r.status}</a></td>
          <td class="num">${r.p50CiLowMs === null ? '' : `${ms(r.p50CiLowMs)}–${ms(r.p50CiHighMs)}`}</td>
        `
      : html`<td class="muted">absent</td><td></td>`;
  // A capacity column only where some pair measured the open loop at one SLO.
  const capacities = cmp.rows.map((r) => (r.baseline && r.candidate ? compareCapacity(r.baseline, r.candidate) : null));
  const withCapacity = capacities.some((c) => c !== null);
  const capacityCell = (c: CapacityChange | null) => {
    if (!withCapacity) return '';
    if (!c) return html`<td></td>`;
    const qps = (v: number | null) => (v === null ? 'none' : num(v));
    const change = c.change === null ? '' : ` (${formatChange(c.change + 1)})`;
    return html`<td class="num" title="${c.slo}; one search per side, each within 5% below the true peak">${qps(c.baselineQps)} → ${qps(c.candidateQps)}${change}</td>`;
  };
  const capacityOf = new Map(cmp.rows.map((r, i) => [r, capacities[i]!]));
  const rows = [...cmp.rows].sort(byVerdictThenKnobs).map((row) => {
    const { baseline, candidate, comparison } = row;
    const any = (baseline ?? candidate)!;
    const v = comparison;
    const verdict = v
      ? v.significant
        ? html`<span class="${v.verdict === 'faster' ? 'flag good' : 'flag'}">${v.verdict} (significant)</span>`
        : html`${v.verdict}`
      : html`<span class="muted">only in the ${baseline ? 'baseline' : 'candidate'}</span>`;
    const ratio = v?.ratio != null ? `${num(v.ratio, 3)}×` : '';
    const change = v?.ratio != null ? formatChange(v.ratio) : '';
    const why = html`${v?.reason}${baseline ? flags(baseline) : ''}${candidate ? flags(candidate) : ''}`;
    const history = byRun ? html`<td><a href="${href('/history', { cell: any.cellId })}">history</a></td>` : '';
    return joined`
      <tr><td>${any.model}</td>${byRun ? html`<td>${any.hardwareClass}</td>` : ''}${configurationCells(any)}
      ${side(baseline)}${side(candidate)}<td class="num">${ratio}</td><td class="num">${change}</td>
      <td>${verdict}</td>${capacityCell(capacityOf.get(row)!)}<td class="wrap">${why}</td>${history}</tr>
    `;
  });
  const counts = { faster: 0, slower: 0 };
  for (const r of cmp.rows) if (r.comparison?.significant) counts[r.comparison.verdict as 'faster' | 'slower']++;
  const what = (s: { kind: string; id: string }) =>
    s.kind === 'run' ? html`run <a href="/runs/${s.id}">${s.id}</a>` : html`hardware class ${s.id}`;
  const model = cmp.model ? html`${cmp.model}: ` : '';
  const heading = html`${model}${what(cmp.baseline)} (baseline) → ${what(cmp.candidate)} (candidate)`;
  const head = joined`
    <tr><th>model</th>${byRun ? html`<th>hardware class</th>` : ''}${configurationHead}
    <th class="num">baseline p50 ms</th><th class="num">95% CI</th><th class="num">candidate p50 ms</th>
    <th class="num">95% CI</th><th class="num">ratio</th><th class="num">change</th><th>verdict</th>
    ${withCapacity ? html`<th class="num">requests/s at the SLO</th>` : ''}<th>why</th>
    ${byRun ? html`<th></th>` : ''}</tr>
  `;
  return html`<h2>${heading}</h2>
<p>${cmp.rows.length} configurations · <strong>${counts.faster}</strong> significantly faster ·
<strong>${counts.slower}</strong> significantly slower · <a href="${href('/api/v1/compare', query)}">JSON</a></p>
${cmp.method === 'judge' ? JUDGE_RULE : INTERVALS_RULE}
${table(head, rows, 'nothing to compare')}`;
}

const JUDGE_RULE = joined`
  <p class="muted">Each cell is judged on its samples as <code>ortfleet compare</code> and the nightly alerts judge
  it: slower or faster when a Mann–Whitney U test finds the candidate's latencies differ and the median moved by at
  least ${pct(JudgeOptionsSchema.parse({}).minEffect, 0)}. Ratio is candidate p50 / baseline p50 (below 1 is
  faster).</p>
`;

const INTERVALS_RULE = joined`
  <p class="muted">Hardware classes are compared by their newest results' medians: slower or faster when the 95%
  confidence intervals of the two medians do not overlap and the change is at least ${pct(DEFAULT_MIN_EFFECT, 0)}.
  Ratio is candidate p50 / baseline p50 (below 1 is faster).</p>
`;

/**
 * Significantly slower first (the question a nightly comparison answers), then faster, same, not comparable,
 * absent.
 */
function byVerdictThenKnobs(a: LoadedComparison['rows'][number], b: LoadedComparison['rows'][number]): number {
  const group = (r: typeof a) =>
    !r.comparison
      ? 4
      : r.comparison.significant
        ? r.comparison.verdict === 'slower'
          ? 0
          : 1
        : r.comparison.verdict === 'same'
          ? 2
          : 3;
  const knobs = (r: typeof a) => {
    const x = (r.baseline ?? r.candidate)!;
    return [
      x.model,
      x.hardwareClass,
      x.ep,
      x.precision,
      x.batch,
      x.intraOpThreads,
      x.graphOptimization,
      x.executionMode,
      x.interOpThreads,
    ];
  };
  const [ka, kb] = [knobs(a), knobs(b)];
  const differs = ka.findIndex((v, i) => v !== kb[i]);
  return group(a) - group(b) || (differs < 0 ? 0 : ka[differs]! < kb[differs]! ? -1 : 1);
}
