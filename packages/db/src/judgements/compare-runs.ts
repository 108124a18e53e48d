import {
  compareCapacity,
  describeConfiguration,
  type CapacityChange,
  judgeSeries,
  pairConfigurations,
  type Judgement,
  type JudgeOptionsInput,
} from '@ortfleet/core';
import type { Db } from '../client';
import { listControlNights, withControlOf } from '../controls/queries';
import { listRunResults } from '../results/queries';
import { seriesPoint } from '../results/series-point';

/** One cell of two runs, judged: the candidate run's result against the baseline run's. */
export interface CellComparison {
  cellId: string;
  label: string;
  baselineP50Ms: number | null;
  candidateP50Ms: number | null;
  judgement: Judgement | null;
  /** The open loop's capacity in both runs, when both measured it at the same SLO (shown, not judged). */
  capacity?: CapacityChange;
  /** Why the cell was not judged (missing in one run, not valid, no samples). */
  skipped?: string;
}

/**
 * Judges every cell the two runs share with the nightly rules (Mann–Whitney U on the samples, minimum effect,
 * bootstrap interval of the median ratio, environment drift, drift normalization by the agents' controls), the
 * baseline run standing in for the history.
 */
export async function compareRuns(
  db: Db,
  baselineRun: string,
  candidateRun: string,
  options: JudgeOptionsInput = {},
): Promise<CellComparison[]> {
  const [a, b, nights] = await Promise.all([
    listRunResults(db, baselineRun),
    listRunResults(db, candidateRun),
    listControlNights(db, { runIds: [baselineRun, candidateRun] }),
  ]);
  const withControl = withControlOf(nights);
  return pairConfigurations(a, b, (r) => r.cellId).map(({ key: cellId, baseline: base, candidate: cand }) => {
    const any = (cand ?? base)!;
    const label = `${any.model} on ${any.hardwareClass}: ${describeConfiguration({ ...any, generation: any.generation?.params })}`;
    const row = {
      cellId,
      label,
      baselineP50Ms: base?.p50Ms ?? null,
      candidateP50Ms: cand?.p50Ms ?? null,
      judgement: null,
    };
    if (!base || !cand) return { ...row, skipped: `only in the ${base ? 'baseline' : 'candidate'} run` };
    const capacity = compareCapacity(base, cand);
    if (capacity) Object.assign(row, { capacity });
    // The baseline run was chosen by whoever compares: it is the baseline even if its loop was flagged unstable.
    const basePoint = withControl(seriesPoint(base, true), base.agentId);
    const candPoint = withControl(seriesPoint(cand), cand.agentId);
    if (!basePoint || !candPoint) {
      const unusable = basePoint ? cand : base;
      return {
        ...row,
        skipped: `${basePoint ? 'candidate' : 'baseline'} result is ${unusable.status === 'ok' ? 'not valid or has no samples' : unusable.status}`,
      };
    }
    // One baseline result is the whole history here, so the history rules are relaxed to it.
    return {
      ...row,
      judgement: judgeSeries([basePoint], candPoint, { minHistory: 1, lookback: 1, consecutive: 1, ...options }),
    };
  });
}
