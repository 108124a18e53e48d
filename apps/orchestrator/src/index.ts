// What the CLI, which starts every process, uses of the orchestrator.
export { loadConfig, type Config } from './config';
export { freePort, startDevServer, type DevServer } from './dev-server';
export { modelStoreOf, publishModels } from './models/publish';
export { detectVariants, variantPath } from './models/variants';
export {
  assertMetricsPortFree,
  bindAddress,
  DAEMON_COMMANDS,
  installCommandRuntime,
  installRuntime,
  metricsEndpoint,
  startObservability,
} from './observability/runtime';
export { watchRunsInFlight, workerMetrics } from './observability/worker-metrics';
export { temporalRunControl } from './run-control';
export { diagnoseRun } from './run-health';
export { readRunProgress } from './run-progress';
export { checkCron } from './schedules/cron';
export { describeSchedule, listSchedules, type ScheduleListItem, type ScheduleView } from './schedules/describe';
export { parseCatchupWindow } from './schedules/duration';
export {
  deleteSchedule,
  pauseSchedule,
  unpauseSchedule,
  upsertSchedule,
  type ScheduleDefinition,
} from './schedules/manage';
export { checkScheduleName, scheduleId } from './schedules/names';
export { checkTimezone } from './schedules/timezone';
export { triggerSchedule } from './schedules/trigger';
export { loadSpecFile, readSpecFile, type LoadedSpec } from './spec-file';
export { assertOrchestratorWorker, isRunId, startRun } from './start-run';
export { connectTemporal, findTemporalBinary, type TemporalHandle } from './temporal';
export { TEMPORAL_TLS_USAGE } from './temporal-tls';
export { bootstrapTool } from './tools';
export { createOrchestratorWorker } from './worker';
