import { ActivityFailure, ApplicationFailure, TimeoutFailure, TimeoutType } from '@temporalio/common';
import { defineQuery, ParentClosePolicy, patched, proxyActivities, setHandler, startChild, workflowInfo } from '@temporalio/workflow';
import type { AgentActivities } from '@ortfleet/agent';
import { CELL_ATTEMPTS, compactResult, fleetEps, planCells, validateSpec, type CellOutcome, type CellResult, type RunProgress, type RunSummary, type Spec } from '@ortfleet/core';
import type { OrchestratorActivities } from '../activities';
import type { AlertTarget } from '../judging/alert-message';
import { sendAlerts } from './send-alerts';

/** A model file as the agents will open it, per precision. */
export interface ModelFileRef {
  path: string;
  sha256?: string;
}

export interface BenchmarkRunInput {
  /** Default: from the workflow id (see runIdOf), which is how a run started by a schedule gets its id. */
  runId?: string;
  spec: Spec;
  /** model name → precision → file. */
  models: Record<string, Record<string, ModelFileRef>>;
  /** How long a dispatched cell may wait for an agent to pick it up before it is `unschedulable`. */
  scheduleToStartMs?: number;
  /** The `ortfleet schedule` that started this run, recorded with it so a schedule's runs form one series. */
  schedule?: string;
  /** Webhooks told about the run's regressions, and the dashboard address their links use. */
  alerts?: { targets: AlertTarget[]; dashboardUrl?: string };
}

/**
 * A run id from a workflow id. A schedule names each workflow it starts `<prefix>-<RFC 3339 time>`, and a
 * run id may hold only letters, digits, '.', '_' and '-' (it appears in URLs), so the time's ':' go:
 * `nightly-2026-11-21T02:00:00Z` is run `nightly-2026-11-21T020000Z`.
 */
export function runIdOf(workflowId: string): string {
  return workflowId.replace(/[^A-Za-z0-9._-]/g, '');
}

export const progressQuery = defineQuery<RunProgress>('progress');

const DEFAULT_SCHEDULE_TO_START_MS = 120_000;

// Database writes retry until the database is back: a result is never dropped because Postgres blinked.
const orchestrator = proxyActivities<OrchestratorActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// Judging a large run tests every series: it gets longer than a database write.
const judging = proxyActivities<OrchestratorActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

function failureOutcome(err: unknown, taskQueue: string, scheduleToStartMs: number): CellOutcome {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof TimeoutFailure && cause.timeoutType === TimeoutType.SCHEDULE_TO_START)
    return { status: 'unschedulable', reason: `no agent polling ${taskQueue} picked the cell up within ${scheduleToStartMs} ms` };
  const message = cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : String(cause);
  return { status: 'crashed', reason: `agent lost or failed on every attempt: ${message}` };
}

/**
 * One benchmark run: plans the matrix against the fleet, sends each runnable cell to its hardware class's
 * queue (no more cells in flight per class than it has live agents, so a queued cell never waits behind
 * another), persists every outcome, and returns the summary. Every cell ends with exactly one result.
 */
export async function benchmarkRun(input: BenchmarkRunInput): Promise<RunSummary> {
  const { workflowId } = workflowInfo();
  const runId = input.runId ?? runIdOf(workflowId);
  // Re-validating fills defaults for knobs added after a run was started, so an older run replays the same.
  const spec = validateSpec(input.spec);
  const startedAt = new Date().toISOString();
  const scheduleToStartMs = input.scheduleToStartMs ?? DEFAULT_SCHEDULE_TO_START_MS;
  const progress: RunProgress = { runId, total: 0, done: 0, running: 0, byStatus: {}, finished: false };
  setHandler(progressQuery, () => progress);

  await orchestrator.createRun({ id: runId, name: spec.name, spec, schedule: input.schedule, workflowId: workflowId === runId ? undefined : workflowId });
  const fleet = await orchestrator.loadFleet();
  const precisions = Object.fromEntries(Object.entries(input.models).map(([name, files]) => [name, Object.keys(files)]));
  const planned = planCells(spec, fleet, precisions);
  progress.total = planned.length;
  const results: CellResult[] = new Array(planned.length);

  const settle = async (index: number, result: CellResult) => {
    const file = input.models[result.params.model]?.[result.params.precision];
    await orchestrator.persistResult(runId, result, file?.sha256);
    // Details stay in the database; the summary keeps the figures, so a workflow result stays small.
    results[index] = compactResult(result);
    progress.done++;
    progress.byStatus[result.status] = (progress.byStatus[result.status] ?? 0) + 1;
  };

  const agentWork = (taskQueue: string) =>
    proxyActivities<AgentActivities>({
      taskQueue,
      scheduleToStartTimeout: scheduleToStartMs,
      // The agent enforces the cell timeout itself; this bound only catches an agent that stopped answering.
      startToCloseTimeout: spec.measure.cellTimeoutMs + 120_000,
      heartbeatTimeout: '30 seconds',
      retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumAttempts: CELL_ATTEMPTS },
    });

  const queues = new Map<string, number[]>();
  const settledNow: Promise<void>[] = [];
  planned.forEach((p, index) => {
    if ('settled' in p) settledNow.push(settle(index, { cellId: p.cell.id, params: p.cell.params, ...p.settled }));
    else queues.set(p.dispatch.taskQueue, [...(queues.get(p.dispatch.taskQueue) ?? []), index]);
  });

  const lanes: Promise<void>[] = [];
  for (const [taskQueue, indices] of queues) {
    const { runCell } = agentWork(taskQueue);
    const liveAgents = fleet.find((c) => c.taskQueue === taskQueue)?.liveAgents ?? 1;
    const lane = async () => {
      for (let index = indices.shift(); index !== undefined; index = indices.shift()) {
        const { cell } = planned[index]!;
        const model = spec.models.find((m) => m.name === cell.params.model)!;
        const files = input.models[cell.params.model]!;
        const file = files[cell.params.precision]!;
        progress.running++;
        let outcome: CellOutcome;
        try {
          const reference = files.fp32;
          outcome = await runCell({
            cell,
            modelPath: file.path,
            modelSha256: file.sha256,
            referenceModelPath: reference?.path,
            referenceSha256: reference?.sha256,
            inputs: model.inputs,
            measure: spec.measure,
          });
        } catch (err) {
          outcome = failureOutcome(err, taskQueue, scheduleToStartMs);
        } finally {
          progress.running--;
        }
        await settle(index, { cellId: cell.id, params: cell.params, ...outcome });
      }
    };
    for (let i = 0; i < Math.max(1, liveAgents); i++) lanes.push(lane());
  }
  await Promise.all([...settledNow, ...lanes]);

  const bad = results.some((r) => r.status !== 'ok' && r.status !== 'unsupported');
  const status = bad ? 'completed_with_failures' : 'completed';
  await orchestrator.finishRun(runId, status);
  // Runs started before judging existed replay without it. Judging reads what is recorded; when it keeps
  // failing, the run still ends with its results, and `ortfleet compare` can judge them later.
  if (patched('judge-run')) {
    const steps = (await judging.judgeRun(runId).catch(() => undefined)) ?? [];
    const regressions = steps.filter((s) => s.judgement.verdict === 'regression');
    if (regressions.length > 0 && input.alerts?.targets.length)
      await startChild(sendAlerts, {
        workflowId: `${workflowId}-alerts`,
        parentClosePolicy: ParentClosePolicy.ABANDON,
        args: [input.alerts.targets, { runId, schedule: input.schedule ?? null, dashboardUrl: input.alerts.dashboardUrl ?? null, regressions }],
      });
  }
  progress.finished = true;
  return { runId, name: spec.name, status, startedAt, finishedAt: new Date().toISOString(), fleetEps: fleetEps(fleet), cells: results };
}
