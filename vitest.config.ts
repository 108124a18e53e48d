import { defineConfig } from 'vitest/config';

/**
 * Files whose assertions are about measured time (ratios, speed-ups, a planted slowdown or stall, a noisy
 * neighbour they start themselves): they run one at a time, after everything else, with the CPU to themselves.
 */
const MEASURING = [
  'apps/agent/src/cell/**/*.test.ts',
  'test/capacity.test.ts',
  'test/concurrency.test.ts',
  'test/drift.test.ts',
  'test/generation.test.ts',
  'test/regression.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/cleanup.ts'],
    projects: [
      {
        extends: true,
        test: {
          // Real servers (Temporal, PostgreSQL), CLI processes and real cells whose figures no assertion
          // depends on: most of their time is spent waiting on round trips, timers and child processes, so two
          // files at a time even on 2 cores. Agents of different files still measure one cell at a time: they
          // share the host lock.
          name: 'orchestration',
          include: ['{apps,packages}/*/src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/node_modules/**', ...MEASURING],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'measurement', include: MEASURING, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
