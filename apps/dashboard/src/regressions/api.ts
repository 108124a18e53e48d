import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { listJudgements } from '@ortfleet/db';
import { badParameter } from '../api-errors';
import type { DashboardDeps } from '../deps';
import { apiRouter, json } from '../http';
import { JudgementsBody, RegressionsQuery } from './schemas';

const regressionsRoute = createRoute({
  method: 'get',
  path: '/api/v1/regressions',
  summary: 'Judgements of results against their series history, newest first (default: regressions only)',
  tags: ['regressions'],
  request: { query: RegressionsQuery },
  responses: { 200: json(JudgementsBody, 'judgements'), ...badParameter },
});

/** /api/v1/regressions: how results were judged against their series, newest first. */
export function regressionsApi(deps: DashboardDeps): OpenAPIHono {
  const api = apiRouter();
  api.openapi(regressionsRoute, async (c) => {
    const q = c.req.valid('query');
    const filter = { verdict: q.verdict, model: q.model, hardwareClass: q.hardwareClass, runId: q.run, cellId: q.cell };
    return c.json({ items: await listJudgements(deps.db, { ...filter, limit: q.limit }) }, 200);
  });
  return api;
}
