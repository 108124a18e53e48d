export { startAgent, type AgentOptions, type RunningAgent } from './agent';
export { agentSettings, AGENT_FLAGS, type AgentSettings } from './config';
export { checkModelCache, ModelCache } from './models/cache';
export { DEFAULT_HOST_LOCK_PORT } from './host-lock';
export { checkMachine, findCheckModel, type MachineCheck } from './check';
export { agentMetrics, type AgentMetrics } from './metrics';
export { onnxruntimeNodeVersion } from './onnxruntime-version';
