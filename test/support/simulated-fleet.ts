/**
 * LOAD HARNESS, for tests and bench/scale.ts only: simulated agents that exercise the orchestration at fleet
 * scale. Each is a real Temporal worker on its hardware class's real queue, registered in the real database
 * like an agent, whose `runCell` answers a synthetic `ok` outcome after a set delay instead of running a
 * model. Nothing here measures anything; a real run never uses it.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { agentQueue, type CellOutcome, type Measurement } from '@ortfleet/core';
import { upsertAgent, type Db } from '@ortfleet/db';
import type { CellJob } from '@ortfleet/contracts';
import { probeFixture } from './probe';

/** When one simulated agent started and ended one cell (performance.now() of this process). */
export interface SimulatedCell {
  agentId: string;
  cellId: string;
  startMs: number;
  endMs: number;
}

export interface SimulatedAgent {
  agentId: string;
  hardwareClass: string;
  stop(): Promise<void>;
}

/** A synthetic measurement that says what it is: `note` names the harness. */
function syntheticOutcome(agentId: string, delayMs: number): CellOutcome {
  const ms = Math.max(delayMs, 0.001);
  const stats = {
    minMs: ms,
    meanMs: ms,
    stdMs: 0,
    p50Ms: ms,
    p90Ms: ms,
    p95Ms: ms,
    p99Ms: ms,
    p999Ms: ms,
    maxMs: ms,
    p50CiLowMs: ms,
    p50CiHighMs: ms,
    cv: 0,
  };
  const measurement: Measurement = {
    sessionCreateMs: 0,
    firstInferenceMs: 0,
    warmupIterations: 0,
    iterations: 1,
    durationMs: ms,
    throughput: 1000 / ms,
    stats,
    histogram: { growth: 1.02, counts: {} },
    windows: [],
    unstable: false,
    samplesMs: [],
    note: 'synthetic outcome of the load harness (test/support/simulated-fleet.ts)',
  };
  return { status: 'ok', agentId, measurement };
}

/**
 * Starts a simulated agent of `hardwareClass` with id `agentId`: registers it and polls the class's queue.
 * Returns once it polls.
 * Each cell takes `delayMs` (a timer, no CPU) and is recorded in `log`.
 */
export async function startSimulatedAgent(opts: {
  /** The Temporal server; each simulated agent has a connection of its own, as a real one does. */
  address: string;
  namespace: string;
  db: Db;
  agentId: string;
  hardwareClass: string;
  delayMs: number;
  log: SimulatedCell[];
}): Promise<SimulatedAgent> {
  const { agentId, hardwareClass, delayMs, log } = opts;
  const taskQueue = agentQueue(hardwareClass);
  await upsertAgent(opts.db, {
    agentId,
    hardwareClass,
    taskQueue,
    probe: probeFixture(`sim-${agentId}`),
    labels: { simulated: 'true' },
  });
  const connection = await NativeConnection.connect({ address: opts.address });
  const worker = await Worker.create({
    connection,
    namespace: opts.namespace,
    taskQueue,
    identity: agentId,
    activities: {
      async runCell(job: CellJob): Promise<CellOutcome> {
        const startMs = performance.now();
        if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
        log.push({ agentId, cellId: job.cell.id, startMs, endMs: performance.now() });
        return syntheticOutcome(agentId, delayMs);
      },
    },
    // Like a real agent: one cell at a time.
    maxConcurrentActivityTaskExecutions: 1,
  });
  const done = worker.run();
  // The run counts an agent as live once Temporal lists it among the queue's pollers.
  for (let polling = false; !polling; await new Promise((r) => setTimeout(r, 100))) {
    const res = await connection.workflowService.describeTaskQueue({
      namespace: opts.namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: 2,
    });
    polling = (res.pollers ?? []).some((p) => p.identity === agentId);
  }
  return {
    agentId,
    hardwareClass,
    async stop() {
      worker.shutdown();
      await done;
      await connection.close();
    },
  };
}

/**
 * Orchestration overhead per cell, from what the agents saw: for each agent, the idle time between the end of
 * one cell and the start of its next. Only gaps while the agent's class still had cells to hand out count, so
 * the tail of a run (nothing left to do) is not mistaken for overhead.
 */
export function gapsBetweenCells(log: SimulatedCell[]): number[] {
  const byAgent = new Map<string, SimulatedCell[]>();
  for (const c of log) byAgent.set(c.agentId, [...(byAgent.get(c.agentId) ?? []), c]);
  const gaps: number[] = [];
  for (const cells of byAgent.values()) {
    cells.sort((a, b) => a.startMs - b.startMs);
    for (let i = 1; i < cells.length; i++) gaps.push(cells[i]!.startMs - cells[i - 1]!.endMs);
  }
  return gaps;
}
