import type { OpenAPIHono } from '@hono/zod-openapi';
import type { DashboardDeps } from './deps';
import { requireToken } from './auth';
import { apiRouter } from './http';
import { compareApi } from './compare/api';
import { mountOpenApi } from './docs/openapi';
import { fleetApi } from './fleet/api';
import { historyApi } from './history/api';
import { leaderboardApi } from './leaderboard/api';
import { modelsApi } from './models/api';
import { planApi } from './plan/api';
import { regressionsApi } from './regressions/api';
import { resultsApi } from './results/api';
import { runsApi } from './runs/api';

const VERSION = '1';

/** Every feature's API router, in the order the OpenAPI document lists them. */
const FEATURES = [
  runsApi,
  resultsApi,
  leaderboardApi,
  planApi,
  historyApi,
  compareApi,
  fleetApi,
  modelsApi,
  regressionsApi,
];

/** Every /api route; reads are open unless the server requires a token for them too. */
export function apiRoutes(deps: DashboardDeps): OpenAPIHono {
  const api = apiRouter();
  if (deps.readRequiresToken) api.use('/api/v1/*', requireToken(deps.db));
  for (const feature of FEATURES) api.route('/', feature(deps));
  mountOpenApi(api, VERSION);
  return api;
}
