import { and, asc, desc, eq, gt, gte, inArray, isNotNull, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { results } from './table';

/** Filters of a results query; each list matches any of its values. */
export interface ResultFilter {
  runId?: string[];
  model?: string[];
  modelSha256?: string[];
  ep?: string[];
  precision?: string[];
  batch?: number[];
  hardwareClass?: string[];
  agentId?: string[];
  status?: string[];
  cellId?: string[];
  from?: Date;
  to?: Date;
}

export const RESULT_SORT_FIELDS = ['recordedAt', 'p50Ms', 'p99Ms', 'throughput'] as const;
export type ResultSortField = (typeof RESULT_SORT_FIELDS)[number];

export interface ResultSort {
  field: ResultSortField;
  direction: 'asc' | 'desc';
}

/** Where the previous page ended: the sort value of its last row and that row's id (ids break ties). */
export interface ResultCursor {
  value: number | string;
  id: number;
}

/** A results row without its bulky details (samples, histogram, profile, telemetry, provenance). */
export const resultSummaryColumns = {
  id: results.id,
  runId: results.runId,
  cellId: results.cellId,
  model: results.model,
  modelSha256: results.modelSha256,
  hardwareClass: results.hardwareClass,
  agentId: results.agentId,
  ep: results.ep,
  precision: results.precision,
  batch: results.batch,
  graphOptimization: results.graphOptimization,
  intraOpThreads: results.intraOpThreads,
  interOpThreads: results.interOpThreads,
  executionMode: results.executionMode,
  memoryPattern: results.memoryPattern,
  cpuArena: results.cpuArena,
  epOptions: results.epOptions,
  status: results.status,
  reason: results.reason,
  valid: results.valid,
  parityReason: sql<string | null>`${results.parity}->>'reason'`,
  unstable: results.unstable,
  iterations: results.iterations,
  sessionCreateMs: results.sessionCreateMs,
  firstInferenceMs: results.firstInferenceMs,
  throughput: results.throughput,
  p50Ms: results.p50Ms,
  p90Ms: results.p90Ms,
  p95Ms: results.p95Ms,
  p99Ms: results.p99Ms,
  p50CiLowMs: results.p50CiLowMs,
  p50CiHighMs: results.p50CiHighMs,
  cv: results.cv,
  energyPerInferenceJ: results.energyPerInferenceJ,
  achievedGflops: results.achievedGflops,
  promptTokens: results.promptTokens,
  newTokens: results.newTokens,
  ttftP50Ms: results.ttftP50Ms,
  ttftP99Ms: results.ttftP99Ms,
  itlP50Ms: results.itlP50Ms,
  itlP99Ms: results.itlP99Ms,
  decodeTokensPerS: results.decodeTokensPerS,
  concurrency: results.concurrency,
  meanInFlight: results.meanInFlight,
  requestsPerS: results.requestsPerS,
  slo: results.slo,
  capacityQps: results.capacityQps,
  recordedAt: results.recordedAt,
};

export type ResultSummary = Awaited<ReturnType<typeof searchResults>>['items'][number];

const SORT_COLUMNS = {
  recordedAt: results.recordedAt,
  p50Ms: results.p50Ms,
  p99Ms: results.p99Ms,
  throughput: results.throughput,
};

/** A list filter as WHERE conditions: none for an absent or empty list, else the column matching any value. */
export function anyOf<T>(column: Parameters<typeof inArray>[0], values: T[] | undefined): SQL[] {
  return values && values.length > 0 ? [values.length === 1 ? eq(column, values[0]) : inArray(column, values)] : [];
}

/** The WHERE conditions of a filter, shared by searches and exports. */
export function resultConditions(f: ResultFilter): SQL[] {
  return [
    ...anyOf(results.runId, f.runId),
    ...anyOf(results.model, f.model),
    ...anyOf(results.modelSha256, f.modelSha256),
    ...anyOf(results.ep, f.ep),
    ...anyOf(results.precision, f.precision),
    ...anyOf(results.batch, f.batch),
    ...anyOf(results.hardwareClass, f.hardwareClass),
    ...anyOf(results.agentId, f.agentId),
    ...anyOf(results.status, f.status),
    ...anyOf(results.cellId, f.cellId),
    ...(f.from ? [gte(results.recordedAt, f.from)] : []),
    ...(f.to ? [lt(results.recordedAt, f.to)] : []),
  ];
}

/**
 * One page of results matching a filter, in keyset order (sort value, then id), and the cursor of the next
 * page when there is one. Sorting by a figure leaves out results without it (e.g. failed cells).
 */
export async function searchResults(
  db: Db,
  filter: ResultFilter,
  sort: ResultSort,
  page: { limit: number; after?: ResultCursor },
) {
  const column = SORT_COLUMNS[sort.field];
  const before = sort.direction === 'desc';
  const conditions = resultConditions(filter);
  if (sort.field !== 'recordedAt') conditions.push(isNotNull(column));
  if (page.after) {
    const value = sort.field === 'recordedAt' ? new Date(page.after.value) : Number(page.after.value);
    // A row comparison is an index bound for PostgreSQL, so page 100 costs what page 1 does.
    conditions.push(sql`(${column}, ${results.id}) ${sql.raw(before ? '<' : '>')} (${value}, ${page.after.id})`);
  }
  const order = before ? [desc(column), desc(results.id)] : [asc(column), asc(results.id)];
  const rows = await db
    .select(resultSummaryColumns)
    .from(results)
    .where(and(...conditions))
    .orderBy(...order)
    .limit(page.limit + 1);
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  const next: ResultCursor | undefined =
    rows.length > page.limit && last
      ? {
          value: sort.field === 'recordedAt' ? last.recordedAt.toISOString() : (last[sort.field] as number),
          id: last.id,
        }
      : undefined;
  return { items, next };
}

/** Every result matching a filter, oldest first, in batches: exports stream without holding the set in memory. */
export async function* exportResults(db: Db, filter: ResultFilter, batchSize = 1000) {
  let afterId = 0;
  for (;;) {
    const rows = await db
      .select(resultSummaryColumns)
      .from(results)
      .where(and(...resultConditions(filter), gt(results.id, afterId)))
      .orderBy(asc(results.id))
      .limit(batchSize);
    yield* rows;
    if (rows.length < batchSize) return;
    afterId = rows.at(-1)!.id;
  }
}

/** A run's results without their bulky details, in the order they were recorded. */
export async function runResultSummaries(db: Db, runId: string) {
  return db.select(resultSummaryColumns).from(results).where(eq(results.runId, runId)).orderBy(asc(results.id));
}

/** One result with all its details, or undefined. */
export async function getResult(db: Db, id: number) {
  const [row] = await db.select().from(results).where(eq(results.id, id));
  return row;
}

/** One configuration's results over time (oldest first), for a history chart. */
export async function configurationHistory(db: Db, cellId: string, range: { from?: Date; to?: Date; limit: number }) {
  const rows = await db
    .select({
      ...resultSummaryColumns,
      onnxruntimeVersion: sql<string | null>`${results.provenance}->>'onnxruntimeVersion'`,
    })
    .from(results)
    .where(and(...resultConditions({ cellId: [cellId], from: range.from, to: range.to })))
    .orderBy(desc(results.id))
    .limit(range.limit);
  return rows.reverse();
}

/** Counts of a run's recorded results by status and by agent, for progress without asking Temporal. */
export async function runResultCounts(db: Db, runId: string) {
  const rows = await db
    .select({ status: results.status, agentId: results.agentId, count: sql<number>`count(*)::int` })
    .from(results)
    .where(eq(results.runId, runId))
    .groupBy(results.status, results.agentId);
  return rows;
}
