export { createApp } from './app';
export type { DashboardDeps } from './deps';
