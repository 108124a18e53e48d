import { Hono } from 'hono';
import { html } from 'hono/html';
import { budgetAsSlo, budgetFigure, formatBudget, OBJECTIVES, type Objective } from '@ortfleet/core';
import { listModels, type ResultSummary } from '@ortfleet/db';
import type { DashboardDeps } from '../deps';
import { joined, pageFrame, table, type Html } from '../page-frame';
import { href, parseQuery } from '../query';
import { ms, num, sig } from '../format';
import { configurationCells, configurationHead, flags } from '../result-cells';
import { LeaderboardQuery } from './schemas';
import { loadLeaderboard, type LoadedLeaderboard } from './load';

/** What each objective is called on the page and the unit of its score. */
const OBJECTIVE_LABELS: Record<Objective, { label: string; unit: string; format: (v: number) => string }> = {
  p50: { label: 'p50 latency', unit: 'ms', format: ms },
  p99: { label: 'p99 latency', unit: 'ms', format: ms },
  throughput: { label: 'throughput', unit: 'items/s', format: (v) => num(v, 1) },
  throughput_per_watt: { label: 'throughput per watt', unit: 'items/J', format: sig },
  cost_per_million: { label: 'cost per million items', unit: 'price units / 1M items', format: sig },
  ttft: { label: 'time to first token', unit: 'ms', format: ms },
  itl: { label: 'inter-token latency', unit: 'ms', format: ms },
  decode_tokens_per_s: { label: 'decode tokens/s', unit: 'tokens/s', format: (v) => num(v, 1) },
  capacity: { label: 'requests/s at the SLO', unit: 'requests/s', format: (v) => num(v, 1) },
  cost_per_million_requests: {
    label: 'cost per million requests at the SLO',
    unit: 'price units / 1M requests',
    format: sig,
  },
};

/** The models that have results, each linking to its leaderboard. */
export function modelsTable(models: Awaited<ReturnType<typeof listModels>>): Html {
  return table(
    html`<tr><th>model</th><th class="num">configurations</th><th class="num">hardware classes</th></tr>`,
    models.map(
      (m) =>
        joined`
          <tr><td><a href="${href('/leaderboard', { model: m.model })}">${m.model}</a></td>
          <td class="num">${m.configurations}</td><td class="num">${m.hardwareClasses}</td></tr>
        `,
    ),
    'no results recorded yet',
  );
}

/** GET /leaderboard: a model's configurations ranked by an objective, with filters, a budget and prices in the URL. */
export function leaderboardPages(deps: DashboardDeps): Hono {
  const app = new Hono();
  app.get('/leaderboard', async (c) => {
    const query = c.req.query();
    if (Object.keys(query).length === 0) {
      const pick = html`<p>Pick a model to rank its configurations.</p>${modelsTable(await listModels(deps.db))}`;
      return c.html(pageFrame('Leaderboards', pick));
    }
    const q = parseQuery(LeaderboardQuery, query);
    const [board, models] = await Promise.all([loadLeaderboard(deps.db, q), listModels(deps.db)]);
    // Links rebuild the URL from what was given (validated above), so a shared link means the same.
    const current = { ...query, model: q.model, objective: q.objective };
    const form = filterForm(
      current,
      models.map((m) => m.model),
    );
    const page = html`${form}${objectiveLinks(current, q.objective)}${planLink(board, current)}${body(board, current)}`;
    return c.html(pageFrame(`Leaderboard: ${q.model}`, page));
  });
  return app;
}

function filterForm(current: Record<string, string>, models: string[]): Html {
  const options = models.includes(current.model!) ? models : [current.model!, ...models];
  const input = (name: string, label: string, placeholder: string) =>
    html`<label>${label}<input name="${name}" value="${current[name] ?? ''}" placeholder="${placeholder}"></label>`;
  const selected = (yes: boolean) => (yes ? html` selected` : '');
  const model = (m: string) => html`<option${selected(m === current.model)}>${m}</option>`;
  const objective = (o: Objective) =>
    html`<option value="${o}"${selected(o === current.objective)}>${OBJECTIVE_LABELS[o].label}</option>`;
  const narrowing = joined`
    ${input('hardwareClass', 'hardware class', 'any')}${input('ep', 'EP', 'cpu,cuda')}
    ${input('precision', 'precision', 'fp32,fp16')}${input('batch', 'batch', '1,8')}
  `;
  return html`<form class="filters" method="get" action="/leaderboard">
<label>model<select name="model">${options.map(model)}</select></label>
<label>objective<select name="objective">${OBJECTIVES.map(objective)}</select></label>
${input('budget', 'latency budget', 'p99<=20')}${input('prices', 'price per hour', 'class:1.2,other:0.4')}
${narrowing}
<button>Apply</button></form>`;
}

function objectiveLinks(current: Record<string, string>, objective: Objective): Html {
  const link = (o: Objective) => {
    const label = OBJECTIVE_LABELS[o].label;
    if (o === objective) return html`<strong>${label}</strong>`;
    return html`<a href="${href('/leaderboard', { ...current, objective: o })}">${label}</a>`;
  };
  return html`<p>Rank by: ${OBJECTIVES.map((o, i) => html`${i > 0 ? ' · ' : ''}${link(o)}`)}</p>`;
}

function body(board: LoadedLeaderboard, current: Record<string, string>): Html {
  const objective = OBJECTIVE_LABELS[board.objective];
  const budget = board.budget;
  const head = (extra: Html | string) =>
    joined`
      <tr><th class="num">#</th><th>hardware class</th>${configurationHead}
      <th class="num">${objective.label} (${objective.unit})</th>${extra}<th class="num">p50 ms</th>
      <th class="num">p99 ms</th><th class="num">items/s</th><th>flags</th><th>details</th></tr>
    `;
  const budgetHead = budget ? html`<th class="num">${budget.metric} ms</th><th>${formatBudget(budget)}</th>` : '';
  const budgetCells = (r: ResultSummary, meets: boolean | null) =>
    budget
      ? joined`
        <td class="num">${ms(budgetFigure(r, budget.metric))}</td>
        <td>${meets ? html`<span class="flag good">meets</span>` : html`<span class="flag">over budget</span>`}</td>
      `
      : '';
  const row = (r: ResultSummary, rank: number, score: number, meets: boolean | null) =>
    joined`
      <tr><td class="num">${rank}</td><td>${classLink(r.hardwareClass, current)}</td>${configurationCells(r)}
      <td class="num">${objective.format(score)}</td>${budgetCells(r, meets)}<td class="num">${ms(r.p50Ms)}</td>
      <td class="num">${ms(r.p99Ms)}</td><td class="num">${num(r.throughput)}</td><td>${flags(r)}</td>
      <td>${links(r)}</td></tr>
    `;

  const recommendation = budget
    ? html`<h2>Recommendation</h2><p>The best configuration of each hardware class by ${objective.label} with
${formatBudget(budget)}; unstable results and results that failed parity are never recommended.</p>
${table(
  head(budgetHead),
  board.recommendation.map((r) => row(r.row, r.rank, r.score, r.meetsBudget)),
  `no configuration meets ${formatBudget(budget)}`,
)}`
    : '';
  const shown = (n: number, total: number) =>
    n < total ? html` Showing the first ${n} of ${total}; raise <code>limit</code> in the URL for more.` : '';
  const rankedNote = html`The newest result of every configuration, best ${objective.label} first.`;
  const ranked = html`<h2>Ranking</h2><p class="muted">${rankedNote}${shown(board.ranked.length, board.rankedTotal)}</p>
${table(
  head(budgetHead),
  board.ranked.map((r) => row(r.row, r.rank, r.score, r.meetsBudget)),
  'no configuration has this figure',
)}`;
  const unranked = html`<h2>Not ranked</h2>${
    board.unranked.length < board.unrankedTotal
      ? html`<p class="muted">${Object.entries(board.unrankedByReason)
          .map(([why, n]) => `${n} × ${why}`)
          .join(', ')}.${shown(board.unranked.length, board.unrankedTotal)}</p>`
      : ''
  }
${table(
  joined`
    <tr><th>hardware class</th>${configurationHead}<th>status</th><th>why</th><th class="num">p50 ms</th>
    <th>flags</th><th>details</th></tr>
  `,
  board.unranked.map(
    (u) =>
      joined`
        <tr><td>${classLink(u.row.hardwareClass, current)}</td>${configurationCells(u.row)}<td>${u.row.status}</td>
        <td class="wrap">${u.why}${u.row.reason ? html`: ${u.row.reason}` : ''}</td>
        <td class="num">${ms(u.row.p50Ms)}</td><td>${flags(u.row)}</td><td>${links(u.row)}</td></tr>
      `,
  ),
  'every configuration is ranked',
)}`;
  const prices = Object.entries(board.prices);
  const priceNote =
    prices.length > 0
      ? html`<p class="muted">Prices per hour: ${prices.map(([k, v], i) => html`${i > 0 ? ', ' : ''}${k} ${v}`)}</p>`
      : '';
  return html`${recommendation}${ranked}${unranked}${priceNote}`;
}

/** Under a capacity objective, a link to the capacity plan at the budget's SLO with the same prices. */
function planLink(board: LoadedLeaderboard, current: Record<string, string>): Html | string {
  if (board.objective !== 'capacity' && board.objective !== 'cost_per_million_requests') return '';
  const slo = board.budget && budgetAsSlo(board.budget);
  const plan = href('/plan', { model: board.model, slo, prices: current.prices });
  return html`<p><a href="${plan}">Plan machines and cost for a request rate</a> from these capacities.</p>`;
}

/** A hardware class, linking to this leaderboard narrowed to it. */
function classLink(hardwareClass: string, current: Record<string, string>): Html {
  const narrowed = href('/leaderboard', { ...current, hardwareClass });
  return html`<a href="${narrowed}" title="only this hardware class">${hardwareClass}</a>`;
}

function links(r: ResultSummary): Html {
  return html`<a href="/results/${r.id}">result</a> · <a href="${href('/history', { cell: r.cellId })}">history</a>`;
}
