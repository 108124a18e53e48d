import { describeConfiguration, judgeSeries, validateSpec, type Judgement } from '@ortfleet/core';
import type { ModelStoreTarget } from '@ortfleet/model-store';
import { changedModel, previousModelFile, type ConfirmationRequest } from './confirm';
import {
  controlNightsByRun,
  FACTOR_LOOKBACK,
  getRun,
  listControlNights,
  listRunResults,
  recordConfirmation,
  recordJudgement,
  seriesHistory,
  seriesPoint,
  setControlFactors,
  speedFactors,
  type Db,
} from '@ortfleet/db';

/** A judged cell of a run, as an alert names it. */
export interface JudgedCell {
  resultId: number;
  cellId: string;
  label: string;
  judgement: Judgement;
  /** The run of the newest baseline result, for a compare link. */
  baselineRunId: string | null;
  /** Set when the model file changed and its previous file can be run beside it: the run's A/B to schedule. */
  confirm?: ConfirmationRequest;
}

/**
 * Judges every valid result of a finished run against its series' history with the spec's `judge` options,
 * dividing out each night's control on its agent where every result has one (docs/regressions.md), and stores
 * each judgement. Stamps the run's results with their agents' speed factors. Returns the regressions and
 * improvements, for alerts, and the results whose model file changed and whose previous file `store` still
 * has, with the A/B confirmation to schedule (docs/regressions.md).
 */
export async function judgeRun(db: Db, runId: string, store?: ModelStoreTarget): Promise<JudgedCell[]> {
  const run = await getRun(db, runId);
  if (!run) return [];
  const options = validateSpec(run.spec).judge;
  const runResults = await listRunResults(db, runId);
  const agentIds = [...new Set(runResults.map((r) => r.agentId).filter((id) => id !== null))];
  // The run's agents' newest nights give this run's speed factors: FACTOR_LOOKBACK before it, and as many
  // again for runs that recorded nights on the same agents since.
  await setControlFactors(
    db,
    runId,
    speedFactors(await listControlNights(db, { agentIds, newestPerAgent: 2 * FACTOR_LOOKBACK + 1 })),
  );
  // The controls of the nights the series' histories ran on, read as the histories are.
  const nights = controlNightsByRun(db, agentIds);
  const { withControl } = nights;
  await nights.load([runId]);
  const steps: JudgedCell[] = [];
  for (const r of runResults) {
    const candidate = withControl(seriesPoint(r), r.agentId);
    if (!candidate) continue;
    const rows = await seriesHistory(db, r.cellId, r.id);
    await nights.load(rows.map(({ row }) => row.runId));
    const history = rows
      .map(({ row, accepted }) => withControl(seriesPoint(row, accepted), row.agentId))
      .filter((p) => p !== undefined);
    let judgement = judgeSeries(history, candidate, options);
    await recordJudgement(
      db,
      { resultId: r.id, runId, cellId: r.cellId, model: r.model, hardwareClass: r.hardwareClass },
      judgement,
    );
    const previousSha = changedModel(judgement);
    const previous = previousSha === undefined ? undefined : await previousModelFile(store, previousSha);
    if (typeof previous === 'string') {
      judgement = { ...judgement, reasons: [...judgement.reasons, `no same-night A/B: ${previous}`] };
      await recordConfirmation(db, r.id, judgement, null);
    }
    const confirm: ConfirmationRequest | undefined =
      typeof previous === 'object'
        ? {
            hardwareClass: r.hardwareClass,
            previous,
            minEffect: options.minEffect,
            recordedAt: r.recordedAt.toISOString(),
          }
        : undefined;
    if (judgement.verdict !== 'regression' && judgement.verdict !== 'improvement' && !confirm) continue;
    steps.push({
      resultId: r.id,
      cellId: r.cellId,
      label: `${r.model} on ${r.hardwareClass}: ${describeConfiguration({ ...r, generation: r.generation?.params })}`,
      judgement,
      baselineRunId:
        rows.find(({ row }) => row.id === Math.max(...(judgement.baseline?.resultIds ?? [])))?.row.runId ?? null,
      ...(confirm && { confirm }),
    });
  }
  return steps;
}
