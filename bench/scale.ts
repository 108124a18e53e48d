/**
 * Fleet-scale orchestration: a real Temporal dev server, a real `ortfleet worker` process, real PostgreSQL and
 * simulated agents (the LOAD HARNESS of test/support/simulated-fleet.ts: real Temporal workers on their
 * classes' queues whose runCell answers a synthetic outcome after --delay-ms) running one large spec with
 * `ortfleet run --json`. Prints cells and rows, wall time, cells/s, orchestration overhead per cell, the
 * largest workflow history and payload, and the worker's peak resident memory.
 *
 *   pnpm exec tsx bench/scale.ts [--cells 20000] [--agents 50] [--classes 10] [--delay-ms 20] [--built]
 *
 * The worker runs from the clone through tsx (bundling the workflows with webpack as it starts), or with
 * --built as a deployment runs it: `pnpm build`'s package installed with npm into a temporary prefix.
 *
 * With --real, the same question with a real agent: `ortfleet run` on the embedded default (dev server,
 * worker and the local agent in one process) of 128 cells of a tiny real model, and the ratio of the run's
 * wall time to the time the cells themselves report (session creation, first inference, warm-up, timed loop).
 *
 * Needs DATABASE_URL (a PostgreSQL database it may fill) or PostgreSQL's binaries for a throwaway one.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import pg from 'pg';
import { ORCHESTRATOR_QUEUE, percentile, type RunSummary } from '../packages/core/src/index';
import { openDatabase } from '../packages/db/src/index';
import { freePort, startDevServer } from '../apps/orchestrator/src/dev-server';
import { ortfleet, startDaemon } from '../test/support/cli';
import { tempHome, temporalBinary } from '../test/support/env';
import { writeTestModels } from '../test/support/models';
import { startThrowawayPostgres } from '../test/support/postgres';
import {
  gapsBetweenCells,
  startSimulatedAgent,
  type SimulatedAgent,
  type SimulatedCell,
} from '../test/support/simulated-fleet';
import { waitFor } from '../test/support/wait';
import { machineLine, REPO } from './common';

const { values } = parseArgs({
  options: {
    cells: { type: 'string' },
    agents: { type: 'string' },
    classes: { type: 'string' },
    'delay-ms': { type: 'string' },
    real: { type: 'boolean' },
    built: { type: 'boolean' },
  },
});
if (values.real) {
  await realAgentRun();
  process.exit(0);
}
const wantCells = Number(values.cells ?? 20_000);
const agentCount = Number(values.agents ?? 50);
const classCount = Number(values.classes ?? 10);
const delayMs = Number(values['delay-ms'] ?? 20);
// Ten models, one without an fp16 file: 1 cell in 20 ends unsupported before dispatch.
const MODELS = 10;
const batches = Math.max(1, Math.round(wantCells / (classCount * MODELS * 2)));

// The simulated agents' SDK logs (worker state changes) would bury the figures.
Runtime.install({ logger: new DefaultLogger('WARN') });

const home = tempHome();
const postgres = process.env.DATABASE_URL ? undefined : await startThrowawayPostgres();
const databaseUrl = process.env.DATABASE_URL ?? postgres!.url;
const server = await startDevServer({
  binary: temporalBinary(),
  dbFilename: join(home, 'temporal.db'),
  namespace: 'default',
  port: await freePort(),
});
const env = { TEMPORAL_ADDRESS: server.address, DATABASE_URL: databaseUrl, ORTFLEET_HOME: home };
const worker = values.built ? startBuiltWorker(env) : startDaemon('worker', ['worker'], env);
const client = new Client({ connection: await Connection.connect({ address: server.address }) });
const database = await openDatabase({ databaseUrl, home });
const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
const agents: SimulatedAgent[] = [];
const log: SimulatedCell[] = [];

// Peak resident memory over the worker's life (VmHWM, start-up included) and the largest sampled while the run
// is in flight (VmRSS).
let peakRss = 0;
let runRss = 0;
let runInFlight = false;
const rssTimer = setInterval(() => {
  try {
    const status = readFileSync(`/proc/${worker.child.pid}/status`, 'utf8');
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    const rss = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    if (hwm) peakRss = Math.max(peakRss, Number(hwm) * 1024);
    if (rss && runInFlight) runRss = Math.max(runRss, Number(rss) * 1024);
  } catch {
    // the worker is gone; the last reading stands
  }
}, 250);

try {
  await waitFor(
    'the orchestrator worker to poll',
    async () => {
      const res = await client.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: ORCHESTRATOR_QUEUE },
        taskQueueType: 1,
      });
      return (res.pollers ?? []).length > 0;
    },
    120_000,
  );
  const classes = Array.from({ length: classCount }, (_, i) => `sim-${i}`);
  // Started together: each returns once Temporal lists it among its queue's pollers, which can take a while.
  agents.push(
    ...(await Promise.all(
      Array.from({ length: agentCount }, (_, i) =>
        startSimulatedAgent({
          address: server.address,
          namespace: 'default',
          db: database.db,
          agentId: `sim-agent-${i}`,
          hardwareClass: classes[i % classCount]!,
          delayMs,
          log,
        }),
      ),
    )),
  );

  const model = writeTestModels(home).add;
  const models = Array.from(
    { length: MODELS },
    (_, i) => `  - { name: m${i}, files: { fp32: ${model}${i === 0 ? '' : `, fp16: ${model}`} } }`,
  ).join('\n');
  const spec = join(home, 'scale.yaml');
  writeFileSync(
    spec,
    `name: scale\nmodels:\n${models}\nmatrix: { ep: [cpu], precision: [fp32, fp16], batch: [${Array.from({ length: batches }, (_, i) => i + 1).join(', ')}], intraOpThreads: [1] }\ntargets: [${classes.join(', ')}]\n`,
  );

  const started = performance.now();
  runInFlight = true;
  const res = await ortfleet(['run', spec, '--json', '--run-id', 'scale-1'], env, 4 * 3600_000);
  runInFlight = false;
  const wallMs = performance.now() - started;
  if (res.code !== 0) throw new Error(`ortfleet run exited ${res.code}: ${res.stderr.slice(-2000)}`);
  const summary = JSON.parse(res.stdout) as RunSummary;
  const rows = (
    await pool.query<{ n: number; distinct_cells: number }>(
      "select count(*)::int as n, count(distinct cell_id)::int as distinct_cells from results where run_id = 'scale-1'",
    )
  ).rows[0]!;

  // Every execution of every workflow of the run: its history length and its largest payload.
  let largestHistory = { id: '', events: 0 };
  let largestPayload = { id: '', bytes: 0 };
  const ids = ['scale-1', ...classes.map((c) => `scale-1.${c}`)];
  for (const id of ids)
    for await (const w of client.workflow.list({ query: `WorkflowId = '${id}'` })) {
      if (w.historyLength > largestHistory.events)
        largestHistory = { id: `${id} (${w.runId})`, events: w.historyLength };
      const history = await client.workflow.getHandle(id, w.runId).fetchHistory();
      for (const e of history.events ?? [])
        for (const attrs of Object.values(e))
          for (const p of (
            attrs as {
              result?: { payloads?: { data?: Uint8Array }[] };
              input?: { payloads?: { data?: Uint8Array }[] };
            } | null
          )?.result?.payloads ??
            (attrs as { input?: { payloads?: { data?: Uint8Array }[] } } | null)?.input?.payloads ??
            [])
            if ((p.data?.length ?? 0) > largestPayload.bytes) largestPayload = { id, bytes: p.data!.length };
    }

  // Where a hand-over goes, from the first shard's first history: activity completed → workflow task started
  // (server and worker pick-up), workflow task started → completed (the workflow's own work), and workflow
  // task completed → the next runCell started (server to agent).
  const steps = { pickup: [] as number[], workflow: [] as number[], dispatch: [] as number[] };
  {
    const first = (await client.workflow.getHandle(`scale-1.${classes[0]}`).fetchHistory()).events ?? [];
    const at = (e: (typeof first)[number]) =>
      Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;
    let completedAt: number | undefined;
    let taskStartedAt: number | undefined;
    let taskCompletedAt: number | undefined;
    const scheduledRunCell = new Set<string>();
    for (const e of first) {
      if (e.activityTaskScheduledEventAttributes?.activityType?.name === 'runCell')
        scheduledRunCell.add(String(e.eventId));
      if (
        e.activityTaskCompletedEventAttributes &&
        scheduledRunCell.has(String(e.activityTaskCompletedEventAttributes.scheduledEventId))
      )
        completedAt = at(e);
      if (e.workflowTaskStartedEventAttributes) taskStartedAt = at(e);
      if (e.workflowTaskCompletedEventAttributes && taskStartedAt !== undefined) {
        taskCompletedAt = at(e);
        steps.workflow.push(taskCompletedAt - taskStartedAt);
        if (completedAt !== undefined) steps.pickup.push(taskStartedAt - completedAt);
        completedAt = undefined;
      }
      if (
        e.activityTaskStartedEventAttributes &&
        scheduledRunCell.has(String(e.activityTaskStartedEventAttributes.scheduledEventId)) &&
        taskCompletedAt !== undefined
      ) {
        steps.dispatch.push(at(e) - taskCompletedAt);
        taskCompletedAt = undefined;
      }
    }
  }
  const med = (xs: number[]) =>
    xs.length
      ? percentile(
          [...xs].sort((a, b) => a - b),
          0.5,
        ).toFixed(1)
      : '-';

  const gaps = gapsBetweenCells(log).sort((a, b) => a - b);
  const dispatched = log.length;
  const agentMs = log.reduce((n, c) => n + (c.endMs - c.startMs), 0);
  const warned = /payload size|exceeds|PayloadSizeWarning/i.test(worker.stderr);
  console.log(`${machineLine()}; Node ${process.version}`);
  console.log(
    `spec: ${classCount} simulated classes × ${MODELS} models × 2 precisions × ${batches} batches; ${agentCount} simulated agents; ${delayMs} ms per cell`,
  );
  console.log(
    `cells ${summary.total} · rows ${rows.n} (distinct ${rows.distinct_cells}) · by status ${JSON.stringify(summary.byStatus)} · cells in --json ${summary.cells.length}`,
  );
  console.log(
    `wall ${(wallMs / 1000).toFixed(1)} s · ${(summary.total / (wallMs / 1000)).toFixed(0)} cells/s · ${dispatched} dispatched cells, agent time ${(agentMs / 1000).toFixed(1)} s`,
  );
  console.log(
    `overhead per cell (an agent's idle gap between two of its cells): p50 ${percentile(gaps, 0.5).toFixed(1)} ms · p90 ${percentile(gaps, 0.9).toFixed(1)} ms · p99 ${percentile(gaps, 0.99).toFixed(1)} ms`,
  );
  console.log(
    `hand-over medians: cell done → workflow task started ${med(steps.pickup)} ms · workflow task ${med(steps.workflow)} ms · task done → next cell started ${med(steps.dispatch)} ms`,
  );
  console.log(
    `wall per dispatched cell per agent − delay: ${((wallMs * agentCount) / dispatched - delayMs).toFixed(1)} ms`,
  );
  console.log(
    `largest history ${largestHistory.events} events (${largestHistory.id}) · largest payload ${(largestPayload.bytes / 1024).toFixed(1)} KiB (${largestPayload.id}) · payload warning in worker log: ${warned ? 'YES' : 'no'}`,
  );
  console.log(
    `orchestrator worker (${values.built ? 'built package' : 'source through tsx'}) RSS: peak ${(peakRss / 2 ** 20).toFixed(0)} MiB (start-up included) · largest during the run ${(runRss / 2 ** 20).toFixed(0)} MiB`,
  );
} finally {
  clearInterval(rssTimer);
  for (const a of agents) await a.stop().catch(() => undefined);
  worker.child.kill('SIGTERM');
  await pool.end();
  await database.close();
  await client.connection.close();
  await server.stop();
  postgres?.stop();
}

/**
 * 128 real cells of the tiny Add model (batch 1–16 × 2 thread counts × 4 optimization levels), 0.2 s timed
 * loops, no profile pass. The agent-side time of a cell is what its measurement reports: session creation +
 * first inference + warm-up (iterations × mean latency) + the timed loop. The run's wall time is its
 * workflow's start to finish (startedAt/finishedAt), so the stack's own start-up is not counted.
 */
async function realAgentRun(): Promise<void> {
  const home = tempHome();
  const postgres = process.env.DATABASE_URL ? undefined : await startThrowawayPostgres();
  try {
    const model = writeTestModels(home).add;
    const spec = join(home, 'real.yaml');
    writeFileSync(
      spec,
      `name: real-scale\nmodels:\n  - { name: add, file: ${model} }\nmatrix: { ep: [cpu], batch: [${Array.from({ length: 16 }, (_, i) => i + 1).join(', ')}], intraOpThreads: [1, 2], graphOptimization: [disabled, basic, extended, all] }\nmeasure: { warmup: 5, minIterations: 10, minDurationMs: 200, maxDurationMs: 2000, cellTimeoutMs: 60000, profileIterations: 0 }\n`,
    );
    const res = await ortfleet(
      ['run', spec, '--json'],
      {
        DATABASE_URL: process.env.DATABASE_URL ?? postgres!.url,
        ORTFLEET_HOME: home,
        ORTFLEET_TEMPORAL_BIN: temporalBinary(),
      },
      3600_000,
    );
    if (res.code !== 0) throw new Error(`ortfleet run exited ${res.code}: ${res.stderr.slice(-2000)}`);
    const summary = JSON.parse(res.stdout) as RunSummary;
    const wallMs = Date.parse(summary.finishedAt) - Date.parse(summary.startedAt);
    let agentMs = 0;
    for (const c of summary.cells) {
      const m = c.measurement;
      if (m) agentMs += m.sessionCreateMs + m.firstInferenceMs + m.warmupIterations * m.stats.meanMs + m.durationMs;
    }
    console.log(`${machineLine()}; Node ${process.version}`);
    console.log(
      `real agent: ${summary.total} cells (${JSON.stringify(summary.byStatus)}), run wall ${(wallMs / 1000).toFixed(1)} s, agent-side ${(agentMs / 1000).toFixed(1)} s`,
    );
    console.log(
      `wall / agent-side time: ${(wallMs / agentMs).toFixed(2)} · overhead per cell ${((wallMs - agentMs) / summary.total).toFixed(0)} ms`,
    );
  } finally {
    postgres?.stop();
  }
}

/** `ortfleet worker` from `pnpm build`'s package, installed with npm into a temporary prefix as a user would. */
function startBuiltWorker(env: Record<string, string>) {
  if (!existsSync(join(REPO, 'dist/ortfleet/lib/cli.js')))
    throw new Error('bench/scale.ts --built: run `pnpm build` first');
  const dir = tempHome();
  execFileSync('npm', ['pack', '--silent', '--pack-destination', dir, join(REPO, 'dist/ortfleet')], {
    stdio: 'ignore',
  });
  const tarball = join(
    dir,
    readdirSync(dir).find((f) => f.endsWith('.tgz'))!,
  );
  execFileSync(
    'npm',
    [
      'install',
      '--global',
      '--prefix',
      join(dir, 'prefix'),
      '--no-audit',
      '--no-fund',
      '--onnxruntime-node-install=skip',
      tarball,
    ],
    { stdio: 'ignore' },
  );
  const child = spawn(join(dir, 'prefix/bin/ortfleet'), ['worker'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const daemon = { name: 'worker', child, stderr: '' };
  child.stderr.on('data', (d: Buffer) => (daemon.stderr += d.toString()));
  return daemon;
}
