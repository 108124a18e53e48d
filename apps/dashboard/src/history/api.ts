import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { configurationHistory } from '@ortfleet/db';
import { badParameter } from '../api-errors';
import type { DashboardDeps } from '../deps';
import { apiRouter, json } from '../http';
import { HistoryBody, HistoryQuery } from './schemas';

const historyRoute = createRoute({
  method: 'get',
  path: '/api/v1/history',
  summary: "One configuration's results over time, oldest first (the newest `limit` of them)",
  tags: ['history'],
  request: { query: HistoryQuery },
  responses: { 200: json(HistoryBody, 'the series'), ...badParameter },
});

/** /api/v1/history: one configuration's results over time. */
export function historyApi(deps: DashboardDeps): OpenAPIHono {
  const api = apiRouter();
  api.openapi(historyRoute, async (c) => {
    const q = c.req.valid('query');
    return c.json({ cellId: q.cell, points: await configurationHistory(deps.db, q.cell, q) }, 200);
  });
  return api;
}
