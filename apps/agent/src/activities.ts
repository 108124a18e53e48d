import { Context } from '@temporalio/activity';
import type { Cell, CellOutcome, InputSpec, MeasureSpec } from '@ortfleet/core';
import { runCellIsolated } from './cell/isolated';

/** What the workflow sends an agent for one cell. */
export interface RunCellInput {
  cell: Cell;
  modelPath: string;
  inputs: Record<string, InputSpec>;
  measure: MeasureSpec;
}

const HEARTBEAT_MS = 5_000;

/** Agent activities, bound to this agent's identity and limits. */
export function createAgentActivities(agent: { agentId: string; memoryLimitBytes: number }) {
  return {
    /**
     * Benchmarks one cell in a child process, heartbeating while it runs so that a dead agent is noticed and
     * its cell retried elsewhere. Every way the cell itself can end is returned as an outcome, not thrown.
     */
    async runCell(input: RunCellInput): Promise<CellOutcome> {
      const ctx = Context.current();
      let phase = 'starting';
      const beat = setInterval(() => ctx.heartbeat({ phase }), HEARTBEAT_MS);
      try {
        ctx.heartbeat({ phase });
        const outcome = await runCellIsolated(
          { kind: 'cell', ...input },
          {
            timeoutMs: input.measure.cellTimeoutMs,
            memoryLimitBytes: agent.memoryLimitBytes,
            signal: ctx.cancellationSignal,
            onPhase: (p) => {
              phase = p;
              ctx.heartbeat({ phase });
            },
          },
        );
        return { ...outcome, agentId: agent.agentId };
      } finally {
        clearInterval(beat);
      }
    },
  };
}

export type AgentActivities = ReturnType<typeof createAgentActivities>;
