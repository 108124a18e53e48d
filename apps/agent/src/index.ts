export { startAgent, type AgentOptions, type RunningAgent } from './agent';
export type { AgentActivities, RunCellInput } from './activities';
export { encodeModel, tinyAddModel } from './probe/onnx-writer';
