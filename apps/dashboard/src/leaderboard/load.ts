import type { z } from '@hono/zod-openapi';
import { rankLeaderboard } from '@ortfleet/core';
import { classPrices, latestConfigurations, resultSummariesByIds, type Db, type ResultSummary } from '@ortfleet/db';
import type { LeaderboardQuery } from './schemas';

/**
 * A model's leaderboard: the newest result of each configuration, ranked by the objective, with the
 * recommendation under the budget. Prices come from agents' `price_per_hour` labels, overridden by the query.
 * Ranking reads only the narrow rollup rows; full results are read for the `limit` best (and the
 * recommendation and the first `limit` unranked), so a model with thousands of configurations stays fast.
 */
export async function loadLeaderboard(db: Db, q: z.output<typeof LeaderboardQuery>) {
  const [figures, labelled] = await Promise.all([
    latestConfigurations(db, q.model, {
      ep: q.ep,
      precision: q.precision,
      batch: q.batch,
      hardwareClass: q.hardwareClass,
    }),
    classPrices(db),
  ]);
  const prices = { ...labelled, ...q.prices };
  const board = rankLeaderboard(figures, { objective: q.objective, prices, budget: q.budget });
  const ranked = board.ranked.slice(0, q.limit);
  const unranked = board.unranked.slice(0, q.limit);
  const ids = [...new Set([...ranked, ...board.recommendation, ...unranked].map((entry) => entry.row.resultId))];
  const summaries = new Map((await resultSummariesByIds(db, ids)).map((r) => [r.id, r]));
  const full = <T extends { row: { resultId: number } }>(entry: T): Omit<T, 'row'> & { row: ResultSummary } => ({
    ...entry,
    row: summaries.get(entry.row.resultId)!,
  });
  const whyCounts: Record<string, number> = {};
  for (const u of board.unranked) whyCounts[u.why] = (whyCounts[u.why] ?? 0) + 1;
  return {
    model: q.model,
    objective: q.objective,
    budget: q.budget ?? null,
    prices,
    configurations: figures.length,
    rankedTotal: board.ranked.length,
    unrankedTotal: board.unranked.length,
    unrankedByReason: whyCounts,
    ranked: ranked.map(full),
    unranked: unranked.map(full),
    recommendation: board.recommendation.map(full),
  };
}

export type LoadedLeaderboard = Awaited<ReturnType<typeof loadLeaderboard>>;
