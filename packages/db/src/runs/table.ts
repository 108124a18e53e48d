import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const RUN_STATUSES = ['running', 'completed', 'completed_with_failures'] as const;

/** One `ortfleet run`: its spec as submitted, its status, when it started and ended, and the schedule that started it. */
export const runs = pgTable('runs', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  spec: jsonb('spec').notNull(),
  status: text('status', { enum: RUN_STATUSES }).notNull().default('running'),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  /** The `ortfleet schedule` name of a scheduled run, so its nights form one series; null for a run started by hand. */
  schedule: text('schedule'),
  /** The Temporal workflow of the run, when it differs from the run id (a scheduled run's has a time with ':'). */
  workflowId: text('workflow_id'),
});
