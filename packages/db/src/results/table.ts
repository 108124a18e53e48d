import {
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import {
  CELL_STATUSES,
  EXECUTION_MODES,
  type StoredGeneration,
  type InterleavedControl,
  type LatencyHistogram,
  type LatencyWindow,
  type LoadFigures,
  type ModelFacts,
  type OperatorProfile,
  type Parity,
  type Provenance,
  type Telemetry,
} from '@ortfleet/core';
import { runs } from '../runs/table';

/** One row per cell of a run, whatever its status; (run_id, cell_id) is unique so a retried write is a no-op. */
export const results = pgTable(
  'results',
  {
    id: serial('id').primaryKey(),
    runId: text('run_id')
      .notNull()
      .references(() => runs.id),
    cellId: text('cell_id').notNull(),
    model: text('model').notNull(),
    modelSha256: text('model_sha256'),
    hardwareClass: text('hardware_class').notNull(),
    agentId: text('agent_id'),
    ep: text('ep').notNull(),
    precision: text('precision').notNull(),
    batch: integer('batch').notNull(),
    graphOptimization: text('graph_optimization').notNull(),
    intraOpThreads: integer('intra_op_threads').notNull(),
    interOpThreads: integer('inter_op_threads').notNull().default(0),
    executionMode: text('execution_mode', { enum: EXECUTION_MODES }).notNull().default('sequential'),
    memoryPattern: boolean('memory_pattern').notNull().default(true),
    cpuArena: boolean('cpu_arena').notNull().default(true),
    epOptions: jsonb('ep_options').$type<Record<string, unknown>>(),
    freeDimensions: jsonb('free_dimensions').$type<Record<string, number>>(),
    sessionConfig: jsonb('session_config').$type<Record<string, string>>(),
    sessionOptions: jsonb('session_options').$type<Record<string, unknown>>(),
    status: text('status', { enum: CELL_STATUSES }).notNull(),
    reason: text('reason'),
    sessionCreateMs: doublePrecision('session_create_ms'),
    firstInferenceMs: doublePrecision('first_inference_ms'),
    warmupIterations: integer('warmup_iterations'),
    iterations: integer('iterations'),
    durationMs: doublePrecision('duration_ms'),
    throughput: doublePrecision('throughput'),
    minMs: doublePrecision('min_ms'),
    meanMs: doublePrecision('mean_ms'),
    stdMs: doublePrecision('std_ms'),
    p50Ms: doublePrecision('p50_ms'),
    p90Ms: doublePrecision('p90_ms'),
    p95Ms: doublePrecision('p95_ms'),
    p99Ms: doublePrecision('p99_ms'),
    p999Ms: doublePrecision('p999_ms'),
    maxMs: doublePrecision('max_ms'),
    p50CiLowMs: doublePrecision('p50_ci_low_ms'),
    p50CiHighMs: doublePrecision('p50_ci_high_ms'),
    cv: doublePrecision('cv'),
    histogram: jsonb('histogram').$type<LatencyHistogram>(),
    windows: jsonb('windows').$type<LatencyWindow[]>(),
    samplesMs: jsonb('samples_ms').$type<number[]>(),
    unstable: boolean('unstable'),
    /** ok, with parity passed or not computed: the results a ranking may use. */
    valid: boolean('valid').notNull().default(false),
    /**
     * The agent's speed factor that applied to this result: its control p50 that run over its earlier runs'
     * (docs/regressions.md); set when the run is judged, null without controls.
     */
    controlFactor: doublePrecision('control_factor'),
    /** The control run beside the cell in its own process (migration 0011); null for cells without one. */
    interleavedControl: jsonb('interleaved_control').$type<InterleavedControl>(),
    achievedGflops: doublePrecision('achieved_gflops'),
    energyPerInferenceJ: doublePrecision('energy_per_inference_j'),
    telemetry: jsonb('telemetry').$type<Telemetry>(),
    parity: jsonb('parity').$type<Parity>(),
    profile: jsonb('profile').$type<OperatorProfile>(),
    modelFacts: jsonb('model_facts').$type<ModelFacts>(),
    provenance: jsonb('provenance').$type<Provenance>(),
    note: text('note'),
    /** Decoder cells only (migration 0006): the cell's generation parameters and, when it ran, its figures. */
    generation: jsonb('generation').$type<StoredGeneration>(),
    promptTokens: integer('prompt_tokens'),
    newTokens: integer('new_tokens'),
    ttftP50Ms: doublePrecision('ttft_p50_ms'),
    ttftP99Ms: doublePrecision('ttft_p99_ms'),
    itlP50Ms: doublePrecision('itl_p50_ms'),
    itlP99Ms: doublePrecision('itl_p99_ms'),
    decodeTokensPerS: doublePrecision('decode_tokens_per_s'),
    /** Closed-loop requests in flight (migration 0007); 1 is the single-stream loop. */
    concurrency: integer('concurrency').notNull().default(1),
    concurrencyMode: text('concurrency_mode'),
    meanInFlight: doublePrecision('mean_in_flight'),
    requestsPerS: doublePrecision('requests_per_s'),
    /** The open-loop scenario (migration 0008): every trial, the SLO it was judged by and the capacity at it. */
    load: jsonb('load').$type<LoadFigures>(),
    slo: text('slo'),
    /** Requests/s at the SLO: the search's peak, else the highest passing offered rate; null when none passed. */
    capacityQps: doublePrecision('capacity_qps'),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('results_run_cell_uq').on(t.runId, t.cellId),
    // Results are read newest first by keyset (recorded_at, id) under the common filters: each filter's index
    // ends in those two columns, so a page is an index range however deep it is (bench/api.ts).
    index('results_model_hw_recorded_idx').on(t.model, t.hardwareClass, t.recordedAt, t.id),
    index('results_model_recorded_idx').on(t.model, t.recordedAt, t.id),
    index('results_hw_recorded_idx').on(t.hardwareClass, t.recordedAt, t.id),
    index('results_cell_id_idx').on(t.cellId, t.id),
    index('results_recorded_at_idx').on(t.recordedAt, t.id),
  ],
);
