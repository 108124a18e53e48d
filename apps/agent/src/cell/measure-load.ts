import {
  arrivalSchedule,
  parseSlo,
  searchStep,
  summarizeTrial,
  type LoadFigures,
  type LoadSpec,
  type LoadTrial,
} from '@ortfleet/core';
import type { OpenLoopServer, PlantedStall } from './open-loop';

/**
 * A cell's `load:` on a warmed-up open-loop server: each offered rate of `qps` in order, then, with `search`,
 * the peak-rate search starting from `estimate` (the closed loop's requests/s at the cell's concurrency).
 * Every trial offers the schedule of the spec's seed at its rate. The spec's rates run their whole schedule, so
 * that an overloaded one still shows its queue; the search's trials stop as soon as they cannot pass.
 */
export async function measureLoad(
  server: OpenLoopServer,
  servers: number,
  load: LoadSpec,
  estimate: number,
  onTrial: (trial: LoadTrial) => void = () => {},
  stall?: PlantedStall,
): Promise<LoadFigures> {
  const slo = load.slo ? parseSlo(load.slo) : null;
  const run = async (offeredQps: number, search: boolean) => {
    const arrivals = arrivalSchedule(offeredQps, load.durationMs, load.seed);
    const times = await server.trial(arrivals, load.durationMs, search ? slo : null, stall);
    const trial = summarizeTrial({ offeredQps, search, durationMs: load.durationMs, arrivals, slo, ...times });
    onTrial(trial);
    return trial;
  };
  const trials: LoadTrial[] = [];
  for (const qps of load.qps ?? []) trials.push(await run(qps, false));
  const figures: LoadFigures = { slo, servers, seed: load.seed, trials };
  if (!load.search) return figures;
  const searched: LoadTrial[] = [];
  for (;;) {
    const step = searchStep(searched, estimate);
    if ('peak' in step) return { ...figures, peak: step.peak };
    searched.push(await run(step.next, true));
    trials.push(searched.at(-1)!);
  }
}
