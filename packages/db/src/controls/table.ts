import {
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { ControlPosition } from '@ortfleet/core';
import { runs } from '../runs/table';

/**
 * The control workload's measurements (docs/regressions.md, "Machine drift"): up to three per agent and run,
 * at the start, middle and end of the agent's share. (run, agent, position) is unique, so a retried write is a no-op.
 */
export const controlResults = pgTable(
  'control_results',
  {
    id: serial('id').primaryKey(),
    runId: text('run_id')
      .notNull()
      .references(() => runs.id),
    agentId: text('agent_id').notNull(),
    hardwareClass: text('hardware_class').notNull(),
    position: text('position').$type<ControlPosition>().notNull(),
    p50Ms: doublePrecision('p50_ms').notNull(),
    samplesMs: jsonb('samples_ms').$type<number[]>().notNull(),
    iterations: integer('iterations').notNull(),
    modelSha256: text('model_sha256').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('control_results_run_agent_position_idx').on(t.runId, t.agentId, t.position),
    index('control_results_agent_idx').on(t.agentId, t.recordedAt),
  ],
);
