export * from './client';
export * from './schema';
export * from './agents/queries';
export * from './runs/queries';
export * from './results/queries';
export * from './results/search';
export * from './leaderboard/queries';
export * from './tokens/queries';
export { RUN_STATUSES } from './runs/table';
