import { proxyActivities } from '@temporalio/workflow';
import type { RegisterAgentWorkflow } from '@ortfleet/contracts';
import type { AgentRegistration } from '@ortfleet/core';
import type { OrchestratorActivities } from '../activities';

const { registerAgent: record } = proxyActivities<OrchestratorActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** Records an agent's registration; agents start it so that they never need database credentials. */
export const registerAgent: RegisterAgentWorkflow = async function registerAgent(
  registration: AgentRegistration,
): Promise<void> {
  await record(registration);
};
