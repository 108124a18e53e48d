import { resolve } from 'node:path';
import {
  AGENT_FLAGS,
  agentSettings,
  checkModelCache,
  DEFAULT_HOST_LOCK_PORT,
  type AgentSettings,
} from '@ortfleet/agent';
import { BadInputError, type Logger } from '@ortfleet/core';
import { loadConfig, startObservability, TEMPORAL_TLS_USAGE, type Config } from '@ortfleet/orchestrator';
import { checkModelStore } from '@ortfleet/model-store';
import { startStack, type Stack } from '../stack';
import { parseCommand } from '../args';
import {
  daemonEnv,
  loadDaemonConfig,
  METRICS_PORT_OPTION,
  nameMetricsFlag,
  OBSERVABILITY_USAGE,
} from '../daemon-config';

export const AGENT_USAGE = `usage: ortfleet agent [--id ID] [--class HARDWARE_CLASS] [--labels K=V,...]
                          [--model-store URL] [--cache-dir DIR] [--cache-mb N] [--lock-port PORT]
                          [--metrics-port PORT]

Starts an agent on this machine: probes it (CPU, SIMD, memory, GPUs, and which ONNX Runtime EPs really load),
registers with the orchestrator through Temporal and benchmarks cells of its hardware class, one at a time
per host, each in a child process. Models are fetched by sha256 from the model store into a local cache and
never run unless the hash matches. Needs TEMPORAL_ADDRESS (and TEMPORAL_NAMESPACE if not 'default'); the
agent needs no database. Every setting is checked before the agent connects; a bad one exits 2, an
unreachable Temporal or model store exits 1, and in neither case does the agent register.

  --id ID                agent identity (ORTFLEET_AGENT_ID; default: the hostname)
  --class HARDWARE_CLASS override the probed hardware class id (ORTFLEET_AGENT_CLASS)
  --labels K=V,...       operator labels, e.g. region=eu,price_per_hour=1.2 (ORTFLEET_AGENT_LABELS); specs
                         can target labels, and the dashboard's cost objective reads price_per_hour
  --model-store URL      base URL of \`ortfleet serve\` to download models from (ORTFLEET_MODEL_STORE);
                         unset, model files are read where the run found them and their hash is checked.
                         ORTFLEET_TOKEN is sent when set (a serve started with --read-token needs it)
  --cache-dir DIR        model cache (ORTFLEET_MODEL_CACHE; default ORTFLEET_HOME/model-cache)
  --cache-mb N           model cache size bound, least recently used evicted (ORTFLEET_MODEL_CACHE_MB;
                         default 10240)
  --lock-port PORT       127.0.0.1 port held while benchmarking, so agents on one host take turns
                         (ORTFLEET_HOST_LOCK_PORT; default ${DEFAULT_HOST_LOCK_PORT})
${OBSERVABILITY_USAGE}

ORTFLEET_CELL_MEMORY_MB caps a cell's resident memory (default: 75% of this machine's).
${TEMPORAL_TLS_USAGE}`;

export const WORKER_USAGE = `usage: ortfleet worker [--metrics-port PORT]

Starts the orchestrator's worker: runs benchmarkRun workflows and writes agents, runs and results to
DATABASE_URL (or, unset, an embedded PGlite under ORTFLEET_HOME). Needs TEMPORAL_ADDRESS.
${TEMPORAL_TLS_USAGE}

${OBSERVABILITY_USAGE}`;

/** Runs until SIGINT or SIGTERM, then shuts the stack down cleanly. */
async function untilSignal(stack: Stack, logger: Logger): Promise<number> {
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  logger.info('shutting down');
  await stack.close();
  return 0;
}

function requireTemporal(usage: string, metricsPort: string | undefined) {
  const config = loadDaemonConfig(metricsPort);
  if (!config.TEMPORAL_ADDRESS)
    throw new BadInputError(`TEMPORAL_ADDRESS is not set: this command joins a running Temporal server\n\n${usage}`);
  return config;
}

/** Every problem with the agent's environment and flags, in one bad-input error; the settings otherwise. */
function agentConfig(
  flags: Record<string, string | undefined>,
  metricsPort: string | undefined,
): { config: Config; settings: AgentSettings } {
  const problems: string[] = [];
  const collect = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (err) {
      if (!(err instanceof BadInputError)) throw err;
      problems.push(...nameMetricsFlag(err.problems, metricsPort));
      return undefined;
    }
  };
  // The model store and token are the agent settings' to check, so each problem is listed once.
  const config = collect(() =>
    loadConfig({ ...daemonEnv(metricsPort), ORTFLEET_MODEL_STORE: undefined, ORTFLEET_TOKEN: undefined }),
  );
  if (config && !config.TEMPORAL_ADDRESS)
    problems.push('TEMPORAL_ADDRESS: not set; an agent joins a running Temporal server (e.g. localhost:7233)');
  const settings = collect(() => agentSettings(flags, process.env, config?.ORTFLEET_HOME ?? resolve('.ortfleet')));
  if (problems.length > 0 || !config || !settings)
    throw new BadInputError(`invalid agent configuration:\n  ${problems.join('\n  ')}\n\n${AGENT_USAGE}`, problems);
  return { config, settings };
}

/** `ortfleet agent`: validates everything, checks the cache, the model store and Temporal, then probes and registers. */
export async function agentCommand(argv: string[]): Promise<number> {
  const options = {
    ...Object.fromEntries(Object.keys(AGENT_FLAGS).map((flag) => [flag, { type: 'string' as const }])),
    ...METRICS_PORT_OPTION,
  };
  const { values } = parseCommand(argv, options, AGENT_USAGE);
  if (values.help) return (console.log(AGENT_USAGE), 0);
  const { 'metrics-port': metricsPort, ...flags } = values as Record<string, string | undefined>;
  const { config, settings } = agentConfig(flags, metricsPort);
  const { logger, meter } = await startObservability(config);
  await checkModelCache(settings);
  if (settings.modelStore) await checkModelStore({ url: settings.modelStore, token: settings.token });
  const stack = await startStack(config, { worker: false, agent: settings }, logger, meter);
  return untilSignal(stack, logger);
}

/** `ortfleet worker`. */
export async function workerCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, METRICS_PORT_OPTION, WORKER_USAGE);
  if (values.help) return (console.log(WORKER_USAGE), 0);
  const config = requireTemporal(WORKER_USAGE, values['metrics-port']);
  const { logger, meter } = await startObservability(config);
  const stack = await startStack(config, { worker: true }, logger, meter);
  logger.info(`orchestrator worker polling on ${stack.temporal.address}`, { temporal: stack.temporal.address });
  return untilSignal(stack, logger);
}
