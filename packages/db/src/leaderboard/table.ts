import { index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { results } from '../results/table';

/**
 * The newest result of each configuration (cell id), kept by a trigger on `results` (migration 0002), so a
 * leaderboard reads one row per configuration instead of scanning a model's whole history.
 */
export const latestResults = pgTable(
  'latest_results',
  {
    cellId: text('cell_id').primaryKey(),
    resultId: integer('result_id')
      .notNull()
      .references(() => results.id),
    model: text('model').notNull(),
    hardwareClass: text('hardware_class').notNull(),
  },
  (t) => [index('latest_results_model_idx').on(t.model, t.hardwareClass)],
);
