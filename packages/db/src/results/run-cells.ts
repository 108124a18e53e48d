import { asc, eq, getTableColumns, sql } from 'drizzle-orm';
import type { CellParams, CellResult, LoadFigures, Measurement, OperatorProfile, Parity } from '@ortfleet/core';
import type { Db } from '../client';
import { results } from './table';

/**
 * A run's cells as `ortfleet run` prints them: every result row, in the order written, without the bulky
 * details (histogram counts, samples, profile nodes, per-output parity, model facts, provenance), which stay
 * in the database for the dashboard. The same shape the workflow's summary had before results moved out of it.
 */
export async function listRunCells(db: Db, runId: string): Promise<CellResult[]> {
  const bulky = new Set(['histogram', 'samplesMs', 'modelFacts', 'provenance', 'profile', 'parity', 'load']);
  const columns = Object.fromEntries(
    Object.entries(getTableColumns(results)).filter(([name]) => !bulky.has(name)),
  ) as Omit<
    ReturnType<typeof getTableColumns<typeof results>>,
    'histogram' | 'samplesMs' | 'modelFacts' | 'provenance' | 'profile' | 'parity' | 'load'
  >;
  const rows = await db
    .select({
      ...columns,
      growth: sql<number | null>`(${results.histogram}->>'growth')::float8`,
      profile: sql<OperatorProfile | null>`${results.profile} - 'topNodes'`,
      // The trials' figures without their slices, which only the result page draws.
      load: sql<LoadFigures | null>`case when ${results.load} is null then null else jsonb_set(${results.load}, '{trials}', (select coalesce(jsonb_agg(t - 'slices'), '[]'::jsonb) from jsonb_array_elements(${results.load}->'trials') t)) end`,
      parity: sql<Parity | null>`case when ${results.parity} is null then null else jsonb_set(${results.parity}, '{outputs}', '[]'::jsonb) end`,
    })
    .from(results)
    .where(eq(results.runId, runId))
    .orderBy(asc(results.id));
  return rows.map((r) => {
    const params: CellParams = {
      model: r.model,
      hardwareClass: r.hardwareClass,
      ep: r.ep as CellParams['ep'],
      precision: r.precision,
      batch: r.batch,
      graphOptimization: r.graphOptimization as CellParams['graphOptimization'],
      intraOpThreads: r.intraOpThreads,
      interOpThreads: r.interOpThreads,
      executionMode: r.executionMode,
      memoryPattern: r.memoryPattern,
      cpuArena: r.cpuArena,
      ...(r.epOptions && { epOptions: r.epOptions }),
      ...(r.freeDimensions && { freeDimensions: r.freeDimensions }),
      ...(r.sessionConfig && { sessionConfig: r.sessionConfig }),
      ...(r.generation && { generation: r.generation.params }),
      ...(r.concurrency > 1 && { concurrency: r.concurrency }),
    };
    const cell: CellResult = { cellId: r.cellId, params, status: r.status };
    if (r.reason !== null) cell.reason = r.reason;
    if (r.agentId !== null) cell.agentId = r.agentId;
    if (r.sessionOptions) cell.sessionOptions = r.sessionOptions;
    if (r.parity) cell.parity = r.parity;
    if (r.profile) cell.profile = { ...r.profile, byOpType: r.profile.byOpType.slice(0, 5), topNodes: [] };
    if (r.p50Ms !== null) cell.measurement = measurementOf(r);
    return cell;
  });
}

type Row = typeof results.$inferSelect & { growth: number | null };

function measurementOf(
  r: Omit<Row, 'histogram' | 'samplesMs' | 'modelFacts' | 'provenance' | 'profile' | 'parity'>,
): Measurement {
  const m: Measurement = {
    sessionCreateMs: r.sessionCreateMs!,
    firstInferenceMs: r.firstInferenceMs!,
    warmupIterations: r.warmupIterations!,
    iterations: r.iterations!,
    durationMs: r.durationMs!,
    throughput: r.throughput!,
    stats: {
      minMs: r.minMs!,
      meanMs: r.meanMs!,
      stdMs: r.stdMs!,
      p50Ms: r.p50Ms!,
      p90Ms: r.p90Ms!,
      p95Ms: r.p95Ms!,
      p99Ms: r.p99Ms!,
      p999Ms: r.p999Ms!,
      maxMs: r.maxMs!,
      p50CiLowMs: r.p50CiLowMs!,
      p50CiHighMs: r.p50CiHighMs!,
      cv: r.cv!,
    },
    histogram: { growth: r.growth ?? 0, counts: {} },
    windows: r.windows ?? [],
    unstable: r.unstable ?? false,
    samplesMs: [],
  };
  if (r.note !== null) m.note = r.note;
  if (r.telemetry) m.telemetry = r.telemetry;
  if (r.achievedGflops !== null) m.achievedGflops = r.achievedGflops;
  if (r.generation?.figures) m.generation = r.generation.figures;
  if (r.concurrencyMode === 'worker-sessions' && r.meanInFlight !== null && r.requestsPerS !== null)
    m.concurrency = {
      requested: r.concurrency,
      mode: r.concurrencyMode,
      meanInFlight: r.meanInFlight,
      requestsPerS: r.requestsPerS,
    };
  if (r.load) m.load = { ...r.load, trials: r.load.trials.map((t) => ({ ...t, slices: [] })) };
  if (r.interleavedControl) m.interleavedControl = r.interleavedControl;
  return m;
}
