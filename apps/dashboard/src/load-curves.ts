import { formatSlo, type LoadTrial, type Slo } from '@ortfleet/core';

/**
 * The open loop's latency against offered rate as Chart.js datasets, drawn by the plan (a curve per class)
 * and by the result page (a curve per figure).
 */

export interface Point {
  x: number;
  /** Null where the trial served nothing: the line breaks there. */
  y: number | null;
}

/** One figure of each trial against its offered rate, lowest rate first. */
export function curve(trials: readonly LoadTrial[], figure: (t: LoadTrial) => number | null | undefined): Point[] {
  return [...trials]
    .sort((a, b) => a.offeredQps - b.offeredQps)
    .map((t) => ({ x: t.offeredQps, y: figure(t) ?? null }));
}

/** A line through the points, in one colour. */
export function line(label: string, data: Point[], colour: string, dash?: number[]) {
  return {
    label,
    unit: 'ms',
    data,
    showLine: true,
    pointRadius: 3,
    borderColor: colour,
    backgroundColor: colour,
    borderWidth: 2,
    ...(dash && { borderDash: dash }),
  };
}

/** The SLO's bound, a dashed horizontal line across the offered rates. */
export function sloLine(slo: Slo, rates: number[]) {
  const data = [Math.min(...rates), Math.max(...rates)].map((x) => ({ x, y: slo.boundMs }));
  return { ...line(`SLO ${formatSlo(slo)} ms`, data, '#e15759', [6, 4]), pointRadius: 0 };
}
