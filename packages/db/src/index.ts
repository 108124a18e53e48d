export * from './client';
export * from './schema';
export * from './agents/queries';
export * from './runs/queries';
export * from './results/queries';
export { RUN_STATUSES } from './runs/table';
