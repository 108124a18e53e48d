import type { CellOutcome } from '@ortfleet/core';
import type { CellJob, PairsJob, PairsOutcome, Phase } from './cell-job';

/** The activities an agent's worker serves on its hardware class's queue; the orchestrator's workflows call them. */
export interface AgentActivities {
  runCell(job: CellJob): Promise<CellOutcome>;
  runPairs(job: PairsJob): Promise<PairsOutcome>;
}

/** Activity names as Temporal records them (pending activities are found by these). */
export const AGENT_ACTIVITY = { runCell: 'runCell', runPairs: 'runPairs' } as const satisfies Record<
  keyof AgentActivities,
  keyof AgentActivities
>;

/** What `runCell` heartbeats: the cell's phase (`starting` while its child starts), so a live view can say who does what. */
export interface CellHeartbeat {
  phase: Phase | 'starting';
  cellId: string;
  attempt: number;
}

/** A heartbeat as Temporal gives it back (decoded, untyped): the fields that are there. */
export function readCellHeartbeat(details: unknown): Partial<CellHeartbeat> {
  if (typeof details !== 'object' || details === null) return {};
  const d = details as Record<string, unknown>;
  return {
    ...(typeof d.phase === 'string' ? { phase: d.phase as CellHeartbeat['phase'] } : {}),
    ...(typeof d.cellId === 'string' ? { cellId: d.cellId } : {}),
    ...(typeof d.attempt === 'number' ? { attempt: d.attempt } : {}),
  };
}
