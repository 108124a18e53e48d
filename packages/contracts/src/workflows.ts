import type { AgentRegistration } from '@ortfleet/core';

/**
 * Workflow types that a process starts by name without importing the workflow code (an agent registering
 * itself, a query for runs in flight). The orchestrator's workflows are checked against these signatures.
 */
export const WORKFLOW = {
  benchmarkRun: 'benchmarkRun',
  classRun: 'classRun',
  registerAgent: 'registerAgent',
  sendAlerts: 'sendAlerts',
} as const;

/** An agent records itself through the orchestrator, so that it never needs database credentials. */
export type RegisterAgentWorkflow = (registration: AgentRegistration) => Promise<void>;
