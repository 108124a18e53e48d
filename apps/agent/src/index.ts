export { startAgent, type AgentOptions, type RunningAgent } from './agent';
export type { AgentActivities, RunCellInput } from './activities';
export { hardwareClassOf } from './probe/hardware-class';
export { encodeModel, tinyAddModel, type ValueInfo, type NodeDef } from './probe/onnx-writer';
