import type { z } from '@hono/zod-openapi';
import {
  compareFigures,
  describeConfiguration,
  pairConfigurations,
  type FigureComparison,
  type JudgementVerdict,
} from '@ortfleet/core';
import {
  compareRuns,
  getRun,
  latestConfigurations,
  resultSummariesByIds,
  runResultSummaries,
  type CellComparison,
  type Db,
  type ResultSummary,
} from '@ortfleet/db';
import { NotFound } from '../errors';
import type { CompareQuery } from './schemas';

/** What makes two results the same configuration on different hardware: the model and every setting but the class. */
function configurationKey(r: ResultSummary): string {
  return `${r.model}: ${describeConfiguration(r)}`;
}

/** The judge's verdicts in the words of a comparison: a regression is slower, an improvement faster. */
const VERDICT_OF_JUDGEMENT: Record<JudgementVerdict, FigureComparison['verdict']> = {
  regression: 'slower',
  improvement: 'faster',
  unchanged: 'same',
  unstable: 'not comparable',
  'insufficient history': 'not comparable',
};

/** A cell of two runs as the judge saw it (the same judgement as `ortfleet compare` and nightly alerts). */
function judged(c: CellComparison | undefined): FigureComparison | null {
  if (!c) return null;
  const figures = { baselineP50Ms: c.baselineP50Ms, candidateP50Ms: c.candidateP50Ms };
  const j = c.judgement;
  if (!j)
    return { ...figures, ratio: null, change: null, significant: false, verdict: 'not comparable', reason: c.skipped };
  const verdict = VERDICT_OF_JUDGEMENT[j.verdict];
  const reason = j.reasons.length > 0 ? j.reasons.join('; ') : undefined;
  return {
    ...figures,
    ratio: j.ratio,
    change: j.ratio === null ? null : j.ratio - 1,
    significant: verdict === 'faster' || verdict === 'slower',
    verdict,
    ...(reason ? { reason } : {}),
  };
}

/**
 * Two runs side by side, paired by cell and judged on their samples as `ortfleet compare` and the nightly
 * alerts judge them (Mann–Whitney U, minimum effect); or two hardware classes on one model, paired by
 * configuration (newest result each) and compared by their medians' confidence intervals.
 */
export async function loadComparison(db: Db, q: z.output<typeof CompareQuery>) {
  if (q.runA && q.runB) {
    const [runA, runB] = [q.runA, q.runB];
    for (const id of [runA, runB]) if (!(await getRun(db, id))) throw new NotFound(`no run '${id}'`);
    const [baseline, candidate, cells] = await Promise.all([
      runResultSummaries(db, runA),
      runResultSummaries(db, runB),
      compareRuns(db, runA, runB),
    ]);
    const byCell = new Map(cells.map((c) => [c.cellId, c]));
    const rows = pairConfigurations(baseline, candidate, (r) => r.cellId).map((p) => ({
      baseline: p.baseline ?? null,
      candidate: p.candidate ?? null,
      comparison: p.baseline && p.candidate ? judged(byCell.get(p.key)) : null,
    }));
    const side = (id: string) => ({ kind: 'run' as const, id });
    return { method: 'judge' as const, baseline: side(runA), candidate: side(runB), model: null, rows };
  }
  const newest = async (hardwareClass: string) =>
    resultSummariesByIds(
      db,
      (await latestConfigurations(db, q.model!, { hardwareClass: [hardwareClass] })).map((c) => c.resultId),
    );
  const [baseline, candidate] = await Promise.all([newest(q.classA!), newest(q.classB!)]);
  const rows = pairConfigurations(baseline, candidate, configurationKey).map((p) => ({
    baseline: p.baseline ?? null,
    candidate: p.candidate ?? null,
    comparison: p.baseline && p.candidate ? compareFigures(p.baseline, p.candidate) : null,
  }));
  const side = (id: string) => ({ kind: 'hardwareClass' as const, id });
  return { method: 'intervals' as const, baseline: side(q.classA!), candidate: side(q.classB!), model: q.model!, rows };
}

export type LoadedComparison = Awaited<ReturnType<typeof loadComparison>>;
