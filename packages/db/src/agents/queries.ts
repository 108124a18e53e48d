import { sql } from 'drizzle-orm';
import type { AgentRegistration } from '@ortfleet/core';
import type { Db } from '../client';
import { agents } from './table';

/** Inserts or refreshes an agent's registration. */
export async function upsertAgent(db: Db, reg: AgentRegistration): Promise<void> {
  const row = {
    id: reg.agentId,
    hostname: reg.probe.hostname,
    hardwareClass: reg.hardwareClass,
    taskQueue: reg.taskQueue,
    probe: reg.probe,
    labels: reg.labels ?? {},
  };
  await db
    .insert(agents)
    .values(row)
    .onConflictDoUpdate({ target: agents.id, set: { ...row, lastSeenAt: sql`now()` } });
}

/** All registered agents, newest registration first. */
export async function listAgents(db: Db) {
  return db
    .select()
    .from(agents)
    .orderBy(sql`${agents.lastSeenAt} desc`);
}

/** Price per hour per hardware class from agents' `price_per_hour` label (the highest, when agents disagree). */
export async function classPrices(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .select({
      hardwareClass: agents.hardwareClass,
      price: sql<number | null>`max((${agents.labels}->>'price_per_hour')::float8)`,
    })
    .from(agents)
    .groupBy(agents.hardwareClass);
  return Object.fromEntries(rows.filter((r) => r.price !== null).map((r) => [r.hardwareClass, Number(r.price)]));
}
