export { startAgent, type AgentOptions, type RunningAgent } from './agent';
export type { AgentActivities } from './activities';
export type { CellJob } from './cell/job';
export { encodeModel, tinyAddModel } from './probe/onnx-writer';
