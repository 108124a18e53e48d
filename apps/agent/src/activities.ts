import { ApplicationFailure, Context } from '@temporalio/activity';
import {
  CELL_ATTEMPTS,
  type CellOutcome,
  type ControlMeasurement,
  type ControlPosition,
  type Logger,
  type Provenance,
} from '@ortfleet/core';
import { prestartChild, runCellIsolated } from './cell/isolated';
import type { AgentActivities, CellHeartbeat, CellJob, PairsJob, PairsOutcome, Phase } from '@ortfleet/contracts';
import { ControlPositions, interleavedControlFor, measureControl } from './control';
import { acquireHostLock, type HostLock } from './host-lock';
import { agentMetrics, type AgentMetrics } from './metrics';
import { ModelUnavailable, type ModelCache } from './models/cache';
import { measurePairs } from './pairs';

const HEARTBEAT_MS = 5_000;

export interface AgentContext {
  agentId: string;
  memoryLimitBytes: number;
  provenance: Provenance;
  /** Under an emulator (qemu-user): such an agent runs no control, whose speed would be the emulator's. */
  emulated?: boolean;
  models: ModelCache;
  hostLockPort: number;
  logger?: Logger;
  metrics?: AgentMetrics;
}

/** Makes the cell's model files ready on this machine; a model that cannot be is the cell's `failed` reason. */
async function localModels(
  job: CellJob,
  models: ModelCache,
): Promise<Pick<CellJob, 'modelPath' | 'referenceModelPath'> | { failed: string }> {
  const keep = [job.modelSha256, job.referenceSha256].filter((h): h is string => h !== undefined);
  try {
    const modelPath = await models.resolve({ path: job.modelPath, sha256: job.modelSha256 }, keep);
    const referenceModelPath =
      job.referenceModelPath === undefined
        ? undefined
        : await models.resolve({ path: job.referenceModelPath, sha256: job.referenceSha256 }, keep);
    return { modelPath, referenceModelPath };
  } catch (err) {
    if (err instanceof ModelUnavailable) return { failed: err.message };
    throw err;
  }
}

/** Agent activities, bound to this agent's identity, limits, model cache and host lock. */
export function createAgentActivities(agent: AgentContext): AgentActivities {
  const metrics = agent.metrics ?? agentMetrics();
  const controlPositions = new ControlPositions();
  // A control that cannot run is logged and left out: the cell around it is measured regardless, and its
  // night is judged without drift normalization (docs/regressions.md).
  const controls = async (job: CellJob, positions: ControlPosition[], signal: AbortSignal) => {
    const taken: ControlMeasurement[] = [];
    if (agent.emulated) return taken;
    for (const position of positions)
      try {
        const limits = { memoryLimitBytes: agent.memoryLimitBytes, signal };
        taken.push(await measureControl(position, job.cell.params.hardwareClass, limits));
      } catch (err) {
        agent.logger?.warn(
          `agent ${agent.agentId}: the ${position} control of run ${job.control?.runId} failed: ${(err as Error).message}`,
        );
      }
    return taken;
  };
  // The host lock as the last cell left it: held until the next cell's child is ready. A cell that comes in
  // meanwhile takes it over instead of waiting for it to be released and listening again.
  let handedOver: { lock: HostLock; childReady: Promise<void> } | undefined;
  const takeHostLock = async (signal: AbortSignal, cellId: string): Promise<HostLock> => {
    const previous = handedOver;
    handedOver = undefined;
    if (previous) {
      await previous.childReady;
      return previous.lock;
    }
    return acquireHostLock(agent.hostLockPort, `ortfleet agent ${agent.agentId} (pid ${process.pid})`, {
      signal,
      onWait: (holder) =>
        agent.logger?.info(
          `agent ${agent.agentId}: cell ${cellId} waits for the host lock on port ${agent.hostLockPort}, held by ${holder}`,
          {
            cellId,
            lockPort: agent.hostLockPort,
            holder,
          },
        ),
    });
  };
  return {
    /**
     * Benchmarks one cell in a child process, heartbeating while it runs so that a dead agent is noticed and
     * its cell retried elsewhere. The host lock is held from before the model is fetched until the child is
     * gone, so no other agent on this machine measures meanwhile. A crashed child is retried (as a failed
     * attempt, possibly on another agent) until the last attempt, which returns `crashed`; every other way
     * the cell can end is returned as its outcome.
     */
    async runCell(input: CellJob): Promise<CellOutcome> {
      const ctx = Context.current();
      const { attempt } = ctx.info;
      let phase: Phase | 'starting' = 'waiting-for-host';
      // The cell id lets a live progress view say which cell each agent is on.
      const beat = () => ctx.heartbeat({ phase, cellId: input.cell.id, attempt } satisfies CellHeartbeat);
      const enter = (next: Phase | 'starting') => {
        phase = next;
        metrics.cellPhase(next);
        beat();
      };
      const timer = setInterval(beat, HEARTBEAT_MS);
      metrics.cellStarted(phase);
      beat();
      const lock = await takeHostLock(ctx.cancellationSignal, input.cell.id).catch((err: unknown) => {
        clearInterval(timer);
        metrics.cellEnded();
        throw err;
      });
      const started = performance.now();
      let status: CellOutcome['status'] | undefined;
      let taken: ControlMeasurement[] = [];
      const stamp = async (outcome: CellOutcome): Promise<CellOutcome> => {
        status = outcome.status;
        const after = controlPositions.after(input);
        if (after.length) enter('control');
        taken.push(...(await controls(input, after, ctx.cancellationSignal)));
        return {
          ...outcome,
          agentId: agent.agentId,
          provenance: agent.provenance,
          ...(taken.length && { controls: taken }),
        };
      };
      try {
        const before = controlPositions.before(input);
        if (before.length) enter('control');
        taken = await controls(input, before, ctx.cancellationSignal);
        enter('fetching-model');
        const files = await localModels(input, agent.models);
        if ('failed' in files) return await stamp({ status: 'failed', reason: files.failed });
        enter('starting');
        // An emulated machine's speed is the emulator's: no control, interleaved or not.
        const interleavedControl = agent.emulated ? undefined : await interleavedControlFor(input);
        const outcome = await runCellIsolated(
          { kind: 'cell', ...input, ...files, ...(interleavedControl && { interleavedControl }) },
          {
            timeoutMs: input.measure.cellTimeoutMs,
            memoryLimitBytes: agent.memoryLimitBytes,
            signal: ctx.cancellationSignal,
            onPhase: (p) => {
              enter(p as Phase);
              // Parity compares numbers, not times: with no profile pass after it, nothing timed is left in
              // this cell, so the next cell's child may start alongside.
              if (p === 'parity' && input.measure.profileIterations === 0) void prestartChild().catch(() => undefined);
            },
          },
        );
        if (outcome.status !== 'crashed' || outcome.measurement) return await stamp(outcome);
        if (attempt < CELL_ATTEMPTS) {
          status = 'crashed';
          throw ApplicationFailure.retryable(
            `cell child crashed on ${agent.agentId} (attempt ${attempt} of ${CELL_ATTEMPTS}): ${outcome.reason}`,
            'CellCrashed',
          );
        }
        return await stamp({
          ...outcome,
          reason: `crashed on attempt ${attempt} of ${CELL_ATTEMPTS}; last: ${outcome.reason}`,
        });
      } finally {
        clearInterval(timer);
        const { ep, hardwareClass } = input.cell.params;
        metrics.cellEnded(status && { status, ep, hardwareClass, seconds: (performance.now() - started) / 1000 });
        // The next cell's child starts while the outcome travels back and the next cell comes in. The host lock
        // is held until it is ready, so its start never overlaps another agent's measurement on this machine.
        const childReady = prestartChild().catch((err: unknown) =>
          agent.logger?.warn(
            `agent ${agent.agentId}: could not start the next cell process: ${(err as Error).message}`,
          ),
        );
        const handover = { lock, childReady };
        handedOver = handover;
        void childReady.then(() => {
          if (handedOver !== handover) return;
          handedOver = undefined;
          void lock.release();
        });
      }
    },

    /**
     * Runs a same-night A/B confirmation: the cell's previous and new model files in interleaved pairs, under
     * the host lock like a cell, heartbeating the pairs done. A model file that cannot be had fails the activity.
     */
    async runPairs(input: PairsJob): Promise<PairsOutcome> {
      const ctx = Context.current();
      const beat = () => ctx.heartbeat({ phase: 'timed-loop', cellId: input.cell.id, attempt: ctx.info.attempt });
      beat();
      const timer = setInterval(beat, HEARTBEAT_MS);
      const lock = await takeHostLock(ctx.cancellationSignal, input.cell.id).catch((err: unknown) => {
        clearInterval(timer);
        throw err;
      });
      try {
        return await measurePairs(input, { ...agent, signal: ctx.cancellationSignal });
      } catch (err) {
        if (err instanceof ModelUnavailable) throw ApplicationFailure.nonRetryable(err.message, 'ModelUnavailable');
        throw err;
      } finally {
        clearInterval(timer);
        await lock.release();
      }
    },
  };
}
