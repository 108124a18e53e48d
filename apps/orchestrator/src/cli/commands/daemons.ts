import { BadInputError, parseLabels } from '@ortfleet/core';
import { loadConfig } from '../../config';
import { startStack, type Stack } from '../../stack';
import { parseCommand } from '../args';

export const AGENT_USAGE = `usage: pnpm ortfleet agent [--id ID] [--class HARDWARE_CLASS] [--labels K=V,...]

Starts an agent on this machine: probes it (CPU, memory, GPUs, and which ONNX Runtime EPs really load),
registers with the orchestrator through Temporal and benchmarks cells of its hardware class, one at a time,
each in a child process. Needs TEMPORAL_ADDRESS (and TEMPORAL_NAMESPACE if not 'default'); the agent needs
no database. ORTFLEET_CELL_MEMORY_MB caps a cell's resident memory (default: 75% of this machine's).

  --id ID                agent identity (default: the hostname)
  --class HARDWARE_CLASS override the probed hardware class id
  --labels K=V,...       operator labels, e.g. region=eu,price_per_hour=1.2 (the dashboard's cost
                         objective reads price_per_hour, per hour of this machine)`;

export const WORKER_USAGE = `usage: pnpm ortfleet worker

Starts the orchestrator's worker: runs benchmarkRun workflows and writes agents, runs and results to
DATABASE_URL (or, unset, an embedded PGlite under ORTFLEET_HOME). Needs TEMPORAL_ADDRESS.`;

/** Runs until SIGINT or SIGTERM, then shuts the stack down cleanly. */
async function untilSignal(stack: Stack, log: (line: string) => void): Promise<number> {
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log('shutting down');
  await stack.close();
  return 0;
}

function requireTemporal(usage: string) {
  const config = loadConfig();
  if (!config.TEMPORAL_ADDRESS) throw new BadInputError(`TEMPORAL_ADDRESS is not set: this command joins a running Temporal server\n\n${usage}`);
  return config;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** `ortfleet agent`. */
export async function agentCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, { id: { type: 'string' }, class: { type: 'string' }, labels: { type: 'string' } }, AGENT_USAGE);
  if (values.help) return console.log(AGENT_USAGE), 0;
  const hardwareClass = values.class as string | undefined;
  if (hardwareClass !== undefined && !/^[a-z0-9][a-z0-9._-]*$/.test(hardwareClass))
    throw new BadInputError(`--class must be lowercase letters, digits, '.', '_' and '-', got '${hardwareClass}'`);
  const labels = values.labels === undefined ? undefined : parseLabels(values.labels as string);
  const config = requireTemporal(AGENT_USAGE);
  const stack = await startStack(config, { worker: false, agent: true, agentId: values.id as string | undefined, hardwareClass, labels }, log);
  return untilSignal(stack, log);
}

/** `ortfleet worker`. */
export async function workerCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {}, WORKER_USAGE);
  if (values.help) return console.log(WORKER_USAGE), 0;
  const config = requireTemporal(WORKER_USAGE);
  const stack = await startStack(config, { worker: true, agent: false }, log);
  log(`orchestrator worker polling on ${stack.temporal.address}`);
  return untilSignal(stack, log);
}
