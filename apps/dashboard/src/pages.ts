import { Hono } from 'hono';
import { html } from 'hono/html';
import { listModels, listRuns } from '@ortfleet/db';
import type { DashboardDeps } from './app';
import { assetRoutes } from './assets';
import { comparePage } from './compare/page';
import { fleetPage } from './fleet/page';
import { regressionsPage } from './regressions/page';
import { historyPage } from './history/page';
import { layout } from './layout';
import { leaderboardPage, modelsTable } from './leaderboard/page';
import { resultPage } from './results/page';
import { runsPages, runsTable } from './runs/page';

/** How many runs the home page lists; /runs lists more. */
const HOME_RUNS = 20;

/** The HTML pages for people and the scripts they load. */
export function pageRoutes(deps: DashboardDeps): Hono {
  const app = new Hono();
  app.route('/', assetRoutes());
  app.get('/', async (c) => {
    const [models, runs] = await Promise.all([listModels(deps.db), listRuns(deps.db, HOME_RUNS)]);
    return c.html(
      layout('ortfleet', html`<h2>Models</h2><p class="muted">Each model's leaderboard ranks every configuration it was measured in.</p>${modelsTable(models)}
<h2>Recent runs</h2>${runsTable(runs)}${runs.length === HOME_RUNS ? html`<p><a href="/runs">All runs</a></p>` : ''}`),
    );
  });
  leaderboardPage(app, deps);
  runsPages(app, deps);
  resultPage(app, deps);
  comparePage(app, deps);
  historyPage(app, deps);
  fleetPage(app, deps);
  regressionsPage(app, deps);
  return app;
}
