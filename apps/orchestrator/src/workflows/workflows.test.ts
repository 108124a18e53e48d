import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentActivities, CellJob } from '@ortfleet/contracts';
import {
  agentQueue,
  ORCHESTRATOR_QUEUE,
  validateSpec,
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

// The workflows' own logic on Temporal's test environment (a local dev server from the bootstrapped CLI, no
// download), with every activity mocked: what the workflows ask of the database and the agents, and in
// which order, without a database, an agent or a model.

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: temporalBinary() } },
  });
  bundle = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./index.ts', import.meta.url)) });
});

afterAll(async () => {
  await env?.teardown();
});

const CLASS = 'x86-test';
const fleet: FleetClass[] = [
  {
    hardwareClass: CLASS,
    taskQueue: agentQueue(CLASS),
    liveAgents: 1,
    eps: [
      { name: 'cpu', available: true },
      { name: 'webgpu', available: false, error: 'no adapter' },
    ],
  },
];

function input(runId: string, alerts?: BenchmarkRunInput['alerts']): BenchmarkRunInput {
  const spec = validateSpec({
    name: 'mocked',
    models: [{ name: 'add', file: 'add.onnx' }],
    matrix: { ep: ['cpu', 'webgpu'], batch: [1, 2], intraOpThreads: [1] },
  });
  return { runId, spec, models: { add: { fp32: { path: '/models/add.onnx', sha256: 'a'.repeat(64) } } }, alerts };
}

/** Mocked orchestrator activities that record what the workflows asked of them. */
function orchestratorMock(judged: JudgedCell[] = []) {
  const calls = { persisted: [] as PersistedResult[], finished: [] as string[], judged: 0, alerts: [] as RunAlert[] };
  const activities: OrchestratorActivities = {
    async registerAgent() {},
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
    async liveAgents() {
      return 1;
    },
    async judgeRun() {
      calls.judged++;
      return judged;
    },
    async postAlert(_target, alert) {
      calls.alerts.push(alert);
    },
    async finishRun(_runId, status) {
      calls.finished.push(status);
    },
  };
  return { calls, activities };
}

/** An agent that answers every cell with `outcome(job)`. */
function agentMock(outcome: (job: CellJob) => CellOutcome): { jobs: CellJob[]; activities: AgentActivities } {
  const jobs: CellJob[] = [];
  return {
    jobs,
    activities: {
      async runCell(job) {
        jobs.push(job);
        return outcome(job);
      },
    },
  };
}

async function runWith(
  orchestrator: OrchestratorActivities,
  agent: AgentActivities,
  run: BenchmarkRunInput,
): Promise<RunTotals> {
  const workers = await Promise.all([
    Worker.create({
      connection: env.nativeConnection,
      taskQueue: ORCHESTRATOR_QUEUE,
      workflowBundle: bundle,
      activities: orchestrator,
    }),
    Worker.create({ connection: env.nativeConnection, taskQueue: agentQueue(CLASS), activities: agent }),
  ]);
  const [orchestratorWorker, agentWorker] = workers;
  return agentWorker!.runUntil(
    orchestratorWorker!.runUntil(
      env.client.workflow.execute(benchmarkRun, { taskQueue: ORCHESTRATOR_QUEUE, workflowId: run.runId!, args: [run] }),
    ),
  );
}

const ok = (): CellOutcome => ({ status: 'ok', reason: undefined }) as unknown as CellOutcome;

describe('benchmarkRun with mocked activities', () => {
  it('writes unsupported cells itself, sends the rest to the class shard, then finishes and judges the run', async () => {
    const orchestrator = orchestratorMock();
    const agent = agentMock(() => ({ status: 'failed', reason: 'mocked failure' }) as CellOutcome);
    const totals = await runWith(orchestrator.activities, agent.activities, input('mocked-1'));

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
    const orchestrator = orchestratorMock([regression]);
    const agent = agentMock(ok);
    const target = { url: 'http://hooks.invalid/x', format: 'json' as const };
    await runWith(
      orchestrator.activities,
      agent.activities,
      input('mocked-2', { targets: [target], dashboardUrl: 'http://dash' }),
    );
    const alerts = env.client.workflow.getHandle('mocked-2-alerts');
    await orchestratorWorkerUntil(orchestrator.activities, alerts.result());
    expect(orchestrator.calls.alerts).toEqual([
      { runId: 'mocked-2', schedule: null, dashboardUrl: 'http://dash', regressions: [regression] },
    ]);
    // `RECORD_HISTORIES=1 pnpm test:fast workflows.test` records what replay.test.ts replays: a sharded run that
    // judged and alerted, and its class shard. Record again only for a new workflow version, never to make a
    // replay pass.
    if (process.env.RECORD_HISTORIES)
      for (const [id, file] of [
        ['mocked-2', 'benchmark-run-v2.json'],
        [`mocked-2.${CLASS}`, 'class-run-v2.json'],
      ] as const)
        writeFileSync(
          new URL(`./histories/${file}`, import.meta.url),
          historyToJSON(await env.client.workflow.getHandle(id).fetchHistory()),
        );
  });
});

/** Runs an orchestrator worker with these activities until `done` settles. */
async function orchestratorWorkerUntil(activities: OrchestratorActivities, done: Promise<unknown>): Promise<void> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: ORCHESTRATOR_QUEUE,
    workflowBundle: bundle,
    activities,
  });
  await worker.runUntil(done);
}
