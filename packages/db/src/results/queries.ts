import { asc, eq } from 'drizzle-orm';
import { capacityAtSlo, formatSlo, isRankable, type CellResult } from '@ortfleet/core';
import type { Db } from '../client';
import { recordControls } from '../controls/queries';
import { generationValues } from './generation';
import { results } from './table';

/** The row of one cell's result. */
function resultValues(runId: string, r: CellResult, modelSha256?: string): typeof results.$inferInsert {
  const m = r.measurement;
  return {
    runId,
    cellId: r.cellId,
    model: r.params.model,
    modelSha256,
    hardwareClass: r.params.hardwareClass,
    agentId: r.agentId,
    ep: r.params.ep,
    precision: r.params.precision,
    batch: r.params.batch,
    graphOptimization: r.params.graphOptimization,
    intraOpThreads: r.params.intraOpThreads,
    interOpThreads: r.params.interOpThreads,
    executionMode: r.params.executionMode,
    memoryPattern: r.params.memoryPattern,
    cpuArena: r.params.cpuArena,
    epOptions: r.params.epOptions,
    freeDimensions: r.params.freeDimensions,
    sessionConfig: r.params.sessionConfig,
    sessionOptions: r.sessionOptions,
    status: r.status,
    reason: r.reason,
    sessionCreateMs: m?.sessionCreateMs,
    firstInferenceMs: m?.firstInferenceMs,
    warmupIterations: m?.warmupIterations,
    iterations: m?.iterations,
    durationMs: m?.durationMs,
    throughput: m?.throughput,
    ...m?.stats,
    histogram: m?.histogram,
    windows: m?.windows,
    samplesMs: m?.samplesMs,
    unstable: m?.unstable,
    valid: isRankable(r),
    achievedGflops: m?.achievedGflops,
    energyPerInferenceJ: m?.telemetry?.energyPerInferenceJ,
    telemetry: m?.telemetry,
    parity: r.parity,
    profile: r.profile,
    modelFacts: r.modelFacts,
    provenance: r.provenance,
    note: m?.note,
    ...generationValues(r),
    concurrency: r.params.concurrency ?? 1,
    concurrencyMode: m?.concurrency?.mode,
    meanInFlight: m?.concurrency?.meanInFlight,
    requestsPerS: m?.concurrency?.requestsPerS,
    load: m?.load,
    interleavedControl: m?.interleavedControl,
    slo: m?.load?.slo ? formatSlo(m.load.slo) : undefined,
    capacityQps: m?.load ? capacityAtSlo(m.load) : undefined,
  };
}

/**
 * Writes one cell's result. Idempotent on (run, cell): a retried persist activity, or a second attempt of the
 * cell, never produces a second row. Returns whether this call inserted the row.
 */
export async function recordResult(db: Db, runId: string, r: CellResult, modelSha256?: string): Promise<boolean> {
  return (await recordResults(db, runId, [{ result: r, modelSha256 }])) === 1;
}

/** Rows one insert statement takes: far below PostgreSQL's 65,535 parameters at about 60 columns a row. */
const ROWS_PER_INSERT = 500;

/**
 * Writes a batch of a run's results in as few statements as it takes, each idempotent on (run, cell) like
 * recordResult: a retried batch writes only the rows still missing. Returns how many rows were inserted.
 */
export async function recordResults(
  db: Db,
  runId: string,
  batch: readonly { result: CellResult; modelSha256?: string }[],
): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < batch.length; i += ROWS_PER_INSERT) {
    const rows = batch
      .slice(i, i + ROWS_PER_INSERT)
      .map(({ result, modelSha256 }) => resultValues(runId, result, modelSha256));
    const ids = await db
      .insert(results)
      .values(rows)
      .onConflictDoNothing({ target: [results.runId, results.cellId] })
      .returning({ id: results.id });
    inserted += ids.length;
  }
  await recordControls(db, runId, batch);
  return inserted;
}

/** All result rows of a run, in insertion order. */
export async function listRunResults(db: Db, runId: string) {
  return db.select().from(results).where(eq(results.runId, runId)).orderBy(asc(results.id));
}
