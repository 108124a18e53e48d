import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { MachineProbe } from '@ortfleet/core';

/** Agents that registered, with the probe of their machine. Liveness comes from Temporal's pollers. */
export const agents = pgTable(
  'agents',
  {
    id: text('id').primaryKey(),
    hostname: text('hostname').notNull(),
    hardwareClass: text('hardware_class').notNull(),
    taskQueue: text('task_queue').notNull(),
    probe: jsonb('probe').$type<MachineProbe>().notNull(),
    /** Operator labels (`--labels region=eu,price_per_hour=1.2`). */
    labels: jsonb('labels').$type<Record<string, string>>().notNull().default({}),
    registeredAt: timestamp('registered_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('agents_hardware_class_idx').on(t.hardwareClass)],
);
