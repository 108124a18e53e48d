import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { listModels } from '@ortfleet/db';
import { badParameter } from '../api-errors';
import type { DashboardDeps } from '../deps';
import { apiRouter, json } from '../http';
import { loadLeaderboard } from './load';
import { LeaderboardBody, LeaderboardQuery, ModelsBody } from './schemas';

const leaderboardRoute = createRoute({
  method: 'get',
  path: '/api/v1/leaderboard',
  summary: "A model's configurations ranked by an objective, with the recommendation under a latency budget",
  tags: ['leaderboard'],
  request: { query: LeaderboardQuery },
  responses: { 200: json(LeaderboardBody, 'the leaderboard'), ...badParameter },
});

const modelsRoute = createRoute({
  method: 'get',
  path: '/api/v1/models',
  summary: 'Models with results, with their configuration and hardware class counts',
  tags: ['leaderboard'],
  responses: { 200: json(ModelsBody, 'models') },
});

/** /api/v1/leaderboard and /api/v1/models. */
export function leaderboardApi(deps: DashboardDeps): OpenAPIHono {
  const api = apiRouter();
  api.openapi(leaderboardRoute, async (c) => {
    const board = await loadLeaderboard(deps.db, c.req.valid('query'));
    const ranked = ({ row, ...rest }: (typeof board.ranked)[number]) => ({ ...rest, result: row });
    return c.json(
      {
        ...board,
        ranked: board.ranked.map(ranked),
        unranked: board.unranked.map(({ row, why }) => ({ why, result: row })),
        recommendation: board.recommendation.map(ranked),
      },
      200,
    );
  });
  api.openapi(modelsRoute, async (c) => c.json({ items: await listModels(deps.db) }, 200));
  return api;
}
