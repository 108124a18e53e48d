import type { z } from '@hono/zod-openapi';
import { rankLeaderboard } from '@ortfleet/core';
import { classPrices, latestConfigurations, type Db } from '@ortfleet/db';
import type { LeaderboardQuery } from '../schemas';

/**
 * A model's leaderboard: the newest result of each configuration, ranked by the objective, with the
 * recommendation under the budget. Prices come from agents' `price_per_hour` labels, overridden by the query.
 */
export async function loadLeaderboard(db: Db, q: z.output<typeof LeaderboardQuery>) {
  const [rows, labelled] = await Promise.all([
    latestConfigurations(db, q.model, { ep: q.ep, precision: q.precision, batch: q.batch, hardwareClass: q.hardwareClass }),
    classPrices(db),
  ]);
  const prices = { ...labelled, ...q.prices };
  return { model: q.model, objective: q.objective, budget: q.budget ?? null, prices, ...rankLeaderboard(rows, { objective: q.objective, prices, budget: q.budget }) };
}

export type LoadedLeaderboard = Awaited<ReturnType<typeof loadLeaderboard>>;
