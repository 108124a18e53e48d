import type { SeriesPoint } from '@ortfleet/core';
import type { listRunResults } from './queries';

type ResultRow = Awaited<ReturnType<typeof listRunResults>>[number];

/** A stored result as a point of its series, or undefined when it cannot be judged (not valid, no samples). */
export function seriesPoint(r: ResultRow, acceptedBaseline = false): SeriesPoint | undefined {
  if (!r.valid || r.p50Ms === null || !r.samplesMs?.length) return undefined;
  return {
    resultId: r.id,
    runId: r.runId,
    recordedAt: r.recordedAt.toISOString(),
    p50Ms: r.p50Ms,
    samplesMs: r.samplesMs,
    valid: r.valid,
    unstable: r.unstable,
    provenance: r.provenance,
    hardwareClass: r.hardwareClass,
    modelSha256: r.modelSha256,
    acceptedBaseline,
    interleavedControl: r.interleavedControl,
  };
}
