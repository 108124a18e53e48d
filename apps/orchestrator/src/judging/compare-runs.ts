import { judgeSeries, type Judgement, type JudgeOptionsInput } from '@ortfleet/core';
import { listRunResults, type Db } from '@ortfleet/db';
import { seriesPoint } from './series-point';

/** One cell of two runs, judged: the candidate run's result against the baseline run's. */
export interface CellComparison {
  cellId: string;
  label: string;
  baselineP50Ms: number | null;
  candidateP50Ms: number | null;
  judgement: Judgement | null;
  /** Why the cell was not judged (missing in one run, not valid, no samples). */
  skipped?: string;
}

/**
 * Judges every cell the two runs share with the nightly rules (Mann–Whitney U on the samples, minimum effect,
 * bootstrap interval of the median ratio, environment drift), the baseline run standing in for the history.
 */
export async function compareRuns(db: Db, baselineRun: string, candidateRun: string, options: JudgeOptionsInput = {}): Promise<CellComparison[]> {
  const [a, b] = await Promise.all([listRunResults(db, baselineRun), listRunResults(db, candidateRun)]);
  const byCell = new Map(a.map((r) => [r.cellId, r]));
  const cells = new Set([...a.map((r) => r.cellId), ...b.map((r) => r.cellId)]);
  const candidates = new Map(b.map((r) => [r.cellId, r]));
  return [...cells].sort().map((cellId) => {
    const base = byCell.get(cellId);
    const cand = candidates.get(cellId);
    const any = (cand ?? base)!;
    const label = `${any.model}/${any.hardwareClass}/${any.ep}/${any.precision}/b${any.batch}/t${any.intraOpThreads}/${any.graphOptimization}`;
    const row = { cellId, label, baselineP50Ms: base?.p50Ms ?? null, candidateP50Ms: cand?.p50Ms ?? null, judgement: null };
    if (!base || !cand) return { ...row, skipped: `only in the ${base ? 'baseline' : 'candidate'} run` };
    // The baseline run was chosen by whoever compares: it is the baseline even if its loop was flagged unstable.
    const [basePoint, candPoint] = [seriesPoint(base, true), seriesPoint(cand)];
    if (!basePoint || !candPoint) return { ...row, skipped: `${basePoint ? 'candidate' : 'baseline'} result is ${(basePoint ? cand : base).status === 'ok' ? 'not valid or has no samples' : (basePoint ? cand : base).status}` };
    // One baseline result is the whole history here, so the history rules are relaxed to it.
    return { ...row, judgement: judgeSeries([basePoint], candPoint, { minHistory: 1, lookback: 1, consecutive: 1, ...options }) };
  });
}
