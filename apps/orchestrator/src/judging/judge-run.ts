import { describeConfiguration, judgeSeries, validateSpec, type Judgement, type SeriesPoint } from '@ortfleet/core';
import {
  controlKey,
  getRun,
  listControlNights,
  listRunResults,
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
}

/**
 * Judges every valid result of a finished run against its series' history with the spec's `judge` options,
 * dividing out each night's control on its agent where every result has one (docs/regressions.md), and stores
 * each judgement. Stamps the run's results with their agents' speed factors. Returns the regressions and
 * improvements, for alerts.
 */
export async function judgeRun(db: Db, runId: string): Promise<JudgedCell[]> {
  const run = await getRun(db, runId);
  if (!run) return [];
  const options = validateSpec(run.spec).judge;
  const runResults = await listRunResults(db, runId);
  const nights = await listControlNights(db);
  await setControlFactors(db, runId, speedFactors(nights));
  const byKey = new Map(nights.map((n) => [controlKey(n.runId, n.agentId), n]));
  const withControl = (p: SeriesPoint | undefined, agentId: string | null): SeriesPoint | undefined => {
    const night = agentId === null ? undefined : byKey.get(controlKey(p?.runId ?? '', agentId));
    return p && night ? { ...p, control: { p50Ms: night.p50Ms, spread: night.spread } } : p;
  };
  const steps: JudgedCell[] = [];
  for (const r of runResults) {
    const candidate = withControl(seriesPoint(r), r.agentId);
    if (!candidate) continue;
    const rows = await seriesHistory(db, r.cellId, r.id);
    const history = rows
      .map(({ row, accepted }) => withControl(seriesPoint(row, accepted), row.agentId))
      .filter((p) => p !== undefined);
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
