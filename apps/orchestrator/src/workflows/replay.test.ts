import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { expect, it } from 'vitest';

// A real run (two models, CPU and WebGPU cells, an absent class; ok, failed, unsupported and unschedulable
// cells) recorded with the workflow as it was before runs were split into one shard per hardware class.
// Replaying it against today's code must take the same path, or every run in flight during an upgrade breaks.
it('replays a run recorded before runs were sharded', async () => {
  const json: unknown = JSON.parse(readFileSync(new URL('./histories/benchmark-run-v1.json', import.meta.url), 'utf8'));
  const history = historyFromJSON(json);
  expect(history.events?.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'persistResult')).toBe(true);
  await Worker.runReplayHistory({ workflowsPath: fileURLToPath(new URL('./index.ts', import.meta.url)) }, history, 'recorded-v1');
}, 120_000);
