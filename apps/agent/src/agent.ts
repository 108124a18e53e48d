import { Client, type Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import {
  agentQueue,
  ORCHESTRATOR_QUEUE,
  silentLogger,
  type AgentRegistration,
  type EpAvailability,
  type Logger,
} from '@ortfleet/core';
import { WORKFLOW, type RegisterAgentWorkflow } from '@ortfleet/contracts';
import { createAgentActivities } from './activities';
import { runIsolated, stopSpareChild } from './cell/isolated';
import { acquireHostLock } from './host-lock';
import type { AgentMetrics } from './metrics';
import type { ModelCache } from './models/cache';
import { hardwareClassOf } from './probe/hardware-class';
import { probeMachine } from './probe/machine';
import { provenanceOf } from './probe/provenance';

export interface AgentOptions {
  connection: NativeConnection;
  /** A client connection used to register with the orchestrator. */
  clientConnection: Connection;
  namespace: string;
  agentId: string;
  /** Resident memory a cell's child may use before it is killed. */
  memoryLimitBytes: number;
  /** Overrides the probed hardware class (operators grouping machines by hand, tests faking a fleet). */
  hardwareClass?: string;
  /** Operator labels recorded with the registration. */
  labels?: Record<string, string>;
  /** Where cells' models come from: downloaded by hash into this cache, or checked in place. */
  models: ModelCache;
  /** The host-wide benchmark lock's port (see acquireHostLock). */
  hostLockPort: number;
  logger?: Logger;
  /** Where the agent's series are recorded (see agentMetrics); the model cache reports to its own. */
  metrics?: AgentMetrics;
}

export interface RunningAgent {
  registration: AgentRegistration;
  worker: Worker;
  /** Resolves when the worker has shut down. */
  done: Promise<void>;
}

/**
 * Probes the EPs in a child process, since a broken EP library may crash the process that loads it; under
 * the host lock, since the probe's sessions would disturb another agent's measurement.
 */
export async function probeEpsIsolated(lockPort: number, owner: string, logger: Logger): Promise<EpAvailability[]> {
  const lock = await acquireHostLock(lockPort, owner, {
    onWait: (holder) =>
      logger.info(`${owner}: waiting for the host lock on port ${lockPort}, held by ${holder}`, { lockPort, holder }),
  });
  const end = await runIsolated({ kind: 'probe-eps' }, { timeoutMs: 120_000, memoryLimitBytes: 4 * 2 ** 30 }).finally(
    () => lock.release(),
  );
  if (end.kind === 'message' && end.message.type === 'eps') return end.message.eps;
  const why = end.kind === 'died' ? end.reason : 'unexpected answer';
  return [{ name: 'cpu', available: false, error: `EP probe failed: ${why}` }];
}

/**
 * Starts an agent: probes the machine and its EPs, registers with the orchestrator (through a workflow on the
 * orchestrator's queue, so the agent never needs database access) and polls its hardware class's queue,
 * one cell at a time.
 */
export async function startAgent(opts: AgentOptions): Promise<RunningAgent> {
  const logger = (opts.logger ?? silentLogger).child({ agent: opts.agentId });
  await opts.models.prepare();
  const eps = await probeEpsIsolated(opts.hostLockPort, `ortfleet agent ${opts.agentId} (pid ${process.pid})`, logger);
  const probe = await probeMachine(eps);
  const hardwareClass = opts.hardwareClass ?? hardwareClassOf(probe);
  const registration: AgentRegistration = {
    agentId: opts.agentId,
    hardwareClass,
    taskQueue: agentQueue(hardwareClass),
    probe,
    labels: opts.labels ?? {},
  };
  logger.info(
    `agent ${opts.agentId}: class ${hardwareClass}; EPs ${eps.map((e) => `${e.name}${e.available ? '' : ` (unavailable: ${e.reason ?? e.error ?? 'unknown'})`}`).join(', ')}`,
    {
      hardwareClass,
      eps: eps.filter((e) => e.available).map((e) => e.name),
    },
  );

  const worker = await Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: registration.taskQueue,
    identity: opts.agentId,
    activities: createAgentActivities({
      agentId: opts.agentId,
      memoryLimitBytes: opts.memoryLimitBytes,
      provenance: await provenanceOf(probe),
      emulated: probe.emulated,
      models: opts.models,
      hostLockPort: opts.hostLockPort,
      logger,
      metrics: opts.metrics,
    }),
    // One benchmark per machine at a time: two cells sharing cores would measure each other.
    maxConcurrentActivityTaskExecutions: 1,
  });
  const done = worker.run().finally(stopSpareChild);
  const client = new Client({ connection: opts.clientConnection, namespace: opts.namespace });
  logger.info(`agent ${opts.agentId}: registering through ${ORCHESTRATOR_QUEUE} (waits for an orchestrator worker)`);
  try {
    await client.workflow.execute<RegisterAgentWorkflow>(WORKFLOW.registerAgent, {
      taskQueue: ORCHESTRATOR_QUEUE,
      workflowId: `register-agent-${opts.agentId}`,
      workflowIdConflictPolicy: 'TERMINATE_EXISTING',
      args: [registration],
    });
  } catch (err) {
    worker.shutdown();
    await done;
    throw err;
  }
  logger.info(`agent ${opts.agentId}: registered, polling ${registration.taskQueue}`, {
    taskQueue: registration.taskQueue,
  });
  return { registration, worker, done };
}
