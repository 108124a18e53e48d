import { createRoute, z } from '@hono/zod-openapi';
import { BUDGET_METRICS, OBJECTIVES } from '@ortfleet/core';
import { listModels } from '@ortfleet/db';
import type { DashboardDeps } from '../app';
import { apiRouter, badParameter, json } from '../http';
import { LeaderboardQuery, ResultSummaryBody } from '../schemas';
import { loadLeaderboard } from './load';

const Ranked = z.object({
  rank: z.number().int(),
  score: z.number().openapi({ description: "the objective's value (ms, items/s, items/J or price per 1M inferences)" }),
  meetsBudget: z.boolean().nullable(),
  result: ResultSummaryBody,
});

const LeaderboardBody = z
  .object({
    model: z.string(),
    objective: z.enum(OBJECTIVES),
    budget: z.object({ metric: z.enum(BUDGET_METRICS), maxMs: z.number() }).nullable(),
    prices: z.record(z.string(), z.number()).openapi({ description: 'price per hour per hardware class used for cost' }),
    configurations: z.number().int().openapi({ description: 'configurations matching the filters' }),
    rankedTotal: z.number().int(),
    unrankedTotal: z.number().int(),
    unrankedByReason: z.record(z.string(), z.number().int()),
    ranked: z.array(Ranked).openapi({ description: 'the `limit` best configurations with the objective figure, best first; unstable ones are ranked and flagged' }),
    unranked: z.array(z.object({ why: z.string(), result: ResultSummaryBody })),
    recommendation: z.array(Ranked).openapi({ description: 'per hardware class, the best stable configuration that passed parity and meets the budget' }),
  })
  .openapi('Leaderboard');

/** /api/v1/leaderboard and /api/v1/models. */
export function leaderboardApi(deps: DashboardDeps) {
  const api = apiRouter();
  api.openapi(
    createRoute({ method: 'get', path: '/api/v1/leaderboard', summary: "A model's configurations ranked by an objective, with the recommendation under a latency budget", tags: ['leaderboard'], request: { query: LeaderboardQuery }, responses: { 200: json(LeaderboardBody, 'the leaderboard'), ...badParameter } }),
    async (c) => {
      const board = await loadLeaderboard(deps.db, c.req.valid('query'));
      const ranked = ({ row, ...rest }: (typeof board.ranked)[number]) => ({ ...rest, result: row });
      return c.json({ ...board, ranked: board.ranked.map(ranked), unranked: board.unranked.map(({ row, why }) => ({ why, result: row })), recommendation: board.recommendation.map(ranked) }, 200);
    },
  );
  api.openapi(
    createRoute({ method: 'get', path: '/api/v1/models', summary: 'Models with results, with their configuration and hardware class counts', tags: ['leaderboard'], responses: { 200: json(z.object({ items: z.array(z.object({ model: z.string(), configurations: z.number().int(), hardwareClasses: z.number().int() })) }), 'models') } }),
    async (c) => c.json({ items: await listModels(deps.db) }, 200),
  );
  return api;
}
