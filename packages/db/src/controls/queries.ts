import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { controlNight, speedFactor, type CellResult, type ControlNight, type SeriesPoint } from '@ortfleet/core';
import type { Db } from '../client';
import { results } from '../results/table';
import { controlResults } from './table';

/** Writes the control measurements that came back with a batch of results; a retried write is a no-op. */
export async function recordControls(db: Db, runId: string, batch: readonly { result: CellResult }[]): Promise<void> {
  const rows = batch.flatMap(({ result }) =>
    (result.agentId ? (result.controls ?? []) : []).map((c) => ({
      runId,
      agentId: result.agentId!,
      hardwareClass: result.params.hardwareClass,
      position: c.position,
      p50Ms: c.p50Ms,
      samplesMs: c.samplesMs,
      iterations: c.iterations,
      modelSha256: c.modelSha256,
      recordedAt: new Date(c.recordedAt),
    })),
  );
  if (rows.length === 0) return;
  await db
    .insert(controlResults)
    .values(rows)
    .onConflictDoNothing({ target: [controlResults.runId, controlResults.agentId, controlResults.position] });
}

/** A night of an agent's controls, with when it started. */
export interface StoredControlNight extends ControlNight {
  hardwareClass: string;
  recordedAt: string;
}

/**
 * Every control night, or those of the given runs or agents, oldest first; with `newestPerAgent`, only each
 * agent's newest that many nights, so that the rows read stay bounded however long the fleet has run.
 */
export async function listControlNights(
  db: Db,
  of: { runIds?: readonly string[]; agentIds?: readonly string[]; newestPerAgent?: number } = {},
): Promise<StoredControlNight[]> {
  if (of.runIds?.length === 0 || of.agentIds?.length === 0) return [];
  const which = and(
    of.runIds ? inArray(controlResults.runId, [...of.runIds]) : undefined,
    of.agentIds ? inArray(controlResults.agentId, [...of.agentIds]) : undefined,
  );
  const columns = {
    runId: controlResults.runId,
    agentId: controlResults.agentId,
    hardwareClass: controlResults.hardwareClass,
    p50Ms: controlResults.p50Ms,
    recordedAt: controlResults.recordedAt,
  };
  const rows =
    of.newestPerAgent === undefined
      ? await db.select(columns).from(controlResults).where(which).orderBy(asc(controlResults.recordedAt))
      : await db
          .select(columns)
          .from(controlResults)
          .innerJoin(
            newestNights(db, which),
            and(eq(controlResults.runId, sql`newest.run_id`), eq(controlResults.agentId, sql`newest.agent_id`)),
          )
          .where(sql`newest.rank <= ${of.newestPerAgent}`)
          .orderBy(asc(controlResults.recordedAt));
  const nights = new Map<string, { first: (typeof rows)[number]; p50s: number[] }>();
  for (const r of rows) {
    const key = controlKey(r.runId, r.agentId);
    const night = nights.get(key) ?? { first: r, p50s: [] };
    night.p50s.push(r.p50Ms);
    nights.set(key, night);
  }
  return [...nights.values()].map(({ first, p50s }) => ({
    ...controlNight(first.runId, first.agentId, p50s),
    hardwareClass: first.hardwareClass,
    recordedAt: first.recordedAt.toISOString(),
  }));
}

/** Each (run, agent) night with its rank among the agent's nights, newest first. */
function newestNights(db: Db, which: SQL | undefined) {
  return db
    .select({
      runId: sql<string>`${controlResults.runId}`.as('run_id'),
      agentId: sql<string>`${controlResults.agentId}`.as('agent_id'),
      rank: sql<number>`row_number() over (partition by ${controlResults.agentId} order by min(${controlResults.recordedAt}) desc)`.as(
        'rank',
      ),
    })
    .from(controlResults)
    .where(which)
    .groupBy(controlResults.runId, controlResults.agentId)
    .as('newest');
}

/** The key of one agent's night in a run. */
export function controlKey(runId: string, agentId: string): string {
  return `${runId}\u0000${agentId}`;
}

/** How many earlier nights of an agent its speed factor compares with. */
export const FACTOR_LOOKBACK = 7;

/** Each night's speed factor: its control p50 over the median of the agent's FACTOR_LOOKBACK nights before it. */
export function speedFactors(nights: readonly StoredControlNight[]): Map<string, number> {
  const factors = new Map<string, number>();
  const byAgent = new Map<string, number[]>();
  for (const n of nights) {
    const earlier = byAgent.get(n.agentId) ?? [];
    factors.set(controlKey(n.runId, n.agentId), speedFactor(n.p50Ms, earlier.slice(-FACTOR_LOOKBACK)));
    byAgent.set(n.agentId, [...earlier, n.p50Ms]);
  }
  return factors;
}

/** Stamps a run's results with the speed factor of the agent that measured each. */
export async function setControlFactors(db: Db, runId: string, factors: ReadonlyMap<string, number>): Promise<void> {
  for (const [key, factor] of factors) {
    const [run, agentId] = key.split('\u0000') as [string, string];
    if (run !== runId) continue;
    await db
      .update(results)
      .set({ controlFactor: factor })
      .where(and(eq(results.runId, runId), eq(results.agentId, agentId)));
  }
}

/** A control night with its speed factor, as the fleet page shows it. */
export interface DriftNight extends StoredControlNight {
  factor: number;
}

/** Each agent's newest control nights (at most `perAgent`), newest first, with their speed factors. */
export async function machineDrift(db: Db, perAgent = FACTOR_LOOKBACK): Promise<DriftNight[]> {
  // The nights shown and the FACTOR_LOOKBACK nights before the oldest of them, for its speed factor.
  const nights = await listControlNights(db, { newestPerAgent: perAgent + FACTOR_LOOKBACK });
  const factors = speedFactors(nights);
  const shown = new Map<string, number>();
  const out: DriftNight[] = [];
  for (const n of [...nights].reverse()) {
    const count = shown.get(n.agentId) ?? 0;
    if (count >= perAgent) continue;
    shown.set(n.agentId, count + 1);
    out.push({ ...n, factor: factors.get(controlKey(n.runId, n.agentId))! });
  }
  return out;
}

/** Puts a series point's control night (of its run and agent) on it, so the judge can divide it out. */
export type WithControl = (p: SeriesPoint | undefined, agentId: string | null) => SeriesPoint | undefined;

/** A WithControl over the given control nights. */
export function withControlOf(nights: readonly ControlNight[]): WithControl {
  return withControlBy(new Map(nights.map((n) => [controlKey(n.runId, n.agentId), n])));
}

function withControlBy(byKey: ReadonlyMap<string, ControlNight>): WithControl {
  return (p, agentId) => {
    const night = p && agentId !== null ? byKey.get(controlKey(p.runId, agentId)) : undefined;
    return p && night ? { ...p, control: { p50Ms: night.p50Ms, spread: night.spread } } : p;
  };
}

/**
 * A WithControl that reads the control nights of runs as a caller meets them (`load` before `withControl`),
 * each run once: judging a run reads the nights its series' histories ran on, not every night ever recorded.
 */
export function controlNightsByRun(db: Db, agentIds: readonly string[]) {
  const byKey = new Map<string, ControlNight>();
  const loaded = new Set<string>();
  return {
    async load(runIds: Iterable<string>): Promise<void> {
      const missing = [...new Set(runIds)].filter((id) => !loaded.has(id));
      if (missing.length === 0) return;
      for (const n of await listControlNights(db, { runIds: missing, agentIds }))
        byKey.set(controlKey(n.runId, n.agentId), n);
      for (const id of missing) loaded.add(id);
    },
    withControl: withControlBy(byKey),
  };
}
