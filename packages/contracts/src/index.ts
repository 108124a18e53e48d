export { AGENT_ACTIVITY, readCellHeartbeat, type AgentActivities, type CellHeartbeat } from './agent-activities';
export type { CellJob, PairsJob, PairsOutcome, Phase } from './cell-job';
export type { LiveRun, RunControl, RunningCell } from './run-control';
export { WORKFLOW, type RegisterAgentWorkflow } from './workflows';
