import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentActivities, CellJob, PairsJob, PairsOutcome } from '@ortfleet/contracts';
import {
  agentQueue,
  expandMatrix,
  ORCHESTRATOR_QUEUE,
  validateSpec,
  type AgentRegistration,
  type CellOutcome,
  type FleetClass,
  type Judgement,
  type RunTotals,
} from '@ortfleet/core';
import { temporalBinary } from '../../../../test/support/env';
import type { OrchestratorActivities, PersistedResult } from '../activities';
import type { JudgedCell } from '../judging/judge-run';
import type { RunAlert } from '../judging/alert-message';
import { benchmarkRun, type BenchmarkRunInput } from './benchmark-run';
import { registerAgent } from './register-agent';
import { sendAlerts } from './send-alerts';

// The workflows' own logic on Temporal's test environment (a local dev server from the bootstrapped CLI, no
// download), with every activity mocked: what the workflows ask of the database and the agents, and in
// which order, without a database, an agent or a model.

let env: TestWorkflowEnvironment;
/** What the long-lived workers answer with: each test sets the mocks it asserts on. */
const current: { orchestrator?: OrchestratorActivities; agents: Record<string, AgentActivities> } = { agents: {} };
let workers: Worker[] = [];
let running: Promise<unknown>;

// One orchestrator worker and one agent worker per class queue serve the whole file: a worker per test would
// cost its start-up each time, and a workflow that outlives its test's worker (the alerts child) would wait
// out its sticky queue's timeout for the next one.
beforeAll(async () => {
  env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: temporalBinary() } },
  });
  const bundle = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./index.ts', import.meta.url)) });
  const orchestrator = Object.fromEntries(
    Object.keys(orchestratorMock().activities).map((name) => [
      name,
      (...args: unknown[]) => (current.orchestrator as Record<string, (...a: unknown[]) => unknown>)[name]!(...args),
    ]),
  );
  workers = await Promise.all([
    Worker.create({
      connection: env.nativeConnection,
      taskQueue: ORCHESTRATOR_QUEUE,
      workflowBundle: bundle,
      activities: orchestrator,
    }),
    ...[x86, gpu].map(({ taskQueue }) =>
      Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        activities: {
          runCell: (job: CellJob) => current.agents[taskQueue]!.runCell(job),
          runPairs: (job: PairsJob) => current.agents[taskQueue]!.runPairs(job),
        },
      }),
    ),
  ]);
  running = Promise.all(workers.map((w) => w.run()));
});

afterAll(async () => {
  for (const worker of workers) worker.shutdown();
  await running;
  await env?.teardown();
});

const CLASS = 'x86-test';
const GPU_CLASS = 'gpu-test';
/** A class whose agent only comes once the run has found that none polls (no long-lived worker serves it). */
const LATE_CLASS = 'late-test';
const x86: FleetClass = {
  hardwareClass: CLASS,
  taskQueue: agentQueue(CLASS),
  liveAgents: 1,
  eps: [
    { name: 'cpu', available: true },
    { name: 'webgpu', available: false, error: 'no adapter' },
  ],
};
const gpu: FleetClass = {
  hardwareClass: GPU_CLASS,
  taskQueue: agentQueue(GPU_CLASS),
  liveAgents: 1,
  eps: [
    { name: 'cpu', available: true },
    { name: 'webgpu', available: true },
  ],
};
const late: FleetClass = { ...x86, hardwareClass: LATE_CLASS, taskQueue: agentQueue(LATE_CLASS) };

function input(
  runId: string,
  alerts?: BenchmarkRunInput['alerts'],
  matrix: Record<string, unknown> = { ep: ['cpu', 'webgpu'], batch: [1, 2], intraOpThreads: [1] },
  targets?: string[],
): BenchmarkRunInput {
  const spec = validateSpec({ name: 'mocked', models: [{ name: 'add', file: 'add.onnx' }], matrix, targets });
  return { runId, spec, models: { add: { fp32: { path: '/models/add.onnx', sha256: 'a'.repeat(64) } } }, alerts };
}

interface MockOptions {
  /** What judgeRun answers; an Error makes it fail for good. */
  judged?: JudgedCell[] | Error;
  fleet?: FleetClass[];
  /** What liveAgents answers (the shard asks after a cell found no agent, and every FLEET_REFRESH_MS). */
  liveAgents?: (taskQueue: string) => number;
  /** What settleConfirmation answers: the judgement a same-night A/B gave. */
  settled?: (judged: JudgedCell, outcome: PairsOutcome | { failed: string }) => Judgement;
}

/** Mocked orchestrator activities that record what the workflows asked of them. */
function orchestratorMock({
  judged = [],
  fleet = [x86],
  liveAgents = () => 1,
  settled = (j) => j.judgement,
}: MockOptions = {}) {
  const calls = {
    registered: [] as AgentRegistration[],
    persisted: [] as PersistedResult[],
    finished: [] as string[],
    judged: 0,
    liveAgentsAsked: [] as string[],
    alerts: [] as RunAlert[],
    settled: [] as { judged: JudgedCell; outcome: PairsOutcome | { failed: string } }[],
  };
  const activities: OrchestratorActivities = {
    async registerAgent(registration) {
      calls.registered.push(registration);
    },
    async createRun() {},
    async loadFleet() {
      return fleet;
    },
    async persistResult() {
      throw new Error('a sharded run writes in batches');
    },
    async persistResults(_runId, batch) {
      calls.persisted.push(...batch);
    },
    async liveAgents(taskQueue) {
      calls.liveAgentsAsked.push(taskQueue);
      return liveAgents(taskQueue);
    },
    async judgeRun() {
      calls.judged++;
      if (judged instanceof Error) throw ApplicationFailure.nonRetryable(judged.message);
      return judged;
    },
    async postAlert(target, alert) {
      if (target.url.includes('down')) throw ApplicationFailure.nonRetryable(`${target.url} is down`);
      calls.alerts.push(alert);
    },
    async finishRun(_runId, status) {
      calls.finished.push(status);
    },
    async settleConfirmation(judged, outcome) {
      calls.settled.push({ judged, outcome });
      return settled(judged, outcome);
    },
  };
  return { calls, activities };
}

/** An agent that answers every cell with `outcome(job)`, and every A/B with B 10% slower than A. */
function agentMock(outcome: (job: CellJob) => CellOutcome): {
  jobs: CellJob[];
  pairs: PairsJob[];
  activities: AgentActivities;
} {
  const jobs: CellJob[] = [];
  const pairs: PairsJob[] = [];
  return {
    jobs,
    pairs,
    activities: {
      async runCell(job) {
        jobs.push(job);
        return outcome(job);
      },
      async runPairs(job) {
        pairs.push(job);
        return { agentId: 'a1', pairs: job.orders.map((order) => ({ order, aP50Ms: 10, bP50Ms: 11 })) };
      },
    },
  };
}

/** Runs `run` with these mocks answering for the orchestrator and for each class queue in `agents`. */
async function runWith(
  orchestrator: OrchestratorActivities,
  agents: Record<string, AgentActivities>,
  run: BenchmarkRunInput,
): Promise<RunTotals> {
  current.orchestrator = orchestrator;
  current.agents = agents;
  return env.client.workflow.execute(benchmarkRun, {
    taskQueue: ORCHESTRATOR_QUEUE,
    workflowId: run.runId!,
    args: [run],
  });
}

const ok = (): CellOutcome => ({ status: 'ok', reason: undefined }) as unknown as CellOutcome;

describe('benchmarkRun with mocked activities', () => {
  it('writes unsupported cells itself, sends the rest to the class shard, then finishes and judges the run', async () => {
    const orchestrator = orchestratorMock();
    const agent = agentMock(() => ({ status: 'failed', reason: 'mocked failure' }) as CellOutcome);
    const totals = await runWith(orchestrator.activities, { [x86.taskQueue]: agent.activities }, input('mocked-1'));

    expect(totals).toMatchObject({
      runId: 'mocked-1',
      total: 4,
      byStatus: { unsupported: 2, failed: 2 },
      status: 'completed_with_failures',
    });
    expect(agent.jobs.map((j) => [j.cell.params.ep, j.cell.params.batch]).sort()).toEqual([
      ['cpu', 1],
      ['cpu', 2],
    ]);
    expect(agent.jobs[0]).toMatchObject({ modelPath: '/models/add.onnx', modelSha256: 'a'.repeat(64) });
    const statuses = orchestrator.calls.persisted.map((p) => `${p.result.params.ep}:${p.result.status}`).sort();
    expect(statuses).toEqual(['cpu:failed', 'cpu:failed', 'webgpu:unsupported', 'webgpu:unsupported']);
    expect(orchestrator.calls.persisted.find((p) => p.result.status === 'unsupported')?.result.reason).toMatch(
      /no adapter/,
    );
    expect(orchestrator.calls.finished).toEqual(['completed_with_failures']);
    expect(orchestrator.calls.judged).toBe(1);
  });

  it('alerts the webhooks about a regression the judge found, from a child that outlives the run', async () => {
    const judgement = { verdict: 'regression', confirmed: true, ratio: 1.2, reasons: [] } as unknown as Judgement;
    const regression: JudgedCell = { resultId: 7, cellId: 'c', label: 'add/cpu', judgement, baselineRunId: 'before' };
    const orchestrator = orchestratorMock({ judged: [regression] });
    const agent = agentMock(ok);
    const target = { url: 'http://hooks.invalid/x', format: 'json' as const };
    await runWith(
      orchestrator.activities,
      { [x86.taskQueue]: agent.activities },
      input('mocked-2', { targets: [target], dashboardUrl: 'http://dash' }),
    );
    await env.client.workflow.getHandle('mocked-2-alerts').result();
    expect(orchestrator.calls.alerts).toEqual([
      { runId: 'mocked-2', schedule: null, dashboardUrl: 'http://dash', regressions: [regression] },
    ]);
    await recordHistory('mocked-2', 'benchmark-run-v2.json');
    await recordHistory(`mocked-2.${CLASS}`, 'class-run-v2.json');
  });

  it('alerts nobody when the judge finds only improvements, and finishes a run whose judging fails', async () => {
    const target = { url: 'http://hooks.invalid/x', format: 'json' as const };
    const judgement = { verdict: 'improvement', confirmed: true, ratio: 0.8, reasons: [] } as unknown as Judgement;
    const improved: JudgedCell = { resultId: 8, cellId: 'c', label: 'add/cpu', judgement, baselineRunId: 'before' };
    const cases: [string, JudgedCell[] | Error][] = [
      ['mocked-3', [improved]],
      ['mocked-4', new Error('judging broke')],
    ];
    for (const [runId, judged] of cases) {
      const orchestrator = orchestratorMock({ judged });
      const totals = await runWith(
        orchestrator.activities,
        { [x86.taskQueue]: agentMock(ok).activities },
        input(runId, { targets: [target] }),
      );
      expect(totals).toMatchObject({ byStatus: { ok: 2, unsupported: 2 }, status: 'completed' });
      expect(orchestrator.calls.finished).toEqual(['completed']);
      expect(orchestrator.calls.judged).toBe(1);
      await expect(env.client.workflow.getHandle(`${runId}-alerts`).describe()).rejects.toThrow(WorkflowNotFoundError);
    }
  });

  it('confirms a step whose model file changed with an A/B on its class, and alerts only what the pairs confirm', async () => {
    const run = input('mocked-ab', { targets: [{ url: 'http://hooks.invalid/x', format: 'json' }] });
    const [cell] = expandMatrix(run.spec, CLASS);
    const judgement = { verdict: 'regression', confirmed: false, ratio: 1.2, reasons: [] } as unknown as Judgement;
    const previous = { modelPath: '/store/sha256/old.onnx', modelSha256: 'b'.repeat(64) };
    const confirm = { hardwareClass: CLASS, previous, minEffect: 0.05, recordedAt: '2026-11-28T02:00:00Z' };
    const step: JudgedCell = {
      resultId: 9,
      cellId: cell!.id,
      label: 'add/cpu',
      judgement,
      baselineRunId: 'x',
      confirm,
    };
    // The pairs dismiss it: the nightly step was not the model's.
    const orchestrator = orchestratorMock({
      judged: [step],
      settled: (j) => ({ ...j.judgement, verdict: 'unchanged', confirmed: false }),
    });
    const agent = agentMock(ok);
    await runWith(orchestrator.activities, { [x86.taskQueue]: agent.activities }, run);
    expect(agent.pairs).toHaveLength(1);
    expect(agent.pairs[0]!.cell.id).toBe(cell!.id);
    expect(agent.pairs[0]).toMatchObject({
      previous,
      current: { modelPath: '/models/add.onnx', modelSha256: 'a'.repeat(64) },
    });
    expect(agent.pairs[0]!.orders).toHaveLength(8);
    expect(agent.pairs[0]!.measure.profileIterations).toBe(0);
    expect(orchestrator.calls.settled).toEqual([
      {
        judged: step,
        outcome: { agentId: 'a1', pairs: agent.pairs[0]!.orders.map((order) => ({ order, aP50Ms: 10, bP50Ms: 11 })) },
      },
    ]);
    await expect(env.client.workflow.getHandle('mocked-ab-alerts').describe()).rejects.toThrow(WorkflowNotFoundError);
    await recordHistory('mocked-ab', 'benchmark-run-ab.json');
  });

  it('ends a cell whose agent fails on every attempt crashed, with the failure, next to the cells that ran', async () => {
    const orchestrator = orchestratorMock();
    const agent = agentMock((job) => {
      if (job.cell.params.batch === 2) throw ApplicationFailure.nonRetryable('session died');
      return ok();
    });
    const totals = await runWith(
      orchestrator.activities,
      { [x86.taskQueue]: agent.activities },
      input('mocked-5', undefined, { ep: ['cpu'], batch: [1, 2] }),
    );
    expect(totals).toMatchObject({ byStatus: { ok: 1, crashed: 1 }, status: 'completed_with_failures' });
    const byBatch = Object.fromEntries(orchestrator.calls.persisted.map((p) => [p.result.params.batch, p]));
    expect(byBatch[1]).toMatchObject({ result: { status: 'ok' }, modelSha256: 'a'.repeat(64) });
    expect(byBatch[2]?.result).toMatchObject({ status: 'crashed' });
    expect(byBatch[2]?.result.reason).toMatch(/agent lost or failed on every attempt: session died/);
  });

  it('ends a cell nobody picks up unschedulable, and the cells behind it at once when no agent polls', async () => {
    let agentsAsked!: () => void;
    const asked = new Promise<void>((resolve) => (agentsAsked = resolve));
    const orchestrator = orchestratorMock({
      fleet: [late],
      liveAgents: () => {
        agentsAsked();
        return 0;
      },
    });
    const agent = agentMock(ok);
    const run = { ...input('mocked-6', undefined, { ep: ['cpu'], batch: [1, 2, 4] }), scheduleToStartMs: 1_000 };
    const workflowId = run.runId!;
    current.orchestrator = orchestrator.activities;
    const done = env.client.workflow.execute(benchmarkRun, { taskQueue: ORCHESTRATOR_QUEUE, workflowId, args: [run] });
    // No agent polls until the shard has found that none does: the first cell times out waiting, the one queued
    // ahead of the agent (which waits longer) is taken by the agent that comes late, the third is never sent.
    await Promise.race([asked, done]);
    const lateAgent = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: late.taskQueue,
      activities: agent.activities,
    });
    const totals = await lateAgent.runUntil(done);

    expect(totals).toMatchObject({ byStatus: { unschedulable: 2, ok: 1 }, status: 'completed_with_failures' });
    expect(agent.jobs).toHaveLength(1);
    expect(orchestrator.calls.liveAgentsAsked).toEqual([late.taskQueue]);
    const reasons = orchestrator.calls.persisted
      .filter((p) => p.result.status === 'unschedulable')
      .map((p) => p.result.reason)
      .sort();
    expect(reasons).toEqual([
      `no agent polling ${late.taskQueue} picked the cell up within 1000 ms`,
      `no agent polling ${late.taskQueue} picked up a cell within 1000 ms, and none polls now`,
    ]);
    expect(orchestrator.calls.finished).toEqual(['completed_with_failures']);
    await recordHistory(`mocked-6.${LATE_CLASS}`, 'class-run-unschedulable-v2.json');
  });

  it('sends a cell again, queued ahead, when the class has agents but all were busy', async () => {
    // Temporal reports two agents polling the class, but one is busy elsewhere (another run's cell): the two
    // cells sent at once find one agent, which takes one cell at a time and spends longer on it than the other
    // may wait to be picked up. The waiting cell is sent again rather than ended unschedulable.
    const busy: FleetClass = { ...x86, hardwareClass: 'busy-test', taskQueue: agentQueue('busy-test'), liveAgents: 2 };
    const orchestrator = orchestratorMock({ fleet: [busy], liveAgents: () => 2 });
    const agent = agentMock(ok);
    const slow: AgentActivities = {
      ...agent.activities,
      async runCell(job) {
        await new Promise((resolve) => setTimeout(resolve, 1_500)); // the cell's work, longer than the wait allowed
        return agent.activities.runCell(job);
      },
    };
    const run = { ...input('mocked-busy', undefined, { ep: ['cpu'], batch: [1, 2, 3] }), scheduleToStartMs: 1_000 };
    current.orchestrator = orchestrator.activities;
    const oneAtATime = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: busy.taskQueue,
      activities: slow,
      maxConcurrentActivityTaskExecutions: 1,
    });
    const done = env.client.workflow.execute(benchmarkRun, {
      taskQueue: ORCHESTRATOR_QUEUE,
      workflowId: run.runId!,
      args: [run],
    });
    const totals = await oneAtATime.runUntil(done);

    expect(totals).toMatchObject({ byStatus: { ok: 3 }, status: 'completed' });
    expect(agent.jobs.map((j) => j.cell.params.batch).sort()).toEqual([1, 2, 3]);
  });

  it('runs one shard per live class on its own queue, and settles an absent class unschedulable', async () => {
    const orchestrator = orchestratorMock({ fleet: [x86, gpu] });
    const x86Agent = agentMock(ok);
    const gpuAgent = agentMock(ok);
    const totals = await runWith(
      orchestrator.activities,
      { [x86.taskQueue]: x86Agent.activities, [gpu.taskQueue]: gpuAgent.activities },
      input('mocked-7', undefined, { ep: ['cpu', 'webgpu'], batch: [1] }, [CLASS, GPU_CLASS, 'arm-absent']),
    );
    expect(totals).toMatchObject({
      total: 6,
      byStatus: { ok: 3, unsupported: 1, unschedulable: 2 },
      status: 'completed_with_failures',
    });
    expect(x86Agent.jobs.map((j) => `${j.cell.params.hardwareClass}:${j.cell.params.ep}`)).toEqual([`${CLASS}:cpu`]);
    expect(gpuAgent.jobs.map((j) => `${j.cell.params.hardwareClass}:${j.cell.params.ep}`).sort()).toEqual([
      `${GPU_CLASS}:cpu`,
      `${GPU_CLASS}:webgpu`,
    ]);
    const rows = orchestrator.calls.persisted.map((p) => `${p.result.params.hardwareClass}:${p.result.status}`).sort();
    expect(rows).toEqual([
      'arm-absent:unschedulable',
      'arm-absent:unschedulable',
      `${GPU_CLASS}:ok`,
      `${GPU_CLASS}:ok`,
      `${CLASS}:ok`,
      `${CLASS}:unsupported`,
    ]);
    expect(new Set(orchestrator.calls.persisted.map((p) => p.result.cellId)).size).toBe(6);
    for (const hardwareClass of [CLASS, GPU_CLASS])
      expect((await env.client.workflow.getHandle(`mocked-7.${hardwareClass}`).describe()).type).toBe('classRun');
  });
});

describe('registerAgent with mocked activities', () => {
  it('records the registration through the orchestrator', async () => {
    const orchestrator = orchestratorMock();
    const registration: AgentRegistration = {
      agentId: 'agent-1',
      hardwareClass: CLASS,
      taskQueue: x86.taskQueue,
      probe: { hostname: 'box' } as unknown as AgentRegistration['probe'],
      labels: { region: 'eu' },
    };
    current.orchestrator = orchestrator.activities;
    await env.client.workflow.execute(registerAgent, {
      taskQueue: ORCHESTRATOR_QUEUE,
      workflowId: 'register-agent-agent-1',
      args: [registration],
    });
    expect(orchestrator.calls.registered).toEqual([registration]);
    await recordHistory('register-agent-agent-1', 'register-agent-v1.json');
  });
});

describe('sendAlerts with mocked activities', () => {
  it('tells every webhook, and reports one that is down as failed without holding back the others', async () => {
    const orchestrator = orchestratorMock();
    const alert: RunAlert = { runId: 'nightly-1', schedule: 'nightly', dashboardUrl: null, regressions: [] };
    current.orchestrator = orchestrator.activities;
    const outcomes = await env.client.workflow.execute(sendAlerts, {
      taskQueue: ORCHESTRATOR_QUEUE,
      workflowId: 'alerts-nightly-1',
      args: [
        [
          { url: 'http://down.invalid/hook', format: 'json' },
          { url: 'http://up.invalid/hook', format: 'slack' },
        ],
        alert,
      ],
    });
    expect(outcomes).toEqual(['down.invalid: failed', 'up.invalid: sent']);
    expect(orchestrator.calls.alerts).toEqual([alert]);
    await recordHistory('alerts-nightly-1', 'send-alerts-v1.json');
  });
});

/**
 * `RECORD_HISTORIES=1 pnpm test:fast workflows.test` records the histories that replay.test.ts replays, each from
 * the test that ran it, into histories/: only those missing. Delete one to record it again, which is right for a
 * new workflow version and never to make a replay pass (the old history is what runs in flight look like).
 */
async function recordHistory(workflowId: string, file: string): Promise<void> {
  const path = new URL(`./histories/${file}`, import.meta.url);
  if (!process.env.RECORD_HISTORIES || existsSync(path)) return;
  writeFileSync(path, historyToJSON(await env.client.workflow.getHandle(workflowId).fetchHistory()));
}
