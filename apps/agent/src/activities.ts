import { Context } from '@temporalio/activity';
import type { CellOutcome, Provenance } from '@ortfleet/core';
import { runCellIsolated } from './cell/isolated';
import type { CellJob } from './cell/job';

const HEARTBEAT_MS = 5_000;

/** Agent activities, bound to this agent's identity and limits. */
export function createAgentActivities(agent: { agentId: string; memoryLimitBytes: number; provenance: Provenance }) {
  return {
    /**
     * Benchmarks one cell in a child process, heartbeating while it runs so that a dead agent is noticed and
     * its cell retried elsewhere. Every way the cell itself can end is returned as an outcome, not thrown.
     */
    async runCell(input: CellJob): Promise<CellOutcome> {
      const ctx = Context.current();
      let phase = 'starting';
      // The cell id lets a live progress view say which cell each agent is on.
      const beat = setInterval(() => ctx.heartbeat({ phase, cellId: input.cell.id }), HEARTBEAT_MS);
      try {
        ctx.heartbeat({ phase, cellId: input.cell.id });
        const outcome = await runCellIsolated(
          { kind: 'cell', ...input },
          {
            timeoutMs: input.measure.cellTimeoutMs,
            memoryLimitBytes: agent.memoryLimitBytes,
            signal: ctx.cancellationSignal,
            onPhase: (p) => {
              phase = p;
              ctx.heartbeat({ phase, cellId: input.cell.id });
            },
          },
        );
        return { ...outcome, agentId: agent.agentId, provenance: agent.provenance };
      } finally {
        clearInterval(beat);
      }
    },
  };
}

export type AgentActivities = ReturnType<typeof createAgentActivities>;
