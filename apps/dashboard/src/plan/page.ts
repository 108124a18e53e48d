import { Hono } from 'hono';
import { html } from 'hono/html';
import { describeConfiguration, formatSlo, HOURS_PER_MONTH } from '@ortfleet/core';
import { listModels } from '@ortfleet/db';
import type { DashboardDeps } from '../deps';
import { joined, pageFrame, table, type Html } from '../page-frame';
import { href, parseQuery } from '../query';
import { num, pct } from '../format';
import { costChart, curveChart } from './charts';
import { bestLoads, loadPlan, type LoadedPlan } from './load';
import { PlanQuery } from './schemas';

const INTRO = html`<p>How many machines of each hardware class serve a request rate of a model within an SLO, and
what they cost. Each class's capacity is its best configuration's requests/s at exactly that SLO, measured by
the open loop of a spec's <code>load: { slo, search: true }</code>.</p>`;

/** GET /plan: machines and cost per hardware class for a request rate within an SLO, below the form that asks. */
export function planPages(deps: DashboardDeps): Hono {
  const app = new Hono();
  app.get('/plan', async (c) => {
    const query = c.req.query();
    const models = (await listModels(deps.db)).map((m) => m.model);
    const form = planForm(query, models);
    // Until the rate and the SLO are given the page is the form (a leaderboard links here with the SLO only);
    // whatever is given is checked all the same.
    if (!given(query.qps) || !given(query.slo)) {
      parseQuery(PlanQuery.partial(), query);
      return c.html(pageFrame('Capacity plan', html`${INTRO}${form}`));
    }
    const plan = await loadPlan(deps.db, parseQuery(PlanQuery, query));
    const charts = [costChart(plan), curveChart(plan, await bestLoads(deps.db, plan))].filter((h) => h !== null);
    const page = html`${form}${answer(plan, query)}${
      charts.length > 0
        ? html`<h2>Charts</h2><div class="charts">${charts.map((h) => html`<div>${h}</div>`)}</div>`
        : ''
    }`;
    return c.html(pageFrame(`Capacity plan: ${plan.model}`, page, { charts: charts.length > 0 }));
  });
  return app;
}

function given(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}

function planForm(current: Record<string, string>, models: string[]): Html {
  const options = !current.model || models.includes(current.model) ? models : [current.model, ...models];
  const selected = (yes: boolean) => (yes ? html` selected` : '');
  const input = (name: string, label: string, placeholder: string) =>
    html`<label>${label}<input name="${name}" value="${current[name] ?? ''}" placeholder="${placeholder}"></label>`;
  return html`<form class="filters" method="get" action="/plan">
<label>model<select name="model">${options.map((m) => html`<option${selected(m === current.model)}>${m}</option>`)}</select></label>
${input('qps', 'requests/s', '500')}${input('slo', 'SLO', 'p99<=30')}${input('headroom', 'headroom', '0.3')}
${input('prices', 'price per hour', 'class:1.2,other:0.4')}
<button>Plan</button></form>`;
}

function answer(plan: LoadedPlan, query: Record<string, string>): Html {
  const slo = plan.slo;
  const ask = html`<p>To serve <strong>${num(plan.qps, 1)} requests/s</strong> within ${formatSlo(slo)} ms from
arrival, with ${pct(plan.headroom, 0)} of each machine kept spare (each runs at most at ${pct(1 - plan.headroom, 0)}
of its capacity). <a href="${href('/api/v1/plan', query)}">JSON</a></p>`;
  if (plan.why) return html`${ask}<p class="muted">${plan.why}.</p>`;
  const money = (v: number | null) => num(v, 2);
  const rows = plan.plans.map(
    (p) =>
      joined`
        <tr><td>${p.hardwareClass}</td><td class="num">${num(p.capacityQps, 1)}</td>
        <td class="num">${p.machines ?? ''}</td><td class="num">${money(p.pricePerHour)}</td>
        <td class="num">${money(p.costPerHour)}</td><td class="num">${money(p.costPerMonth)}</td>
        <td class="wrap">${
          p.best ? html`<a href="/results/${p.best.id}">result ${p.best.id}</a>: ${describeConfiguration(p.best)}` : ''
        }</td><td class="wrap">${p.why ?? ''}</td></tr>
      `,
  );
  const head = joined`
    <tr><th>hardware class</th><th class="num">requests/s per machine</th><th class="num">machines</th>
    <th class="num">price per hour</th><th class="num">cost per hour</th><th class="num">cost per month</th>
    <th>best configuration</th><th>notes</th></tr>
  `;
  const note = html`Cheapest first, then classes without a price (fewest machines first), then classes without a
capacity at ${formatSlo(slo)}. From the newest result of each of ${plan.configurations} configurations; a month is
${HOURS_PER_MONTH} hours.`;
  const prices = Object.entries(plan.prices);
  const priceNote =
    prices.length > 0
      ? html`<p class="muted">Prices per hour: ${prices.map(([k, v], i) => html`${i > 0 ? ', ' : ''}${k} ${v}`)}</p>`
      : '';
  return html`${ask}<h2>Plan</h2><p class="muted">${note}</p>${table(head, rows)}${priceNote}`;
}
