import { createRoute, z } from '@hono/zod-openapi';
import { configurationHistory } from '@ortfleet/db';
import type { DashboardDeps } from '../app';
import { apiRouter, badParameter, json } from '../http';
import { HistoryQuery, ResultSummaryBody } from '../schemas';

/** /api/v1/history: one configuration's results over time. */
export function historyApi(deps: DashboardDeps) {
  const api = apiRouter();
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/history',
      summary: "One configuration's results over time, oldest first (the newest `limit` of them)",
      tags: ['history'],
      request: { query: HistoryQuery },
      responses: { 200: json(z.object({ cellId: z.string(), points: z.array(ResultSummaryBody.extend({ onnxruntimeVersion: z.string().nullable() })) }).openapi('History'), 'the series'), ...badParameter },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json({ cellId: q.cell, points: await configurationHistory(deps.db, q.cell, q) }, 200);
    },
  );
  return api;
}
