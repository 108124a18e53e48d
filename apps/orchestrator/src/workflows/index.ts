// All workflows, for the worker's workflowsPath.
export { benchmarkRun, progressQuery } from './benchmark-run';
export { classRun, shardProgressQuery } from './class-run';
export { registerAgent } from './register-agent';
export { sendAlerts } from './send-alerts';
