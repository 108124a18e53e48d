import { sql } from 'drizzle-orm';
import type { AgentRegistration } from '@ortfleet/core';
import type { Db } from '../client';
import { agents } from './table';

/** Inserts or refreshes an agent's registration. */
export async function upsertAgent(db: Db, reg: AgentRegistration): Promise<void> {
  const row = { id: reg.agentId, hostname: reg.probe.hostname, hardwareClass: reg.hardwareClass, taskQueue: reg.taskQueue, probe: reg.probe };
  await db
    .insert(agents)
    .values(row)
    .onConflictDoUpdate({ target: agents.id, set: { ...row, lastSeenAt: sql`now()` } });
}

/** All registered agents, newest registration first. */
export async function listAgents(db: Db) {
  return db.select().from(agents).orderBy(sql`${agents.lastSeenAt} desc`);
}
