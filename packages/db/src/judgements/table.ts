import { boolean, doublePrecision, index, integer, jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import type { Confirmation, ControlSource, EnvironmentDrift, JudgementVerdict } from '@ortfleet/core';
import { results } from '../results/table';

/** How each valid result was judged against its series' history when its run finished (docs/regressions.md). */
export const judgements = pgTable(
  'judgements',
  {
    id: serial('id').primaryKey(),
    resultId: integer('result_id')
      .notNull()
      .unique()
      .references(() => results.id),
    runId: text('run_id').notNull(),
    cellId: text('cell_id').notNull(),
    model: text('model').notNull(),
    hardwareClass: text('hardware_class').notNull(),
    verdict: text('verdict').$type<JudgementVerdict>().notNull(),
    confirmed: boolean('confirmed').notNull(),
    ratio: doublePrecision('ratio'),
    /**
     * With drift normalization: which control the p50s were divided by (migration 0011 sets 'night' on the
     * judgements before it), the p50 ratio before dividing, and the controls' own ratio.
     */
    controlSource: text('control_source').$type<ControlSource>(),
    rawRatio: doublePrecision('raw_ratio'),
    controlRatio: doublePrecision('control_ratio'),
    intervalLow: doublePrecision('interval_low'),
    intervalHigh: doublePrecision('interval_high'),
    pValue: doublePrecision('p_value'),
    baseline: jsonb('baseline').$type<{ resultIds: number[]; p50Ms: number; from: string; to: string }>(),
    drift: jsonb('drift').$type<EnvironmentDrift[]>().notNull(),
    reasons: jsonb('reasons').$type<string[]>().notNull(),
    /** The same-night A/B confirmation's pairs and outcome, when the model file changed (docs/regressions.md). */
    confirmation: jsonb('confirmation').$type<Confirmation>(),
    judgedAt: timestamp('judged_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('judgements_verdict_idx').on(t.verdict, t.id), index('judgements_cell_idx').on(t.cellId, t.id)],
);

/** Results a person (or autoAcceptAfter) accepted as the new baseline of their series. */
export const acceptedBaselines = pgTable('accepted_baselines', {
  resultId: integer('result_id')
    .primaryKey()
    .references(() => results.id),
  cellId: text('cell_id').notNull(),
  note: text('note'),
  acceptedAt: timestamp('accepted_at', { withTimezone: true }).notNull().defaultNow(),
});
