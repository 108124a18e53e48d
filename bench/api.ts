/**
 * The API at one million results: seeds PostgreSQL with a year of nightly runs (in SQL, through the real
 * `latest_results` trigger), then times the leaderboard and filtered results queries through the dashboard
 * app in this process, with EXPLAIN for each query shape and requests per second.
 *
 *   pnpm exec tsx bench/api.ts [--rows N] [--requests N] [--seconds S]
 *
 * Uses DATABASE_URL when set (seeding is skipped when it already holds N results), else a throwaway server.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { createApp } from '../apps/dashboard/src/index';
import { openDatabase, type Db } from '../packages/db/src/index';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../test/support/postgres';
import { machineLine, REPO } from './common';

const { values } = parseArgs({
  options: { rows: { type: 'string' }, requests: { type: 'string' }, seconds: { type: 'string' } },
});
const ROWS = Number(values.rows ?? 1_000_000);
const REQUESTS = Number(values.requests ?? 200);
const RPS_SECONDS = Number(values.seconds ?? 5);
const WARMUP = 20;
const TARGET_P95_MS = 50;
const CONCURRENCY = 8;

// The seeded fleet. Base latency: ms for fp32, batch 1, one CPU thread on a reference class.
const MODELS: [string, number][] = [
  ['resnet50', 25],
  ['mobilenetv3-large', 3],
  ['efficientnet-b0', 6],
  ['yolov8n', 12],
  ['yolov8s', 35],
  ['bert-base-uncased', 40],
  ['distilbert-base', 20],
  ['whisper-tiny-encoder', 30],
  ['vit-b16', 90],
  ['clip-vit-b32-image', 45],
  ['ppocr-det', 21],
  ['ppocr-rec', 8],
  ['ppocr-cls', 0.85],
  ['squeezenet1.1', 1.5],
  ['shufflenet-v2', 2],
  ['densenet121', 30],
  ['inception-v3', 28],
  ['t5-small-encoder', 15],
  ['gpt2-small', 60],
  ['sam-vit-b-encoder', 400],
];
// Latency factor of each class per EP (null: the class cannot run that EP, so its cells are `unsupported`).
const HARDWARE: { name: string; cpu: number; cuda: number | null; webgpu: number | null }[] = [
  { name: 'nvidia-a100-80g-epyc-32c', cpu: 0.5, cuda: 0.03, webgpu: 0.12 },
  { name: 'nvidia-l4-24g-xeon-8c', cpu: 0.7, cuda: 0.07, webgpu: 0.2 },
  { name: 'nvidia-t4-16g-xeon-4c', cpu: 0.9, cuda: 0.12, webgpu: 0.3 },
  { name: 'nvidia-rtx4090-24g-ryzen-16c', cpu: 0.45, cuda: 0.04, webgpu: 0.1 },
  { name: 'nvidia-jetson-orin-agx', cpu: 1.6, cuda: 0.25, webgpu: 0.6 },
  { name: 'intel-xeon-8480-avx512-16c', cpu: 0.55, cuda: null, webgpu: null },
  { name: 'apple-m2-max-12c', cpu: 0.6, cuda: null, webgpu: 0.18 },
  { name: 'aws-graviton3-8c', cpu: 0.8, cuda: null, webgpu: null },
];
const EPS = ['cpu', 'cuda', 'webgpu'];
const PRECISIONS = ['fp32', 'fp16', 'int8'];
const BATCHES = [1, 2, 4, 8, 16, 32, 64];
const THREADS = [1, 2, 4, 8];
const OPT_LEVELS = ['all', 'basic'];
const CONFIGURATIONS =
  MODELS.length *
  HARDWARE.length *
  EPS.length *
  PRECISIONS.length *
  BATCHES.length *
  THREADS.length *
  OPT_LEVELS.length;
const CELLS_PER_RUN = 1000;
const FIRST_RUN = '2025-01-01T00:00:00Z';
const RUN_PREFIX = 'bench-api-';

/** The node-postgres pool under a drizzle database, as far as this script uses it. */
interface Pool {
  query(
    config: { text: string; values?: unknown[]; rowMode?: 'array' },
    values?: unknown[],
  ): Promise<{ rows: unknown[] }>;
}

interface CapturedQuery {
  text: string;
  values: unknown[];
}

const poolOf = (db: Db) => (db as unknown as { $client: Pool }).$client;
const literal = (v: string | number | null) =>
  v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`;
const array = (vs: (string | number | null)[], type: string) => `(ARRAY[${vs.map(literal).join(',')}]::${type}[])`;
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const int = (x: number) => Math.round(x).toLocaleString('en-US');
const kb = (bytes: number) => int(bytes / 1024);

async function sql<T = Record<string, unknown>>(pool: Pool, text: string, params: unknown[] = []): Promise<T[]> {
  return (await pool.query({ text, values: params })).rows as T[];
}

/**
 * Results i in [lo, hi): configuration i mod CONFIGURATIONS (model varying slowest, so a run covers one model on a
 * couple of hardware classes) in run i / CELLS_PER_RUN, recorded 3 s apart, runs spread evenly over a year.
 */
function seedStatement(lo: number, hi: number, runs: number): string {
  const per = (axes: number[]) => axes.reduce((a, b) => a * b, 1);
  const sizes = [
    MODELS.length,
    HARDWARE.length,
    EPS.length,
    PRECISIONS.length,
    BATCHES.length,
    THREADS.length,
    OPT_LEVELS.length,
  ];
  const stride = (axis: number) => per(sizes.slice(axis + 1));
  const ix = (axis: number) => `(c / ${stride(axis)}) % ${sizes[axis]} + 1`;
  const runSpacingS = (365 * 86400) / runs;
  return `
INSERT INTO results (run_id, cell_id, model, model_sha256, hardware_class, agent_id, ep, precision, batch, graph_optimization,
  intra_op_threads, status, reason, session_create_ms, first_inference_ms, warmup_iterations, iterations, duration_ms, throughput,
  min_ms, mean_ms, std_ms, p50_ms, p90_ms, p95_ms, p99_ms, p999_ms, max_ms, p50_ci_low_ms, p50_ci_high_ms, cv, unstable, valid,
  energy_per_inference_j, parity, provenance, recorded_at)
SELECT
  '${RUN_PREFIX}' || lpad(r::text, 5, '0'),
  substr(md5(concat_ws('|', model, hw, ep, precision, batch, threads, opt)), 1, 16),
  model, md5(model || precision) || md5(precision || model), hw, hw || '-' || (1 + i % 3), ep, precision, batch, opt, threads,
  status,
  CASE status WHEN 'unsupported' THEN ep || ' is not available on ' || hw
    WHEN 'failed' THEN '[ONNXRuntimeError] : 6 : RUNTIME_EXCEPTION : Non-zero status code returned while running Conv node' END,
  CASE WHEN status <> 'unsupported' THEN 40 + 300 * u5 END,
  p50 * 4, CASE WHEN p50 IS NOT NULL THEN 10 END, iters, iters * p50 * 1.02,
  batch * 1000 / (p50 * 1.02),
  p50 * 0.93, p50 * 1.02, p50 * 0.04 * tail, p50, p50 * (1 + (tail - 1) * 0.4), p50 * (1 + (tail - 1) * 0.6), p50 * tail,
  p50 * tail * 1.3, p50 * tail * 1.6, p50 * 0.995, p50 * 1.005, 0.04 * tail,
  CASE WHEN p50 IS NOT NULL THEN unstable END,
  status = 'ok' AND NOT parity_failed,
  CASE WHEN ep = 'cuda' THEN p50 / 1000 * (150 + 100 * u5) / batch END,
  CASE WHEN status = 'ok' AND precision <> 'fp32' THEN jsonb_strip_nulls(jsonb_build_object('reference', 'fp32 cpu', 'outputs', '[]'::jsonb,
    'maxAbsError', round((0.002 + 0.05 * u6)::numeric, 4), 'meanRelError', round((0.001 + 0.01 * u6)::numeric, 4),
    'cosine', round((0.9999 - 0.002 * u6)::numeric, 5), 'top1Agreement', CASE WHEN parity_failed THEN 0.962 ELSE 0.998 END,
    'nonFinite', 0, 'ok', NOT parity_failed, 'reason', CASE WHEN parity_failed THEN 'top-1 agreement 0.962 below 0.99' END)) END,
  CASE WHEN status <> 'unsupported' THEN jsonb_build_object('ortfleetVersion', '0.2.0', 'ortfleetCommit', NULL,
    'onnxruntimeVersion', CASE WHEN r < ${Math.floor(runs / 2)} THEN '1.29.1' ELSE '1.30.0' END, 'nodeVersion', 'v22.12.0',
    'os', jsonb_build_object('platform', 'linux', 'distro', 'Debian GNU/Linux', 'release', '12', 'kernel', '6.1.0-27-amd64', 'arch', 'x64'),
    'cpu', jsonb_build_object('brand', hw, 'flags', '["avx2","fma","f16c"]'::jsonb),
    'gpus', CASE WHEN ep = 'cpu' THEN '[]'::jsonb ELSE jsonb_build_array(jsonb_build_object('model', hw, 'driver', '550.90.07', 'vramMb', 24576)) END,
    'cudaVersion', CASE WHEN ep = 'cuda' THEN '12.4' END) END,
  timestamptz '${FIRST_RUN}' + make_interval(secs => r * ${runSpacingS} + k * 3)
FROM (
  SELECT *, CASE WHEN status = 'ok' THEN base * factor * (0.97 + 0.06 * u2) END AS p50,
    1.08 + 0.4 * u3 * u3 * u3 + CASE WHEN unstable THEN 0.8 ELSE 0 END AS tail,
    CASE WHEN status = 'ok' THEN greatest(10, least(100000, round(10000 / (base * factor))))::int END AS iters
  FROM (
    SELECT *, CASE WHEN factor IS NULL THEN 'unsupported' WHEN u1 < 0.02 THEN 'failed' ELSE 'ok' END AS status,
      u4 < 0.05 AS unstable, precision = 'int8' AND u6 < 0.05 AS parity_failed
    FROM (
      SELECT i, r, k, model, base, hw, ep, precision, batch, threads, opt,
        CASE ep WHEN 'cpu' THEN cpu_f / power(threads, 0.7) * power(batch, 0.85) * CASE precision WHEN 'fp16' THEN 1.1 WHEN 'int8' THEN 0.45 ELSE 1 END
          ELSE gpu_f * power(batch, 0.5) * CASE precision WHEN 'fp16' THEN 0.55 WHEN 'int8' THEN 0.7 ELSE 1 END END
          * CASE opt WHEN 'basic' THEN 1.12 ELSE 1 END AS factor,
        random() AS u1, random() AS u2, random() AS u3, random() AS u4, random() AS u5, random() AS u6
      FROM (
        SELECT i, r, k,
          ${array(
            MODELS.map((m) => m[0]),
            'text',
          )}[m] AS model, ${array(
            MODELS.map((m) => m[1]),
            'float8',
          )}[m] AS base,
          ${array(
            HARDWARE.map((h) => h.name),
            'text',
          )}[h] AS hw, ${array(
            HARDWARE.map((h) => h.cpu),
            'float8',
          )}[h] AS cpu_f,
          CASE e WHEN 2 THEN ${array(
            HARDWARE.map((h) => h.cuda),
            'float8',
          )}[h] WHEN 3 THEN ${array(
            HARDWARE.map((h) => h.webgpu),
            'float8',
          )}[h] END AS gpu_f,
          ${array(EPS, 'text')}[e] AS ep, ${array(PRECISIONS, 'text')}[p] AS precision, ${array(BATCHES, 'int')}[b] AS batch,
          ${array(THREADS, 'int')}[t] AS threads, ${array(OPT_LEVELS, 'text')}[o] AS opt
        FROM (
          SELECT i, r, k, ${ix(0)} AS m, ${ix(1)} AS h, ${ix(2)} AS e, ${ix(3)} AS p, ${ix(4)} AS b, ${ix(5)} AS t, ${ix(6)} AS o
          FROM (SELECT i, i % ${CONFIGURATIONS} AS c, i / ${CELLS_PER_RUN} AS r, i % ${CELLS_PER_RUN} AS k FROM generate_series(${lo}, ${hi - 1}) AS i) series
        ) axes
      ) named
    ) drawn
  ) settled
) figured
ORDER BY i`;
}

/** Seeds ROWS results (and their runs) unless the database already holds that many; returns the seconds it took. */
async function seed(pool: Pool): Promise<number | null> {
  const [{ n }] = (await sql<{ n: number }>(pool, 'SELECT count(*)::int AS n FROM results')) as [{ n: number }];
  if (n >= ROWS) {
    console.log(`database already holds ${int(n)} results: seeding skipped`);
    return null;
  }
  if (n > 0)
    throw new Error(
      `the database holds ${int(n)} results, fewer than ${int(ROWS)}: give an empty database (or none, for a throwaway one)`,
    );
  const runs = Math.ceil(ROWS / CELLS_PER_RUN);
  console.log(
    `seeding ${int(ROWS)} results: ${MODELS.length} models × ${HARDWARE.length} hardware classes × ${EPS.length} EPs × ${PRECISIONS.length} precisions × ${BATCHES.length} batches × ${THREADS.length} thread counts × ${OPT_LEVELS.length} optimization levels = ${int(CONFIGURATIONS)} configurations, over ${int(runs)} runs in a year; latest_results kept by its trigger`,
  );
  const started = performance.now();
  await sql(
    pool,
    `INSERT INTO runs (id, name, spec, status, started_at, finished_at)
     SELECT '${RUN_PREFIX}' || lpad(r::text, 5, '0'), 'nightly', '{"name":"nightly","bench":"api"}'::jsonb, 'completed_with_failures',
       timestamptz '${FIRST_RUN}' + make_interval(secs => r * ${(365 * 86400) / runs}),
       timestamptz '${FIRST_RUN}' + make_interval(secs => r * ${(365 * 86400) / runs} + ${CELLS_PER_RUN * 3})
     FROM generate_series(0, ${runs - 1}) AS r`,
  );
  const chunk = 100_000;
  for (let lo = 0; lo < ROWS; lo += chunk) {
    const hi = Math.min(ROWS, lo + chunk);
    const t = performance.now();
    // random() is drawn on the connection that runs the insert; seeding it there keeps the data the same run to run.
    await sql(pool, `SELECT setseed(${(lo / ROWS).toFixed(6)}); ${seedStatement(lo, hi, runs)}`);
    console.log(`  ${int(hi).padStart(9)} results  (${int((hi - lo) / ((performance.now() - t) / 1000))} rows/s)`);
  }
  const seeded = (performance.now() - started) / 1000;
  const v = performance.now();
  // Autovacuum would get here on its own after a million inserts (and the trigger's upserts leave dead rows in
  // latest_results); doing it now keeps it out of the timings and measures the state a live database sits in.
  await sql(pool, 'VACUUM (ANALYZE) results, latest_results, runs');
  console.log(
    `seeded in ${seeded.toFixed(1)} s, then VACUUM (ANALYZE) in ${((performance.now() - v) / 1000).toFixed(1)} s`,
  );
  return seeded;
}

/** Nearest-rank percentile of sorted numbers. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

interface Figures {
  p50: number;
  p95: number;
  p99: number;
}

function figures(samples: number[]): Figures {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: percentile(s, 0.5), p95: percentile(s, 0.95), p99: percentile(s, 0.99) };
}

type App = ReturnType<typeof createApp>;

/** One request through the app, body read in full; throws on anything but 200. */
async function request(app: App, url: string): Promise<string> {
  const res = await app.request(url);
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${body.slice(0, 300)}`);
  return body;
}

/** Milliseconds of each of n calls, after WARMUP untimed ones. */
async function timeIt(n: number, once: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < Math.min(WARMUP, n); i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await once();
    samples.push(performance.now() - t);
  }
  return samples;
}

/** Requests per second over RPS_SECONDS with `workers` requests in flight at a time. */
async function throughput(workers: number, once: () => Promise<unknown>): Promise<number> {
  const deadline = performance.now() + RPS_SECONDS * 1000;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < deadline) {
        await once();
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

/** Runs `fn` while recording the SQL statements the app sends through the pool. */
async function capture(pool: Pool, fn: () => Promise<unknown>): Promise<CapturedQuery[]> {
  const seen: CapturedQuery[] = [];
  const own = pool as { query: Pool['query'] };
  const original = own.query;
  own.query = function (this: Pool, config, values) {
    seen.push({ text: config.text, values: values ?? config.values ?? [] });
    return original.call(this, config, values);
  };
  try {
    await fn();
  } finally {
    delete (own as Partial<Pool>).query;
  }
  return seen;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Scan Direction'?: string;
  'Sort Method'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of one statement, in a line: time, buffers, and what each scan read and through which
 * index; `rowsRead` counts the table rows its scans visited, kept or filtered out.
 */
async function explain(
  pool: Pool,
  q: CapturedQuery,
): Promise<{ line: string; usesIndex: boolean; seqScan: boolean; rowsRead: number }> {
  const [row] = await sql<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }>(
    pool,
    `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${q.text}`,
    q.values,
  );
  const { Plan: plan, 'Execution Time': executionMs } = row!['QUERY PLAN'][0];
  const steps: string[] = [];
  let usesIndex = false;
  let seqScan = false;
  let rowsRead = 0;
  const walk = (node: PlanNode) => {
    const type = node['Node Type'];
    if (type.includes('Index')) usesIndex = true;
    if (type === 'Seq Scan') seqScan = true;
    // EXPLAIN gives counts per loop, rounded; a nested loop's inner scan runs once per outer row, so it is shown per loop.
    const loops = node['Actual Loops'] ?? 1;
    const perLoop = node['Actual Rows'] ?? 0;
    const removed = (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0);
    if (node['Relation Name'] || node['Index Name']) {
      if (node['Relation Name']) rowsRead += (perLoop + removed) * loops;
      const backward = node['Scan Direction'] === 'Backward' ? ' backward' : '';
      const index = node['Index Name'] ? ` ${node['Index Name']}` : '';
      const on = node['Relation Name'] ? ` on ${node['Relation Name']}` : '';
      const read = loops > 1 ? `${int(loops)} loops of ${int(perLoop)} rows` : `${int(perLoop)} rows`;
      steps.push(`${type}${backward}${index}${on} (${read}${removed ? `, ${int(removed)} filtered out` : ''})`);
    } else if (node['Sort Method']) steps.push(`Sort ${node['Sort Method']} (${int(perLoop * loops)} rows)`);
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(plan);
  const buffers = `buffers hit ${int(plan['Shared Hit Blocks'] ?? 0)} read ${int(plan['Shared Read Blocks'] ?? 0)}`;
  return {
    line: `${ms(executionMs)} ms in PostgreSQL, ${buffers}; ${steps.join(' > ')}`,
    usesIndex,
    seqScan,
    rowsRead,
  };
}

interface Shape {
  label: string;
  url: string;
}

interface Measured {
  label: string;
  rows: number;
  bytes: number;
  api: Figures;
  sql: Figures;
  plan: Awaited<ReturnType<typeof explain>>;
  statement: CapturedQuery;
}

/** How many configurations or results a response carries. */
function rowsIn(body: string): number {
  const json = JSON.parse(body) as { items?: unknown[]; ranked?: unknown[]; unranked?: unknown[] };
  return json.items ? json.items.length : (json.ranked?.length ?? 0) + (json.unranked?.length ?? 0);
}

/** Times one query shape through the app and its main statement alone in PostgreSQL, and explains that statement. */
async function measure(app: App, pool: Pool, shape: Shape): Promise<Measured> {
  let body = '';
  const captured = await capture(pool, async () => (body = await request(app, shape.url)));
  // A leaderboard ranks from latest_results (then reads the shown rows and agents' price labels by key);
  // a results query's main statement is the one on results.
  const statement =
    captured.find((q) => /from "latest_results"/.test(q.text)) ?? captured.find((q) => /"results"/.test(q.text));
  if (!statement) throw new Error(`${shape.label}: no statement on results among ${captured.length} captured`);
  const api = figures(await timeIt(REQUESTS, () => request(app, shape.url)));
  const direct = figures(
    await timeIt(REQUESTS, () => pool.query({ text: statement.text, values: statement.values, rowMode: 'array' })),
  );
  const plan = await explain(pool, statement);
  const m: Measured = {
    label: shape.label,
    rows: rowsIn(body),
    bytes: Buffer.byteLength(body),
    api,
    sql: direct,
    plan,
    statement,
  };
  console.log(
    `${shape.label}\n  ${shape.url}\n  ${int(m.rows)} rows, ${kb(m.bytes)} KB; API p50 ${ms(api.p50)} p95 ${ms(api.p95)} p99 ${ms(api.p99)} ms; its SQL alone p50 ${ms(direct.p50)} p95 ${ms(direct.p95)} ms`,
  );
  console.log(`  plan: ${plan.usesIndex ? 'index' : 'NO index'}${plan.seqScan ? ', seq scan' : ''}: ${plan.line}`);
  return m;
}

/** The newest result of each configuration of a model, computed from `results` alone: what latest_results saves. */
const NAIVE_LEADERBOARD = `
SELECT * FROM (
  SELECT DISTINCT ON (cell_id) id, run_id, cell_id, model, model_sha256, hardware_class, agent_id, ep, precision, batch, graph_optimization,
    intra_op_threads, inter_op_threads, execution_mode, memory_pattern, cpu_arena, ep_options, status, reason, valid, parity->>'reason',
    unstable, iterations, session_create_ms, first_inference_ms, throughput, p50_ms, p90_ms, p95_ms, p99_ms, p50_ci_low_ms, p50_ci_high_ms,
    cv, energy_per_inference_j, achieved_gflops, recorded_at
  FROM results WHERE model = $1 AND status <> 'unschedulable' ORDER BY cell_id, id DESC
) newest ORDER BY hardware_class, id`;

async function main() {
  let server: ThrowawayPostgres | undefined;
  let url = process.env.DATABASE_URL;
  if (!url) {
    server = await startThrowawayPostgres();
    url = server.url;
  }
  const database = await openDatabase({ databaseUrl: url, home: join(REPO, '.ortfleet') });
  try {
    const pool = poolOf(database.db);
    console.log(machineLine());
    const [settings] = await sql<{ version: string; shared_buffers: string; work_mem: string }>(
      pool,
      "SELECT current_setting('server_version') AS version, current_setting('shared_buffers') AS shared_buffers, current_setting('work_mem') AS work_mem",
    );
    console.log(
      `PostgreSQL ${settings!.version} at ${database.location}${server ? ' (throwaway, fsync off)' : ''}; shared_buffers ${settings!.shared_buffers}, work_mem ${settings!.work_mem}`,
    );
    const seconds = await seed(pool);

    const [sizes] = await sql<{ results: number; latest: number; rbytes: string; lbytes: string }>(
      pool,
      `SELECT (SELECT count(*)::int FROM results) AS results, (SELECT count(*)::int FROM latest_results) AS latest,
         pg_size_pretty(pg_total_relation_size('results')) AS rbytes, pg_size_pretty(pg_total_relation_size('latest_results')) AS lbytes`,
    );
    console.log(
      `results: ${int(sizes!.results)} rows, ${sizes!.rbytes} with indexes; latest_results: ${int(sizes!.latest)} rows, ${sizes!.lbytes}`,
    );

    // Query parameters come from the data, so that a reused database with other names works too.
    const models = (
      await sql<{ model: string; n: number }>(
        pool,
        'SELECT model, count(*)::int AS n FROM latest_results GROUP BY model ORDER BY n DESC, model LIMIT 3',
      )
    ).map((r) => r.model);
    // A newest-first query costs most for the model benchmarked longest ago (its rows lie deepest in time order).
    const byRecency = (order: 'ASC' | 'DESC') =>
      `SELECT model FROM latest_results GROUP BY model ORDER BY max(result_id) ${order}, model LIMIT 1`;
    const [{ model: stale }] = (await sql<{ model: string }>(pool, byRecency('ASC'))) as [{ model: string }];
    const [{ model: fresh }] = (await sql<{ model: string }>(pool, byRecency('DESC'))) as [{ model: string }];
    const [{ hw }] = (await sql<{ hw: string }>(
      pool,
      'SELECT hardware_class AS hw FROM latest_results WHERE model = $1 GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1',
      [stale],
    )) as [{ hw: string }];
    const [span] = await sql<{ mid: Date }>(
      pool,
      'SELECT min(recorded_at) + (max(recorded_at) - min(recorded_at)) / 2 AS mid FROM results',
    );
    const from = new Date(span!.mid);
    const to = new Date(from.getTime() + 7 * 86400_000);
    const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');
    const filteredOf = (m: string) => `/api/v1/results?model=${m}&hardwareClass=${hw}&status=ok&limit=50`;
    const filtered = filteredOf(stale);

    const app = createApp({ db: database.db });
    // Page 10 (or the last, on a smaller seed) of the filtered query, reached by following nextCursor.
    let cursorUrl = filtered;
    let page = 1;
    for (; page < 10; page++) {
      const next = (JSON.parse(await request(app, cursorUrl)) as { nextCursor: string | null }).nextCursor;
      if (!next) break;
      cursorUrl = `${filtered}&cursor=${next}`;
    }

    const shapes: Shape[] = [
      ...models.map((m) => ({ label: `(a) leaderboard ${m}`, url: `/api/v1/leaderboard?model=${m}&objective=p50` })),
      {
        label: `(b) leaderboard ${models[0]}, cpu fp32|int8, p99<=20`,
        url: `/api/v1/leaderboard?model=${models[0]}&objective=p50&ep=cpu&precision=fp32,int8&budget=${encodeURIComponent('p99<=20')}`,
      },
      { label: `(c) results ${stale} on ${hw}, ok, newest first`, url: filtered },
      { label: `(c) the same for ${fresh}, the model run last`, url: filteredOf(fresh) },
      { label: '(d) (c) sorted by p50', url: `${filtered}&sort=p50Ms` },
      { label: `(e) page ${page} of (c) by cursor`, url: cursorUrl },
      { label: '(f) results in one week', url: `/api/v1/results?from=${iso(from)}&to=${iso(to)}&limit=50` },
      {
        label: `(g) results ${stale} in one week`,
        url: `/api/v1/results?model=${stale}&from=${iso(from)}&to=${iso(to)}&limit=50`,
      },
    ];

    console.log(
      `\n${REQUESTS} requests per query after ${WARMUP} warm-ups, each through createApp(...).request() with the body read in full;`,
    );
    console.log(
      "then the query's main SQL statement alone (node-postgres, no app), and EXPLAIN (ANALYZE, BUFFERS) of it once.\n",
    );
    const measured: Measured[] = [];
    for (const shape of shapes) measured.push(await measure(app, pool, shape));

    // The peer of latest_results: the same leaderboard rows computed from results alone.
    const latestStatement = measured[0]!.statement;
    const viaLatest = (
      await pool.query({ text: latestStatement.text, values: latestStatement.values, rowMode: 'array' })
    ).rows as unknown[][];
    const naiveRows = (await pool.query({ text: NAIVE_LEADERBOARD, values: [models[0]], rowMode: 'array' }))
      .rows as unknown[][];
    const ids = (rows: unknown[][]) =>
      rows
        .map((r) => Number(r[0]))
        .sort((a, b) => a - b)
        .join(',');
    const same = ids(viaLatest) === ids(naiveRows);
    const naive = figures(
      await timeIt(REQUESTS, () => pool.query({ text: NAIVE_LEADERBOARD, values: [models[0]], rowMode: 'array' })),
    );
    const naivePlan = await explain(pool, { text: NAIVE_LEADERBOARD, values: [models[0]] });
    console.log(
      `\nleaderboard rows for ${models[0]} from latest_results vs DISTINCT ON (cell_id) over results: ${same ? 'the same' : 'DIFFERENT'} (${int(viaLatest.length)} vs ${int(naiveRows.length)} configurations)`,
    );
    console.log(
      `  DISTINCT ON over results, SQL alone: p50 ${ms(naive.p50)} p95 ${ms(naive.p95)} ms, ${(naive.p50 / measured[0]!.sql.p50).toFixed(1)}× the latest_results statement's p50 ${ms(measured[0]!.sql.p50)} ms`,
    );
    console.log(`  plan: ${naivePlan.line}`);

    console.log(
      `\nrequests per second over ${RPS_SECONDS} s: sequential is one request at a time on this single-threaded Node process;`,
    );
    console.log(
      `PostgreSQL serves it from its own processes (one per connection; openDatabase's pool has 5) on the same machine.`,
    );
    const leaderboardUrl = shapes[0]!.url;
    const rps = [
      { label: `leaderboard ${models[0]}`, url: leaderboardUrl },
      { label: `filtered results (c), ${stale}`, url: filtered },
    ];
    const rpsFigures: { label: string; sequential: number; concurrent: number }[] = [];
    for (const r of rps) {
      const sequential = await throughput(1, () => request(app, r.url));
      const concurrent = await throughput(CONCURRENCY, () => request(app, r.url));
      rpsFigures.push({ label: r.label, sequential, concurrent });
      console.log(
        `  ${r.label}: ${sequential.toFixed(0)} req/s sequential, ${concurrent.toFixed(0)} req/s with ${CONCURRENCY} in flight`,
      );
    }

    console.log(`\n${machineLine()}`);
    console.log(
      `${int(sizes!.results)} results${seconds === null ? ' (already there)' : `, seeded in ${seconds.toFixed(0)} s`}; ${REQUESTS} requests per query; ms\n`,
    );
    const w = Math.max(...measured.map((m) => m.label.length), 40);
    console.log(
      `${'query'.padEnd(w)}  ${'rows'.padStart(6)}  ${'KB'.padStart(5)}  ${'p50'.padStart(6)}  ${'p95'.padStart(6)}  ${'p99'.padStart(6)}  ${'SQL p50'.padStart(7)}  ${'rows read'.padStart(9)}  p95 < ${TARGET_P95_MS}`,
    );
    for (const m of measured) {
      const met = m.api.p95 < TARGET_P95_MS;
      console.log(
        `${m.label.padEnd(w)}  ${int(m.rows).padStart(6)}  ${kb(m.bytes).padStart(5)}  ${ms(m.api.p50).padStart(6)}  ${ms(m.api.p95).padStart(6)}  ${ms(m.api.p99).padStart(6)}  ${ms(m.sql.p50).padStart(7)}  ${int(m.plan.rowsRead).padStart(9)}  ${met ? 'met' : 'NOT met'}`,
      );
    }
    console.log(
      `${'peer: DISTINCT ON over results (SQL only)'.padEnd(w)}  ${int(naiveRows.length).padStart(6)}  ${'-'.padStart(5)}  ${ms(naive.p50).padStart(6)}  ${ms(naive.p95).padStart(6)}  ${ms(naive.p99).padStart(6)}  ${ms(naive.p50).padStart(7)}  ${int(naivePlan.rowsRead).padStart(9)}  ${(naive.p50 / measured[0]!.sql.p50).toFixed(1)}× latest_results`,
    );
    console.log(
      `\n${'requests per second'.padEnd(w)}  ${'sequential'.padStart(10)}  ${`${CONCURRENCY} in flight`.padStart(11)}`,
    );
    for (const r of rpsFigures)
      console.log(
        `${r.label.padEnd(w)}  ${r.sequential.toFixed(0).padStart(10)}  ${r.concurrent.toFixed(0).padStart(11)}`,
      );
    const missed = measured.filter((m) => m.api.p95 >= TARGET_P95_MS);
    console.log(
      `\np95 under ${TARGET_P95_MS} ms: ${missed.length === 0 ? 'met by every query' : `NOT met by ${missed.length} of ${measured.length} queries`}`,
    );
    for (const m of missed) {
      const inApp = Math.max(0, m.api.p50 - m.sql.p50);
      console.log(
        `  ${m.label}: p95 ${ms(m.api.p95)} ms; of its p50 ${ms(m.api.p50)} ms, ${ms(m.sql.p50)} in its SQL and ${ms(inApp)} in the app (${int(m.rows)} rows, ${kb(m.bytes)} KB of JSON)`,
      );
      console.log(`    ${m.plan.line}`);
    }
  } finally {
    await database.close();
    server?.stop();
  }
}

await main();
