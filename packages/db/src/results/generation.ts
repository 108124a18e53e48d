import type { CellResult } from '@ortfleet/core';
import type { results } from './table';

/** The generation columns of a decoder cell's row: the parameters always, the figures a ranking reads when it ran. */
export function generationValues(r: CellResult): Partial<typeof results.$inferInsert> {
  const params = r.params.generation;
  if (!params) return {};
  const g = r.measurement?.generation;
  return {
    generation: { params, ...(g ? { figures: g } : {}) },
    promptTokens: params.promptTokens,
    newTokens: params.newTokens,
    ttftP50Ms: g?.ttft.p50Ms,
    ttftP99Ms: g?.ttft.p99Ms,
    // A generation of one token has no decode step: no inter-token figure rather than a 0 that would rank first.
    itlP50Ms: g && g.newTokens > 1 ? g.itl.p50Ms : undefined,
    itlP99Ms: g && g.newTokens > 1 ? g.itl.p99Ms : undefined,
    decodeTokensPerS: g && g.newTokens > 1 ? g.decodeTokensPerS : undefined,
  };
}
