import { proxyActivities } from '@temporalio/workflow';
import type { AgentActivities, PairsJob, PairsOutcome } from '@ortfleet/contracts';
import {
  agentQueue,
  CONFIRMATION_PAIRS,
  confirmationMeasure,
  expandMatrix,
  pairOrders,
  type Spec,
} from '@ortfleet/core';
import type { JudgedCell } from '../judging/judge-run';
import type { ModelFileRef } from './run-input';
import { cellJob } from './cell-job';

/** How long an A/B may wait for an agent of its class; past it, the two-night rule stays. */
const CONFIRM_SCHEDULE_TO_START_MS = 10 * 60_000;

/**
 * Runs the same-night A/B confirmations that judging asked for (docs/regressions.md), one at a time, each on
 * its class's queue, and returns the judged cells with the judgement each confirmation gave. A confirmation
 * that cannot run (no agent, a model file gone) leaves the nightly judgement, with the reason.
 */
export async function confirmSteps(
  spec: Spec,
  models: Record<string, Record<string, ModelFileRef>>,
  judged: JudgedCell[],
  settle: (cell: JudgedCell, outcome: PairsOutcome | { failed: string }) => Promise<JudgedCell['judgement']>,
): Promise<JudgedCell[]> {
  const out: JudgedCell[] = [];
  for (const j of judged) {
    const cell = j.confirm && expandMatrix(spec, j.confirm.hardwareClass).find((c) => c.id === j.cellId);
    if (!j.confirm || !cell || !models[cell.params.model]?.[cell.params.precision]) {
      out.push(j);
      continue;
    }
    const job = cellJob(spec, models, cell);
    const measure = confirmationMeasure(spec.measure);
    const pairs: PairsJob = {
      cell,
      previous: j.confirm.previous,
      current: { modelPath: job.modelPath, modelSha256: job.modelSha256 },
      inputs: job.inputs,
      measure,
      orders: pairOrders(CONFIRMATION_PAIRS, spec.measure.seed + j.resultId),
    };
    const { runPairs } = proxyActivities<AgentActivities>({
      taskQueue: agentQueue(j.confirm.hardwareClass),
      scheduleToStartTimeout: CONFIRM_SCHEDULE_TO_START_MS,
      startToCloseTimeout: 2 * CONFIRMATION_PAIRS * measure.cellTimeoutMs,
      heartbeatTimeout: '60 seconds',
      retry: { maximumAttempts: 2 },
    });
    let outcome: PairsOutcome | { failed: string };
    try {
      outcome = await runPairs(pairs);
    } catch (err) {
      // An ActivityFailure says the activity failed; its cause says why.
      const { cause, message } = err as Error;
      outcome = { failed: cause instanceof Error ? cause.message : message };
    }
    out.push({ ...j, judgement: await settle(j, outcome) });
  }
  return out;
}
