import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import type { Confirmation, Judgement } from '@ortfleet/core';
import type { Db } from '../client';
import { anyOf } from '../results/search';
import { results } from '../results/table';
import { acceptedBaselines, judgements } from './table';

/** A series' results before `beforeId`, oldest first (the newest `limit`), and which of them were accepted as baselines. */
export async function seriesHistory(db: Db, cellId: string, beforeId: number, limit = 90) {
  const rows = await db
    .select()
    .from(results)
    .where(and(eq(results.cellId, cellId), lt(results.id, beforeId)))
    .orderBy(desc(results.id))
    .limit(limit);
  const accepted = rows.length
    ? new Set(
        (
          await db
            .select({ id: acceptedBaselines.resultId })
            .from(acceptedBaselines)
            .where(
              inArray(
                acceptedBaselines.resultId,
                rows.map((r) => r.id),
              ),
            )
        ).map((a) => a.id),
      )
    : new Set<number>();
  return rows.reverse().map((row) => ({ row, accepted: accepted.has(row.id) }));
}

/** Stores a result's judgement; judging a result again (a retried activity) keeps the first. */
export async function recordJudgement(
  db: Db,
  at: { resultId: number; runId: string; cellId: string; model: string; hardwareClass: string },
  j: Judgement,
): Promise<void> {
  await db
    .insert(judgements)
    .values({
      ...at,
      verdict: j.verdict,
      confirmed: j.confirmed,
      ratio: j.ratio,
      controlSource: j.control?.source,
      rawRatio: j.control?.rawRatio,
      controlRatio: j.control?.controlRatio,
      intervalLow: j.interval?.low,
      intervalHigh: j.interval?.high,
      pValue: j.pValue,
      baseline: j.baseline,
      drift: j.drift,
      reasons: j.reasons,
    })
    .onConflictDoNothing({ target: judgements.resultId });
}

/** Accepts a result as its series' new baseline; returns its cell id, or undefined when there is no such result. */
export async function acceptBaseline(db: Db, resultId: number, note?: string): Promise<string | undefined> {
  const [row] = await db.select({ cellId: results.cellId }).from(results).where(eq(results.id, resultId));
  if (!row) return undefined;
  await db.insert(acceptedBaselines).values({ resultId, cellId: row.cellId, note }).onConflictDoNothing();
  return row.cellId;
}

/** Judgements, newest first, narrowed by verdict, model, hardware class or run. */
export async function listJudgements(
  db: Db,
  f: {
    verdict?: string[];
    model?: string[];
    hardwareClass?: string[];
    runId?: string[];
    cellId?: string[];
    limit: number;
  },
) {
  return db
    .select()
    .from(judgements)
    .where(
      and(
        ...anyOf(judgements.verdict, f.verdict),
        ...anyOf(judgements.model, f.model),
        ...anyOf(judgements.hardwareClass, f.hardwareClass),
        ...anyOf(judgements.runId, f.runId),
        ...anyOf(judgements.cellId, f.cellId),
      ),
    )
    .orderBy(desc(judgements.id))
    .limit(f.limit);
}

/** Replaces a result's judgement with the one its same-night A/B confirmation gave, keeping the evidence. */
export async function recordConfirmation(
  db: Db,
  resultId: number,
  j: Judgement,
  confirmation: Confirmation | null,
): Promise<void> {
  await db
    .update(judgements)
    .set({ verdict: j.verdict, confirmed: j.confirmed, reasons: j.reasons, confirmation })
    .where(eq(judgements.resultId, resultId));
}
