import type { z } from '@hono/zod-openapi';
import { compareFigures, pairConfigurations } from '@ortfleet/core';
import {
  getRun,
  latestConfigurations,
  resultSummariesByIds,
  runResultSummaries,
  type Db,
  type ResultSummary,
} from '@ortfleet/db';
import { NotFound } from '../errors';
import type { CompareQuery } from './schemas';

/** What makes two results the same configuration on different hardware: every knob but the hardware class. */
function configurationKey(r: ResultSummary): string {
  return JSON.stringify([
    r.model,
    r.ep,
    r.precision,
    r.batch,
    r.graphOptimization,
    r.intraOpThreads,
    r.interOpThreads,
    r.executionMode,
    r.memoryPattern,
    r.cpuArena,
    r.epOptions,
  ]);
}

/**
 * Two runs side by side (paired by cell), or two hardware classes on one model (paired by configuration,
 * newest result each), with the candidate/baseline ratio of p50 and whether the difference is significant.
 */
export async function loadComparison(db: Db, q: z.output<typeof CompareQuery>) {
  let baseline: ResultSummary[];
  let candidate: ResultSummary[];
  let keyOf: (r: ResultSummary) => string;
  if (q.runA && q.runB) {
    for (const id of [q.runA, q.runB]) if (!(await getRun(db, id))) throw new NotFound(`no run '${id}'`);
    [baseline, candidate] = await Promise.all([runResultSummaries(db, q.runA), runResultSummaries(db, q.runB)]);
    keyOf = (r) => r.cellId;
  } else {
    const newest = async (hardwareClass: string) =>
      resultSummariesByIds(
        db,
        (await latestConfigurations(db, q.model!, { hardwareClass: [hardwareClass] })).map((c) => c.resultId),
      );
    [baseline, candidate] = await Promise.all([newest(q.classA!), newest(q.classB!)]);
    keyOf = configurationKey;
  }
  const rows = pairConfigurations(baseline, candidate, keyOf).map((p) => ({
    baseline: p.baseline ?? null,
    candidate: p.candidate ?? null,
    comparison: p.baseline && p.candidate ? compareFigures(p.baseline, p.candidate) : null,
  }));
  const a = q.runA ? { kind: 'run' as const, id: q.runA } : { kind: 'hardwareClass' as const, id: q.classA! };
  const b = q.runB ? { kind: 'run' as const, id: q.runB } : { kind: 'hardwareClass' as const, id: q.classB! };
  return { baseline: a, candidate: b, model: q.model ?? null, rows };
}

export type LoadedComparison = Awaited<ReturnType<typeof loadComparison>>;
