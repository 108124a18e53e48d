export { createApp, type DashboardDeps } from './app';
