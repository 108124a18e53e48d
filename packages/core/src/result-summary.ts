import type { CellResult } from './cell-result';

/**
 * A result without its bulky details (histogram, timeline, profile nodes, model facts, provenance, per-output
 * parity), for the run summary that the workflow returns; the full result is in the database.
 */
export function compactResult(result: CellResult): CellResult {
  const { profile, parity, measurement } = result;
  const compact: CellResult = { ...result };
  delete compact.modelFacts;
  delete compact.provenance;
  if (parity) compact.parity = { ...parity, outputs: [] };
  if (profile) compact.profile = { ...profile, byOpType: profile.byOpType.slice(0, 5), topNodes: [] };
  if (measurement)
    compact.measurement = {
      ...measurement,
      histogram: { growth: measurement.histogram.growth, counts: {} },
      samplesMs: [],
    };
  return compact;
}
