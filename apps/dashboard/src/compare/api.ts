import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { badParameter, errorResponse } from '../api-errors';
import type { DashboardDeps } from '../deps';
import { apiRouter, json } from '../http';
import { loadComparison } from './load';
import { CompareQuery, ComparisonBody } from './schemas';

const compareRoute = createRoute({
  method: 'get',
  path: '/api/v1/compare',
  summary: 'Two runs (runA, runB) or two hardware classes on a model (model, classA, classB), side by side',
  tags: ['compare'],
  request: { query: CompareQuery },
  responses: { 200: json(ComparisonBody, 'the comparison'), ...badParameter, 404: errorResponse('no such run') },
});

/** /api/v1/compare: two runs, or two hardware classes on one model. */
export function compareApi(deps: DashboardDeps): OpenAPIHono {
  const api = apiRouter();
  api.openapi(compareRoute, async (c) => c.json(await loadComparison(deps.db, c.req.valid('query')), 200));
  return api;
}
