import type { z } from '@hono/zod-openapi';
import type { LoadFigures } from '@ortfleet/core';
import { capacityPlan, getResult, type Db } from '@ortfleet/db';
import type { PlanQuery } from './schemas';

/**
 * A model's capacity plan for the query, with the request it answers. A model without results gets an empty
 * plan that says so, as an unknown model gets an empty leaderboard.
 */
export async function loadPlan(db: Db, q: z.output<typeof PlanQuery>) {
  const { qps, slo, headroom } = q;
  const plan = await capacityPlan(db, q.model, { qps, slo, headroom, prices: q.prices ?? {} });
  return {
    ...plan,
    qps,
    slo,
    headroom,
    ...(plan.configurations === 0 && { why: `no results of model '${q.model}'` }),
  };
}

export type LoadedPlan = Awaited<ReturnType<typeof loadPlan>>;

/** The open-loop figures of each class's best configuration, by hardware class: its latency–throughput curve. */
export async function bestLoads(db: Db, plan: LoadedPlan): Promise<Map<string, LoadFigures>> {
  const loads = new Map<string, LoadFigures>();
  await Promise.all(
    plan.plans.map(async (p) => {
      const load = p.best && (await getResult(db, p.best.id))?.load;
      if (load) loads.set(p.hardwareClass, load);
    }),
  );
  return loads;
}
