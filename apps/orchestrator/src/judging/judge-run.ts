import { describeConfiguration, judgeSeries, validateSpec, type Judgement } from '@ortfleet/core';
import { getRun, listRunResults, recordJudgement, seriesHistory, seriesPoint, type Db } from '@ortfleet/db';

/** A judged cell of a run, as an alert names it. */
export interface JudgedCell {
  resultId: number;
  cellId: string;
  label: string;
  judgement: Judgement;
  /** The run of the newest baseline result, for a compare link. */
  baselineRunId: string | null;
}

/**
 * Judges every valid result of a finished run against its series' history with the spec's `judge` options,
 * and stores each judgement. Returns the regressions and improvements, for alerts.
 */
export async function judgeRun(db: Db, runId: string): Promise<JudgedCell[]> {
  const run = await getRun(db, runId);
  if (!run) return [];
  const options = validateSpec(run.spec).judge;
  const steps: JudgedCell[] = [];
  for (const r of await listRunResults(db, runId)) {
    const candidate = seriesPoint(r);
    if (!candidate) continue;
    const rows = await seriesHistory(db, r.cellId, r.id);
    const history = rows.map(({ row, accepted }) => seriesPoint(row, accepted)).filter((p) => p !== undefined);
    const judgement = judgeSeries(history, candidate, options);
    await recordJudgement(
      db,
      { resultId: r.id, runId, cellId: r.cellId, model: r.model, hardwareClass: r.hardwareClass },
      judgement,
    );
    if (judgement.verdict === 'regression' || judgement.verdict === 'improvement')
      steps.push({
        resultId: r.id,
        cellId: r.cellId,
        label: `${r.model} on ${r.hardwareClass}: ${describeConfiguration({ ...r, generation: r.generation?.params })}`,
        judgement,
        baselineRunId:
          rows.find(({ row }) => row.id === Math.max(...(judgement.baseline?.resultIds ?? [])))?.row.runId ?? null,
      });
  }
  return steps;
}
