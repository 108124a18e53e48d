import type { Hono } from 'hono';
import { html } from 'hono/html';
import { DEFAULT_MIN_EFFECT } from '@ortfleet/core';
import { listAgents, listModels, listRuns, type ResultSummary } from '@ortfleet/db';
import type { DashboardDeps } from '../app';
import { configurationCells, configurationHead, flags, href, layout, ms, num, parseQuery, pct, table, type Html } from '../layout';
import { CompareQuery } from '../schemas';
import { loadComparison, type LoadedComparison } from './load';

/** How many recent runs the run pickers offer. */
const PICKABLE_RUNS = 50;

/** GET /compare: two runs (runA, runB) or two hardware classes on a model (model, classA, classB), side by side. */
export function comparePage(app: Hono, deps: DashboardDeps): void {
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
    const forms = pickers(query, runs.map((r) => ({ id: r.id, label: `${r.id} (${r.name}, ${r.status})` })), models.map((m) => m.model), classes);
    const title = comparison ? `Compare ${comparison.baseline.id} → ${comparison.candidate.id}` : 'Compare';
    return c.html(layout(title, html`${forms}${comparison ? result(comparison, query) : ''}`));
  });
}

function pickers(query: Record<string, string>, runs: { id: string; label: string }[], models: string[], classes: string[]): Html {
  const runSelect = (name: string, label: string) => {
    const chosen = query[name] ?? '';
    const options = chosen && !runs.some((r) => r.id === chosen) ? [{ id: chosen, label: chosen }, ...runs] : runs;
    return html`<label>${label}<select name="${name}"><option value="">choose a run</option>${options.map((r) => html`<option value="${r.id}"${r.id === chosen ? html` selected` : ''}>${r.label}</option>`)}</select></label>`;
  };
  const classInput = (name: string, label: string) => html`<label>${label}<input name="${name}" list="hardware-classes" value="${query[name] ?? ''}"></label>`;
  return html`<form class="filters" method="get" action="/compare"><strong>Two runs</strong>${runSelect('runA', 'baseline run')}${runSelect('runB', 'candidate run')}<button>Compare runs</button></form>
<form class="filters" method="get" action="/compare"><strong>Two hardware classes</strong>
<label>model<input name="model" list="models" value="${query.model ?? ''}"></label>${classInput('classA', 'baseline class')}${classInput('classB', 'candidate class')}<button>Compare classes</button></form>
<datalist id="models">${models.map((m) => html`<option value="${m}">`)}</datalist><datalist id="hardware-classes">${classes.map((m) => html`<option value="${m}">`)}</datalist>`;
}

function result(cmp: LoadedComparison, query: Record<string, string>): Html {
  const byRun = cmp.baseline.kind === 'run';
  const side = (r: ResultSummary | null) =>
    r
      ? html`<td class="num"><a href="/results/${r.id}">${ms(r.p50Ms) || r.status}</a></td><td class="num">${r.p50CiLowMs === null ? '' : `${ms(r.p50CiLowMs)}–${ms(r.p50CiHighMs)}`}</td>`
      : html`<td class="muted">absent</td><td></td>`;
  const rows = [...cmp.rows].sort(byVerdictThenKnobs).map(({ baseline, candidate, comparison }) => {
    const any = (baseline ?? candidate)!;
    const v = comparison;
    const verdict = v
      ? v.significant
        ? html`<span class="${v.verdict === 'faster' ? 'flag good' : 'flag'}">${v.verdict} (significant)</span>`
        : html`${v.verdict}`
      : html`<span class="muted">only in the ${baseline ? 'baseline' : 'candidate'}</span>`;
    return html`<tr><td>${any.model}</td>${byRun ? html`<td>${any.hardwareClass}</td>` : ''}${configurationCells(any)}${side(baseline)}${side(candidate)}<td class="num">${v?.ratio != null ? `${num(v.ratio, 3)}×` : ''}</td><td class="num">${v?.change != null ? `${v.change > 0 ? '+' : ''}${pct(v.change)}` : ''}</td><td>${verdict}</td><td class="wrap">${v?.reason}${baseline ? flags(baseline) : ''}${candidate ? flags(candidate) : ''}</td>${
      byRun ? html`<td><a href="${href('/history', { cell: any.cellId })}">history</a></td>` : ''
    }</tr>`;
  });
  const counts = { faster: 0, slower: 0 };
  for (const r of cmp.rows) if (r.comparison?.significant) counts[r.comparison.verdict as 'faster' | 'slower']++;
  const what = (s: { kind: string; id: string }) => (s.kind === 'run' ? html`run <a href="/runs/${s.id}">${s.id}</a>` : html`hardware class ${s.id}`);
  return html`<h2>${cmp.model ? html`${cmp.model}: ` : ''}${what(cmp.baseline)} (baseline) → ${what(cmp.candidate)} (candidate)</h2>
<p>${cmp.rows.length} configurations · <strong>${counts.faster}</strong> significantly faster · <strong>${counts.slower}</strong> significantly slower · <a href="${href('/api/v1/compare', query)}">JSON</a></p>
<p class="muted">Ratio is candidate p50 / baseline p50 (below 1 is faster). A difference is significant when the 95% confidence intervals of the two medians do not overlap and the change is at least ${pct(DEFAULT_MIN_EFFECT, 0)}.</p>
${table(
  html`<tr><th>model</th>${byRun ? html`<th>hardware class</th>` : ''}${configurationHead}<th class="num">baseline p50 ms</th><th class="num">95% CI</th><th class="num">candidate p50 ms</th><th class="num">95% CI</th><th class="num">ratio</th><th class="num">change</th><th>verdict</th><th>why</th>${byRun ? html`<th></th>` : ''}</tr>`,
  rows,
  'nothing to compare',
)}`;
}

/** Significantly slower first (the question a nightly comparison answers), then faster, same, not comparable, absent. */
function byVerdictThenKnobs(a: LoadedComparison['rows'][number], b: LoadedComparison['rows'][number]): number {
  const group = (r: typeof a) => (!r.comparison ? 4 : r.comparison.significant ? (r.comparison.verdict === 'slower' ? 0 : 1) : r.comparison.verdict === 'same' ? 2 : 3);
  const knobs = (r: typeof a) => {
    const x = (r.baseline ?? r.candidate)!;
    return [x.model, x.hardwareClass, x.ep, x.precision, x.batch, x.intraOpThreads, x.graphOptimization, x.executionMode, x.interOpThreads];
  };
  const [ka, kb] = [knobs(a), knobs(b)];
  const differs = ka.findIndex((v, i) => v !== kb[i]);
  return group(a) - group(b) || (differs < 0 ? 0 : ka[differs]! < kb[differs]! ? -1 : 1);
}
