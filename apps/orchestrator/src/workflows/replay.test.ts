import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';

// Recorded workflow histories replayed against today's code: each must take the same path, or every run in
// flight during an upgrade breaks. A change to a workflow that fails here needs a patch() (see benchmark-run.ts).
let WORKFLOWS: { workflowBundle: Awaited<ReturnType<typeof bundleWorkflowCode>> };
beforeAll(async () => {
  WORKFLOWS = {
    workflowBundle: await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./index.ts', import.meta.url)) }),
  };
}, 120_000);
const history = (file: string) =>
  historyFromJSON(JSON.parse(readFileSync(new URL(`./histories/${file}`, import.meta.url), 'utf8')) as unknown);
const scheduled = (h: ReturnType<typeof history>) =>
  new Set(h.events?.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean));
const { EventType } = temporal.api.enums.v1;
/** Whether any event of the history is of this type (e.g. 'ACTIVITY_TASK_TIMED_OUT'). */
const hasEvent = (h: ReturnType<typeof history>, type: string) =>
  h.events?.some((e) => e.eventType === EventType[`EVENT_TYPE_${type}` as keyof typeof EventType]) ?? false;
/** The patch ids a history's markers record (what patched() said when the run was recorded). */
const patches = (h: ReturnType<typeof history>) =>
  h.events
    ?.map((e) => e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data)
    .filter((data): data is Uint8Array => data instanceof Uint8Array)
    .map((data) => (JSON.parse(Buffer.from(data).toString('utf8')) as { id: string }).id);

describe('replay', () => {
  // A real run (two models, CPU and WebGPU cells, an absent class; ok, failed, unsupported and unschedulable
  // cells) recorded before runs were split into one shard per hardware class, after judging was added: it
  // takes the patched('judge-run') branch of benchmark-run-v1.ts.
  it('replays a run recorded before runs were sharded, with its judge-run patch', async () => {
    const h = history('benchmark-run-v1.json');
    expect(scheduled(h)).toEqual(expect.objectContaining(new Set(['persistResult', 'judgeRun'])));
    expect(patches(h)).toEqual(['judge-run']);
    await Worker.runReplayHistory(WORKFLOWS, h, 'recorded-v1');
  }, 120_000);

  // Recorded by workflows.test.ts (mocked activities): a sharded run that judged and alerted, and its shard.
  it('replays a sharded run that judged and alerted, and its class shard', async () => {
    const run = history('benchmark-run-v2.json');
    expect([...scheduled(run)]).toEqual(expect.arrayContaining(['persistResults', 'judgeRun', 'finishRun']));
    expect(patches(run)).toEqual(['sharded-run']);
    await Worker.runReplayHistory(WORKFLOWS, run, 'mocked-2');
    const shard = history('class-run-v2.json');
    expect([...scheduled(shard)]).toEqual(expect.arrayContaining(['runCell', 'persistResults']));
    await Worker.runReplayHistory(WORKFLOWS, shard, 'mocked-2.x86-test');
  }, 120_000);

  // Recorded by workflows.test.ts: the paths a shard takes when no agent picks a cell up (the schedule-to-start
  // timeout, then asking how many agents poll), a webhook that fails, and an agent's registration.
  it('replays a shard that found no agent, an alert with a failed webhook, and a registration', async () => {
    const shard = history('class-run-unschedulable-v2.json');
    expect(hasEvent(shard, 'ACTIVITY_TASK_TIMED_OUT')).toBe(true);
    expect([...scheduled(shard)]).toEqual(expect.arrayContaining(['runCell', 'liveAgents', 'persistResults']));
    await Worker.runReplayHistory(WORKFLOWS, shard, 'mocked-6.late-test');
    const alerts = history('send-alerts-v1.json');
    expect(hasEvent(alerts, 'ACTIVITY_TASK_FAILED')).toBe(true);
    await Worker.runReplayHistory(WORKFLOWS, alerts, 'alerts-nightly-1');
    const registration = history('register-agent-v1.json');
    expect([...scheduled(registration)]).toEqual(['registerAgent']);
    await Worker.runReplayHistory(WORKFLOWS, registration, 'register-agent-agent-1');
  }, 120_000);

  // Recorded by workflows.test.ts: a run whose judging asked for a same-night A/B, run on the class's queue.
  it('replays a run that confirmed a step with an A/B', async () => {
    const run = history('benchmark-run-ab.json');
    expect([...scheduled(run)]).toEqual(expect.arrayContaining(['judgeRun', 'runPairs', 'settleConfirmation']));
    expect(patches(run)).toEqual(['sharded-run', 'ab-confirmation']);
    await Worker.runReplayHistory(WORKFLOWS, run, 'mocked-ab');
  }, 120_000);
});
