import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { resultConditions, resultSummaryColumns, type ResultFilter } from '../results/search';
import { results } from '../results/table';
import { latestResults } from './table';

/** The newest result of every configuration of one model, narrowed by a filter (EP, precision, batch, hardware). */
export async function latestConfigurations(db: Db, model: string, filter: Omit<ResultFilter, 'model'> = {}) {
  return db
    .select(resultSummaryColumns)
    .from(latestResults)
    .innerJoin(results, eq(results.id, latestResults.resultId))
    .where(and(eq(latestResults.model, model), ...resultConditions(filter)))
    .orderBy(asc(results.hardwareClass), asc(results.id));
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
