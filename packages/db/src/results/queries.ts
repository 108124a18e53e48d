import { asc, eq } from 'drizzle-orm';
import { isRankable, type CellResult } from '@ortfleet/core';
import type { Db } from '../client';
import { results } from './table';

/**
 * Writes one cell's result. Idempotent on (run, cell): a retried persist activity, or a second attempt of the
 * cell, never produces a second row. Returns whether this call inserted the row.
 */
export async function recordResult(db: Db, runId: string, r: CellResult, modelSha256?: string): Promise<boolean> {
  const m = r.measurement;
  const inserted = await db
    .insert(results)
    .values({
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
    })
    .onConflictDoNothing({ target: [results.runId, results.cellId] })
    .returning({ id: results.id });
  return inserted.length > 0;
}

/** All result rows of a run, in insertion order. */
export async function listRunResults(db: Db, runId: string) {
  return db.select().from(results).where(eq(results.runId, runId)).orderBy(asc(results.id));
}
