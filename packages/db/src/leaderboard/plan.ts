import { planCapacity, type PlanRequest } from '@ortfleet/core';
import type { Db } from '../client';
import { classPrices } from '../agents/queries';
import { latestConfigurations, resultSummariesByIds } from './queries';

/**
 * The capacity plan of one model from the newest result of each of its configurations, each class's best
 * configuration as its full result summary; `prices` override the agents' price_per_hour labels. Used by
 * `ortfleet plan` and the dashboard's /plan, so both give one answer.
 */
export async function capacityPlan(db: Db, model: string, request: PlanRequest) {
  const [rows, labelled] = await Promise.all([latestConfigurations(db, model), classPrices(db)]);
  const prices = { ...labelled, ...request.prices };
  const plans = planCapacity(rows, { ...request, prices });
  const ids = plans.flatMap((p) => (p.best ? [p.best.resultId] : []));
  const summaries = new Map((await resultSummariesByIds(db, ids)).map((r) => [r.id, r]));
  return {
    model,
    configurations: rows.length,
    prices,
    plans: plans.map(({ best, ...plan }) => ({ ...plan, ...(best && { best: summaries.get(best.resultId)! }) })),
  };
}

export type CapacityPlan = Awaited<ReturnType<typeof capacityPlan>>;
