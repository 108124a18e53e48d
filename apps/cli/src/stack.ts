import { totalmem } from 'node:os';
import type { Worker } from '@temporalio/worker';
import { agentMetrics, ModelCache, startAgent, type AgentSettings, type RunningAgent } from '@ortfleet/agent';
import type { Logger, MetricMeter } from '@ortfleet/core';
import { openDatabase, type Database } from '@ortfleet/db';
import {
  connectTemporal,
  modelStoreOf,
  createOrchestratorWorker,
  watchRunsInFlight,
  workerMetrics,
  type Config,
  type TemporalHandle,
} from '@ortfleet/orchestrator';

/** The pieces one process runs: always a Temporal connection; with `worker`, the orchestrator worker and its database; with `agent`, an agent with those settings. */
export interface Stack {
  temporal: TemporalHandle;
  database?: Database;
  agent?: RunningAgent;
  close(): Promise<void>;
}

/** Resident memory a cell may use: ORTFLEET_CELL_MEMORY_MB, else three quarters of this machine's memory. */
export function cellMemoryLimitBytes(config: Config): number {
  return config.ORTFLEET_CELL_MEMORY_MB ? config.ORTFLEET_CELL_MEMORY_MB * 2 ** 20 : Math.floor(totalmem() * 0.75);
}

/**
 * Starts what a command needs and returns one handle that stops all of it in the right order. Its pieces log
 * through `logger` and record their series on `meter`, when the process serves metrics.
 */
export async function startStack(
  config: Config,
  want: { worker: boolean; agent?: AgentSettings },
  logger: Logger,
  meter?: MetricMeter,
): Promise<Stack> {
  const temporal = await connectTemporal(config, (line) => logger.info(line));
  const stops: (() => Promise<void>)[] = [() => temporal.close()];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s();
  };
  try {
    let database: Database | undefined;
    if (want.worker) {
      database = await openDatabase({ databaseUrl: config.DATABASE_URL, home: config.ORTFLEET_HOME });
      stops.push(() => database!.close());
      logger.info(`database: ${database.location}`);
      const worker = await createOrchestratorWorker({
        connection: temporal.workerConnection,
        client: temporal.client,
        namespace: temporal.namespace,
        db: database.db,
        modelStore: modelStoreOf(config),
      });
      stops.push(runInBackground(worker));
      if (meter) stops.push(watchRunsInFlight(temporal.client, workerMetrics(meter), logger));
    }
    let agent: RunningAgent | undefined;
    if (want.agent) {
      const settings = want.agent;
      const metrics = agentMetrics(meter);
      agent = await startAgent({
        connection: temporal.workerConnection,
        clientConnection: temporal.clientConnection,
        namespace: temporal.namespace,
        agentId: settings.agentId,
        hardwareClass: settings.hardwareClass,
        labels: settings.labels,
        models: new ModelCache({
          dir: settings.cacheDir,
          maxBytes: settings.cacheBytes,
          store: settings.modelStore,
          token: settings.token,
          metrics,
        }),
        hostLockPort: settings.hostLockPort,
        memoryLimitBytes: cellMemoryLimitBytes(config),
        logger,
        metrics,
      });
      stops.push(stopWorker(agent.worker, agent.done));
    }
    return { temporal, database, agent, close: stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function runInBackground(worker: Worker): () => Promise<void> {
  return stopWorker(worker, worker.run());
}

/** Stops a worker unless the SDK's own signal handling (SIGINT, SIGTERM) already began to, then waits for it. */
function stopWorker(worker: Worker, done: Promise<void>): () => Promise<void> {
  return async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await done;
  };
}
