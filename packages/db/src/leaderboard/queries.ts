import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { anyOf, resultSummaryColumns } from '../results/search';
import { results } from '../results/table';
import { latestResults } from './table';

/** Filters of a leaderboard: each list matches any of its values. */
export interface ConfigurationFilter {
  ep?: string[];
  precision?: string[];
  batch?: number[];
  hardwareClass?: string[];
}

/** The ranking figures of the newest result of every configuration of one model, narrowed by a filter. */
export async function latestConfigurations(db: Db, model: string, filter: ConfigurationFilter = {}) {
  return db
    .select({
      resultId: latestResults.resultId,
      hardwareClass: latestResults.hardwareClass,
      status: sql<string>`coalesce(${latestResults.status}, '')`,
      valid: sql<boolean>`coalesce(${latestResults.valid}, false)`,
      unstable: latestResults.unstable,
      batch: sql<number>`coalesce(${latestResults.batch}, 1)`,
      p50Ms: latestResults.p50Ms,
      p90Ms: latestResults.p90Ms,
      p95Ms: latestResults.p95Ms,
      p99Ms: latestResults.p99Ms,
      throughput: latestResults.throughput,
      energyPerInferenceJ: latestResults.energyPerInferenceJ,
      ttftP50Ms: latestResults.ttftP50Ms,
      ttftP99Ms: latestResults.ttftP99Ms,
      itlP50Ms: latestResults.itlP50Ms,
      itlP99Ms: latestResults.itlP99Ms,
      decodeTokensPerS: latestResults.decodeTokensPerS,
      concurrency: latestResults.concurrency,
      requestsPerS: latestResults.requestsPerS,
      slo: latestResults.slo,
      capacityQps: latestResults.capacityQps,
    })
    .from(latestResults)
    .where(
      and(
        eq(latestResults.model, model),
        ...anyOf(latestResults.ep, filter.ep),
        ...anyOf(latestResults.precision, filter.precision),
        ...anyOf(latestResults.batch, filter.batch),
        ...anyOf(latestResults.hardwareClass, filter.hardwareClass),
      ),
    )
    .orderBy(asc(latestResults.hardwareClass), asc(latestResults.resultId));
}

/** Result summaries by id, in the order of `ids`. */
export async function resultSummariesByIds(db: Db, ids: number[]) {
  if (ids.length === 0) return [];
  const rows = await db.select(resultSummaryColumns).from(results).where(inArray(results.id, ids));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((r) => r !== undefined);
}

/** Models with recorded results, with how many configurations and hardware classes each has. */
export async function listModels(db: Db) {
  return db
    .select({
      model: latestResults.model,
      configurations: sql<number>`count(*)::int`,
      hardwareClasses: sql<number>`count(distinct ${latestResults.hardwareClass})::int`,
    })
    .from(latestResults)
    .groupBy(latestResults.model)
    .orderBy(asc(latestResults.model));
}
