// The CLI's process stack (Temporal, PostgreSQL, worker and agent in one process), for tests that start it in-process.
export { cellMemoryLimitBytes, startStack, type Stack } from './stack';
