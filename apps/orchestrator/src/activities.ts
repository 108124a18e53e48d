import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { Runtime } from '@temporalio/worker';
import type { AlertTarget, RunAlert } from './judging/alert-message';
import { settleConfirmation } from './judging/confirm';
import { judgeRun, type JudgedCell } from './judging/judge-run';
import type { ModelStoreTarget } from '@ortfleet/model-store';
import type { PairsOutcome } from '@ortfleet/contracts';
import { postAlert } from './judging/post-alert';
import protos from '@temporalio/proto';
import type { AgentRegistration, CellResult, EpAvailability, FleetClass } from '@ortfleet/core';
import {
  createRun,
  finishRun,
  listAgents,
  recordResult,
  recordResults,
  upsertAgent,
  type Db,
  type RUN_STATUSES,
} from '@ortfleet/db';
import { workerMetrics, type WorkerMetrics } from './observability/worker-metrics';

/** One result as a batch carries it, with the hash of the model file it measured. */
export interface PersistedResult {
  result: CellResult;
  modelSha256?: string;
}

/** A poller seen this recently counts as a live agent; Temporal long-polls last about a minute. */
const LIVE_POLLER_MS = 150_000;

/**
 * Activities of the orchestrator's queue: everything that touches the database or asks Temporal about pollers.
 * Their series go to `metrics`, by default on the installed runtime's meter (which records nothing unless the
 * process serves metrics).
 */
export function createOrchestratorActivities(deps: {
  db: Db;
  client: Client;
  namespace: string;
  metrics?: WorkerMetrics;
  /** Where the runs' model files are published: A/B confirmations look for previous files there. */
  modelStore?: ModelStoreTarget;
}) {
  const { db, client, namespace } = deps;
  const metrics = deps.metrics ?? workerMetrics(Runtime.instance().metricMeter);

  /** Identities of agents polling a queue recently. */
  async function livePollers(taskQueue: string): Promise<Set<string>> {
    const res = await client.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue, kind: protos.temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: protos.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    });
    const now = Date.now();
    const live = new Set<string>();
    for (const p of res.pollers ?? []) {
      const seconds = Number(p.lastAccessTime?.seconds ?? 0);
      if (p.identity && now - seconds * 1000 < LIVE_POLLER_MS) live.add(p.identity);
    }
    return live;
  }

  return {
    /** Records (or refreshes) an agent and its probe. */
    async registerAgent(reg: AgentRegistration): Promise<void> {
      await upsertAgent(db, reg);
    },

    /** Records a run as started (idempotent), with the schedule that started it, if any. */
    async createRun(run: {
      id: string;
      name: string;
      spec: unknown;
      schedule?: string;
      workflowId?: string;
    }): Promise<void> {
      await createRun(db, run);
    },

    /**
     * The fleet as the router needs it: each registered hardware class, how many of its agents are polling
     * now, and the EPs that load on all of those live agents.
     */
    async loadFleet(): Promise<FleetClass[]> {
      const agents = await listAgents(db);
      const byClass = new Map<string, typeof agents>();
      for (const a of agents) byClass.set(a.hardwareClass, [...(byClass.get(a.hardwareClass) ?? []), a]);
      const fleet: FleetClass[] = [];
      for (const [hardwareClass, members] of byClass) {
        const taskQueue = members[0]!.taskQueue;
        const live = await livePollers(taskQueue);
        const liveMembers = members.filter((m) => live.has(m.id));
        const basis = liveMembers.length > 0 ? liveMembers : members.slice(0, 1);
        const eps: EpAvailability[] = basis[0]!.probe.eps.map((ep) => {
          const missing = basis.map((m) => m.probe.eps.find((e) => e.name === ep.name)).find((e) => !e?.available);
          return missing === undefined
            ? ep
            : { ...ep, available: false, error: missing?.error ?? 'not available on every agent of the class' };
        });
        fleet.push({
          hardwareClass,
          taskQueue,
          liveAgents: liveMembers.length,
          eps,
          labels: liveMembers.map((m) => m.labels ?? {}),
        });
      }
      return fleet;
    },

    /** Writes one cell's result; a retry of this activity never duplicates the row. Runs started before results were batched use it. */
    async persistResult(runId: string, result: CellResult, modelSha256?: string): Promise<void> {
      await recordResult(db, runId, result, modelSha256);
      metrics.persisted(result, Context.current().info.attempt);
    },

    /** Writes a batch of a run's results; a retry writes only the rows still missing. */
    async persistResults(runId: string, batch: PersistedResult[]): Promise<void> {
      await recordResults(db, runId, batch);
      const { attempt } = Context.current().info;
      for (const { result } of batch) metrics.persisted(result, attempt);
    },

    /** How many agents poll a hardware class's queue now. */
    async liveAgents(taskQueue: string): Promise<number> {
      return (await livePollers(taskQueue)).size;
    },

    /** Judges the run's valid results against their series' history and stores the judgements. */
    async judgeRun(runId: string): Promise<JudgedCell[]> {
      return judgeRun(db, runId, deps.modelStore);
    },

    /** Stores the judgement a same-night A/B gave (or why it could not run), and returns it. */
    async settleConfirmation(
      judged: JudgedCell,
      outcome: PairsOutcome | { failed: string },
    ): Promise<JudgedCell['judgement']> {
      if (!judged.confirm) return judged.judgement;
      return settleConfirmation(db, { ...judged, confirm: judged.confirm }, outcome);
    },

    /** Posts a run's alert to one webhook (retried by Temporal). */
    async postAlert(target: AlertTarget, alert: RunAlert): Promise<void> {
      await postAlert(target, alert);
    },

    /** Marks a run finished. */
    async finishRun(runId: string, status: (typeof RUN_STATUSES)[number]): Promise<void> {
      await finishRun(db, runId, status);
    },
  };
}

export type OrchestratorActivities = ReturnType<typeof createOrchestratorActivities>;
