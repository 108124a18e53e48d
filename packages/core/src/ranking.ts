import type { CellResult } from './cell-result';

/**
 * Whether a result may be ranked: it ended ok with a measurement, and its outputs agree with the fp32 CPU
 * reference (or there was no reference to compare with). Outputs with NaN/Inf or drift fail parity.
 */
export function isRankable(r: CellResult): boolean {
  return r.status === 'ok' && r.measurement !== undefined && r.parity?.ok !== false;
}

/** Rankable results grouped by model, fastest (lowest p50, then highest throughput) first. */
export function rankByModel(results: readonly CellResult[]): Map<string, CellResult[]> {
  const byModel = new Map<string, CellResult[]>();
  for (const r of results) {
    if (!isRankable(r)) continue;
    const list = byModel.get(r.params.model) ?? [];
    list.push(r);
    byModel.set(r.params.model, list);
  }
  for (const list of byModel.values())
    list.sort(
      (a, b) =>
        a.measurement!.stats.p50Ms - b.measurement!.stats.p50Ms ||
        b.measurement!.throughput - a.measurement!.throughput,
    );
  return byModel;
}
