export { startAgent, type AgentOptions, type RunningAgent } from './agent';
export type { AgentActivities } from './activities';
export type { CellJob } from './cell/job';
export { encodeModel, tinyAddModel } from './probe/onnx-writer';
export { agentSettings, AGENT_FLAGS, type AgentSettings } from './config';
export { hashFile, ModelCache } from './models/cache';
export { DEFAULT_HOST_LOCK_PORT } from './host-lock';
export { checkMachine, findCheckModel, type MachineCheck } from './check';
export { agentMetrics, type AgentMetrics } from './metrics';
