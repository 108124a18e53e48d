import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { badParameter } from '../api-errors';
import type { DashboardDeps } from '../deps';
import { apiRouter, json } from '../http';
import { loadPlan } from './load';
import { PlanBody, PlanQuery } from './schemas';

const planRoute = createRoute({
  method: 'get',
  path: '/api/v1/plan',
  summary:
    "Machines and cost per hardware class to serve a model's request rate within an SLO (the open loop's capacity)",
  tags: ['plan'],
  request: { query: PlanQuery },
  responses: { 200: json(PlanBody, 'the plan, cheapest class first'), ...badParameter },
});

/** /api/v1/plan: the capacity plan `ortfleet plan` prints. */
export function planApi(deps: DashboardDeps): OpenAPIHono {
  const api = apiRouter();
  api.openapi(planRoute, async (c) => c.json(await loadPlan(deps.db, c.req.valid('query')), 200));
  return api;
}
