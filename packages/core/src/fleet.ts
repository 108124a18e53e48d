/** The fleet as a run sees it: hardware classes, their EPs and their live agents. */
import type { EpAvailability } from './agent';

/** A hardware class as the workflow sees it when routing: which EPs it has and how many agents poll it. */
export interface FleetClass {
  hardwareClass: string;
  taskQueue: string;
  liveAgents: number;
  eps: EpAvailability[];
  /** Operator labels of each live agent of the class, which label targets match. */
  labels?: Record<string, string>[];
}

/** Every EP name available on at least one live class. */
export function fleetEps(fleet: FleetClass[]): string[] {
  const names = new Set<string>();
  for (const c of fleet) if (c.liveAgents > 0) for (const ep of c.eps) if (ep.available) names.add(ep.name);
  return [...names].sort();
}
