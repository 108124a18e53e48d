export { createApp, type DashboardDeps } from './app';
export { ApiError } from './errors';
export type { LiveRun, RunControl, RunningCell } from './runs/control';
export { modelPath, storeModel } from './models/store';
