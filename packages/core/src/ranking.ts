import type { CellResult } from './types';

/** Ok results grouped by model, fastest (lowest p50, then highest throughput) first. */
export function rankByModel(results: readonly CellResult[]): Map<string, CellResult[]> {
  const byModel = new Map<string, CellResult[]>();
  for (const r of results) {
    if (r.status !== 'ok' || !r.measurement) continue;
    const list = byModel.get(r.params.model) ?? [];
    list.push(r);
    byModel.set(r.params.model, list);
  }
  for (const list of byModel.values())
    list.sort((a, b) => a.measurement!.stats.p50Ms - b.measurement!.stats.p50Ms || b.measurement!.throughput - a.measurement!.throughput);
  return byModel;
}
