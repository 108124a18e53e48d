import { planCapacity, type PlanRequest } from '@ortfleet/core';
import type { Db } from '../client';
import { classPrices } from '../agents/queries';
import { latestConfigurations } from './queries';

/**
 * The capacity plan of one model from the newest result of each of its configurations: `prices` override the
 * agents' price_per_hour labels. Used by `ortfleet plan` and the dashboard's /plan, so both give one answer.
 */
export async function capacityPlan(db: Db, model: string, request: PlanRequest) {
  const [rows, labelled] = await Promise.all([latestConfigurations(db, model), classPrices(db)]);
  const prices = { ...labelled, ...request.prices };
  return { model, configurations: rows.length, prices, plans: planCapacity(rows, { ...request, prices }) };
}

export type CapacityPlan = Awaited<ReturnType<typeof capacityPlan>>;
