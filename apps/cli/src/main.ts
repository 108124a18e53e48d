import { baselineCommand } from './commands/baseline';
import { checkCommand } from './commands/check';
import { compareCommand } from './commands/compare';
import { agentCommand, workerCommand } from './commands/daemons';
import { fleetCommand } from './commands/fleet';
import { modelsCommand } from './commands/models';
import { planCommand } from './commands/plan';
import { runCommand } from './commands/run';
import { scheduleCommand } from './commands/schedule';
import { schemaCommand } from './commands/schema';
import { serveCommand } from './commands/serve';
import { tokenCommand } from './commands/token';
import { runEntry, type Command } from './entry';

const USAGE = `usage: ortfleet <command> [options]

ortfleet benchmarks ONNX models across a fleet of machines through Temporal and ranks the results.

commands:
  demo            run the quickstart matrix on real models, all embedded (Temporal, PGlite, a local agent)
  run <spec>      run a spec's benchmark matrix and print a ranked table (--json: the run summary)
  agent           start an agent on this machine (needs TEMPORAL_ADDRESS)
  worker          start the orchestrator's workflow worker (needs TEMPORAL_ADDRESS)
  serve           start the dashboard, /api/v1 and /api/docs
  schedule        rerun a spec on a cron with a Temporal Schedule: create, list, describe, pause, unpause, trigger,
                  delete (needs TEMPORAL_ADDRESS)
  token           create, list and revoke API tokens
  compare A B     judge run B against run A cell by cell (--fail-on-regression: exit 1 on a regression)
  baseline accept make a result the new baseline of its series
  plan MODEL      machines and cost per hardware class for a request rate at an SLO (--qps, --slo)
  fleet           list registered agents
  check           probe this machine and measure a real model on each EP that loads (no Temporal, no database)
  schema          print the spec file's JSON Schema
  models prepare  derive a model's fp16 and int8 variants next to it (needs Python onnxruntime and onnx)

environment: DATABASE_URL, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, ORTFLEET_HOME (default ./.ortfleet),
ORTFLEET_TEMPORAL_BIN, ORTFLEET_CELL_MEMORY_MB, ORTFLEET_MODEL_STORE, ORTFLEET_TOKEN (an agent's own: agent
--help), ORTFLEET_LOG_LEVEL and ORTFLEET_LOG_FORMAT (stderr logs), ORTFLEET_METRICS_PORT and ORTFLEET_METRICS_HOST
(agent, worker and serve: a Prometheus endpoint), TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY, TEMPORAL_TLS_CA,
TEMPORAL_TLS_SERVER_NAME, TEMPORAL_API_KEY and TEMPORAL_TLS (TLS to TEMPORAL_ADDRESS).
\`ortfleet <command> --help\` for each command. From a clone: ./ortfleet or pnpm ortfleet.
exit codes: 0 success, 1 the run finished with failed cells, 2 bad input.`;

const COMMANDS: Record<string, Command> = {
  demo: (argv) => runCommand(argv, { demo: true }),
  run: (argv) => runCommand(argv),
  agent: agentCommand,
  worker: workerCommand,
  serve: serveCommand,
  fleet: fleetCommand,
  check: checkCommand,
  schema: schemaCommand,
  models: modelsCommand,
  token: tokenCommand,
  compare: compareCommand,
  baseline: baselineCommand,
  plan: planCommand,
  schedule: scheduleCommand,
};

// pnpm passes a literal `--` through when a user writes `pnpm ortfleet -- run ...`.
const args = process.argv.slice(2);
process.exitCode = await runEntry(COMMANDS, USAGE, args[0] === '--' ? args.slice(1) : args);
