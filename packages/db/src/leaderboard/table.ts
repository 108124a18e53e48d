import { boolean, doublePrecision, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { results } from '../results/table';

/**
 * The newest result of each configuration (cell id) with the figures a ranking needs, kept by a trigger on
 * `results` (migrations 0002 and 0003), so a leaderboard reads one narrow row per configuration instead of
 * scanning a model's whole history; the full result is read only for the rows a page shows.
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
    ep: text('ep'),
    precision: text('precision'),
    batch: integer('batch'),
    status: text('status'),
    valid: boolean('valid'),
    unstable: boolean('unstable'),
    p50Ms: doublePrecision('p50_ms'),
    p90Ms: doublePrecision('p90_ms'),
    p95Ms: doublePrecision('p95_ms'),
    p99Ms: doublePrecision('p99_ms'),
    throughput: doublePrecision('throughput'),
    energyPerInferenceJ: doublePrecision('energy_per_inference_j'),
    /** Decoder cells only (migration 0006). */
    ttftP50Ms: doublePrecision('ttft_p50_ms'),
    ttftP99Ms: doublePrecision('ttft_p99_ms'),
    itlP50Ms: doublePrecision('itl_p50_ms'),
    itlP99Ms: doublePrecision('itl_p99_ms'),
    decodeTokensPerS: doublePrecision('decode_tokens_per_s'),
    /** Closed-loop requests/s and the open loop's capacity at its SLO (migration 0008). */
    concurrency: integer('concurrency'),
    requestsPerS: doublePrecision('requests_per_s'),
    slo: text('slo'),
    capacityQps: doublePrecision('capacity_qps'),
  },
  (t) => [index('latest_results_model_idx').on(t.model, t.hardwareClass)],
);
