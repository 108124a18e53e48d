import { type CellParams, type CellResult, type LoadFigures, type LoadTrial, type Slo } from '@ortfleet/core';
import { createRun, recordResult, runResultSummaries, type Db } from '@ortfleet/db';
import { measured } from './api-fixture';

/** The SLO the served model was measured at. */
export const SERVED_SLO: Slo = { percentile: 99, boundMs: 30 };

/**
 * Offered rates of a peak-rate search as multiples of the capacity, in the order such a search tries them:
 * the estimate, doubling past it, then bisecting down to the capacity within the search's 5%.
 */
const SEARCH = [0.8, 1.6, 1.2, 1, 1.1, 1.05];

/**
 * What a server of `capacity` requests/s at the SLO measures: one spec rate at half the capacity, then a
 * search whose peak is the capacity. Latency from arrival climbs to the bound at the capacity and steeply past
 * it, as requests queue; latency from dispatch (the run alone) stays flat.
 */
function loadFigures(capacity: number, slo: Slo): LoadFigures {
  const trials = [
    trial(capacity / 2, capacity, slo, false),
    ...SEARCH.map((m) => trial(m * capacity, capacity, slo, true)),
  ];
  const peak = { qps: capacity, bracket: [capacity, 1.05 * capacity] as [number, number], trials: SEARCH.length };
  return { slo, servers: 1, seed: 1, trials, peak };
}

function trial(offeredQps: number, capacity: number, slo: Slo, search: boolean): LoadTrial {
  const load = offeredQps / capacity;
  const p99 = slo.boundMs * (load <= 1 ? 0.5 + 0.5 * load : 1 + 4 * (load - 1));
  const p50 = p99 / 3;
  const latency = (p50Ms: number, p99Ms: number) => ({ p50Ms, p90Ms: (p50Ms + p99Ms) / 2, p99Ms, maxMs: p99Ms * 1.2 });
  const requests = Math.round(offeredQps * 2);
  return {
    offeredQps,
    search,
    durationMs: 2000,
    requests,
    offered: requests,
    served: requests,
    unserved: 0,
    achievedQps: Math.min(offeredQps, capacity * 1.02),
    fromArrival: latency(p50, p99),
    fromDispatch: latency(slo.boundMs / 6, slo.boundMs / 2),
    queueDepth: { mean: load, max: Math.ceil(3 * load) },
    sloLatencyMs: p99,
    pass: p99 <= slo.boundMs,
    slices: Array.from({ length: 10 }, (_, k) => ({
      startMs: k * 200,
      served: requests / 10,
      arrivalP50Ms: p50,
      dispatchP50Ms: slo.boundMs / 6,
    })),
    ...(load > 1.5 && { note: 'stopped early: the queue only grew' }),
  };
}

/** An ok result of the timed loop at `p50` ms whose open loop served `capacity` requests/s at the SLO. */
export function loadResult(params: CellParams, capacity: number, slo: Slo = SERVED_SLO): CellResult {
  const result = measured(params, 1000 / capacity);
  result.measurement!.load = loadFigures(capacity, slo);
  return result;
}

/** The served model's configurations: what a capacity plan reads. */
const SERVED: { hardwareClass: string; batch: number; capacity: number; slo?: Slo }[] = [
  { hardwareClass: 'cpu-a', batch: 1, capacity: 200 },
  { hardwareClass: 'cpu-a', batch: 2, capacity: 150 },
  { hardwareClass: 'cpu-b', batch: 1, capacity: 120 },
  { hardwareClass: 'gpu-a', batch: 1, capacity: 1000 },
  { hardwareClass: 'cpu-c', batch: 1, capacity: 300, slo: { percentile: 99, boundMs: 50 } },
];

/**
 * Records run `served-run` of model `served`, measured with an open loop at p99<=30 on cpu-a (200 requests/s
 * at batch 1, 150 at batch 2), cpu-b (120) and gpu-a (1,000), and at p99<=50 only on cpu-c. Returns the result
 * ids by `class/batch`.
 */
export async function recordServedModel(db: Db): Promise<Record<string, number>> {
  await createRun(db, { id: 'served-run', name: 'served', spec: {} });
  const ids: Record<string, number> = {};
  for (const s of SERVED) {
    const params: CellParams = {
      model: 'served',
      hardwareClass: s.hardwareClass,
      ep: 'cpu',
      precision: 'fp32',
      batch: s.batch,
      graphOptimization: 'all',
      intraOpThreads: 1,
      interOpThreads: 0,
      executionMode: 'sequential',
      memoryPattern: true,
      cpuArena: true,
    };
    await recordResult(db, 'served-run', loadResult(params, s.capacity, s.slo));
  }
  for (const r of await runResultSummaries(db, 'served-run')) ids[`${r.hardwareClass}/${r.batch}`] = r.id;
  return ids;
}
