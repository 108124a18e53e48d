/** Task queue of the orchestrator: workflows and the activities that touch the database. */
export const ORCHESTRATOR_QUEUE = 'ortfleet-orchestrator';

/** Task queue that only agents of one hardware class poll. */
export function agentQueue(hardwareClass: string): string {
  return `ortfleet-agents-${hardwareClass}`;
}

/**
 * Attempts a cell gets: an agent that stops heartbeating, or a cell child that crashes, costs one; after the
 * last, the cell ends `crashed` for good.
 */
export const CELL_ATTEMPTS = 3;
