import { Hono } from 'hono';
import { html } from 'hono/html';
import { listModels, listRuns } from '@ortfleet/db';
import type { DashboardDeps, FeatureRouter } from './deps';
import { assetRoutes } from './assets';
import { comparePages } from './compare/page';
import { fleetPages } from './fleet/page';
import { historyPages } from './history/page';
import { leaderboardPages, modelsTable } from './leaderboard/page';
import { pageFrame } from './page-frame';
import { planPages } from './plan/page';
import { regressionsPages } from './regressions/page';
import { resultPages } from './results/page';
import { runsPages, runsTable } from './runs/page';

/** How many runs the home page lists; /runs lists more. */
const HOME_RUNS = 20;

/** Every feature's pages. */
const FEATURES: FeatureRouter[] = [
  leaderboardPages,
  planPages,
  runsPages,
  resultPages,
  comparePages,
  historyPages,
  fleetPages,
  regressionsPages,
];

/** GET /: the models, each linking to its leaderboard, and the recent runs. */
export function homePage(deps: DashboardDeps): Hono {
  const app = new Hono();
  app.get('/', async (c) => {
    const [models, runs] = await Promise.all([listModels(deps.db), listRuns(deps.db, HOME_RUNS)]);
    const more = runs.length === HOME_RUNS ? html`<p><a href="/runs">All runs</a></p>` : '';
    const intro = html`<p class="muted">Each model's leaderboard ranks every configuration it was measured in.</p>`;
    const body = html`<h2>Models</h2>${intro}${modelsTable(models)}
<h2>Recent runs</h2>${runsTable(runs)}${more}`;
    return c.html(pageFrame('ortfleet', body));
  });
  return app;
}

/** The HTML pages for people and the scripts they load. */
export function pageRoutes(deps: DashboardDeps): Hono {
  const app = new Hono();
  app.route('/', assetRoutes());
  app.route('/', homePage(deps));
  for (const feature of FEATURES) app.route('/', feature(deps));
  return app;
}
