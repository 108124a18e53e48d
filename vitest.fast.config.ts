import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * The fast lane (`pnpm test:fast`): every unit and feature test of the apps and packages, with the database on
 * the embedded PGlite (each test's a copy of one migrated template; see test/support/fast-lane-setup.ts), and
 * the workflows on Temporal's test environment with mocked activities plus replays of recorded histories. Left
 * out, for the full lane only: tests that drive the `ortfleet` CLI end to end or need Python, root, Chromium,
 * qemu or a PostgreSQL server (all of test/ but the workspace check), and the files listed below. Needs no root
 * and no services; `pnpm test` runs everything.
 */
const FULL_LANE_ONLY = [
  // `ortfleet models prepare` with Python onnxruntime and onnx.
  'apps/cli/src/models/prepare.test.ts',
  // Cell child processes that crash, run out of memory and outlive their time limit on purpose (15 s).
  'apps/agent/src/cell/isolated.test.ts',
  // The open loop's timing and the closed loop's scaling on a real model: tens of seconds that need the CPU to
  // themselves.
  'apps/agent/src/cell/open-loop.test.ts',
  'apps/agent/src/cell/scaling.test.ts',
  // Installs the process's one Temporal runtime with a Prometheus endpoint, which files sharing a process
  // (below) cannot have: whichever test starts a worker first fixes the runtime.
  'apps/cli/src/metrics-endpoint.test.ts',
];

export default defineConfig({
  test: {
    include: ['{apps,packages}/*/src/**/*.test.ts', 'test/workspace.test.ts'],
    exclude: ['**/node_modules/**', ...FULL_LANE_ONLY],
    globalSetup: ['test/support/fast-lane-setup.ts'],
    setupFiles: ['test/support/cleanup.ts'],
    // Files share their worker process's loaded modules (onnxruntime-node, PGlite, Hono, the Temporal core):
    // loading them again for each file would cost more than all the tests together.
    isolate: false,
    // Two files at a time even on 2 cores (vitest's default there is one): much of the lane waits on Temporal's
    // round trips, timers and child processes rather than computing, and one at a time takes about 55 s.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Short, so that a hang fails in seconds: the slowest test takes about 2 s. Hooks bundle the workflows and
    // start Temporal's dev server, several seconds on a busy 2-core machine.
    testTimeout: 10_000,
    hookTimeout: 30_000,
  },
});
