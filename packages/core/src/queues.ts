/** Task queue of the orchestrator: workflows and the activities that touch the database. */
export const ORCHESTRATOR_QUEUE = 'ortfleet-orchestrator';

/** Task queue that only agents of one hardware class poll. */
export function agentQueue(hardwareClass: string): string {
  return `ortfleet-agents-${hardwareClass}`;
}
