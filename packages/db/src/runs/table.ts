import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const RUN_STATUSES = ['running', 'completed', 'completed_with_failures'] as const;

/** One `ortfleet run`: its spec as submitted, its status and when it started and ended. */
export const runs = pgTable('runs', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  spec: jsonb('spec').notNull(),
  status: text('status', { enum: RUN_STATUSES }).notNull().default('running'),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});
