/**
 * A capacity plan: for a target request rate at an SLO, how many machines of each hardware class it takes and
 * what they cost, from each class's best configuration's requests/s at that SLO (the open loop's capacity).
 */
import { formatSlo, type Slo } from './load';

/** Hours in an average month (8,760 / 12), as cloud price lists count them. */
export const HOURS_PER_MONTH = 730;

export interface PlanRequest {
  /** Requests per second the fleet must serve. */
  qps: number;
  slo: Slo;
  /** Share of each machine's capacity kept spare, in [0, 1): 0.3 runs each machine at 70% of its capacity. */
  headroom: number;
  /** Price per hour by hardware class, in one currency. */
  prices: Record<string, number>;
}

/** What a configuration offers a plan: a subset of a latest_results row. */
export interface PlanFigures {
  hardwareClass: string;
  status: string;
  valid: boolean;
  slo?: string | null;
  capacityQps?: number | null;
}

export interface ClassPlan<T> {
  hardwareClass: string;
  /** The class's configuration with the most requests/s at the SLO; absent when it has none (see `why`). */
  best?: T;
  capacityQps: number | null;
  /** Machines for the target rate with the headroom: ceil(qps / (capacity × (1 − headroom))). */
  machines: number | null;
  pricePerHour: number | null;
  costPerHour: number | null;
  costPerMonth: number | null;
  /** Why the class has no plan, or no cost. */
  why?: string;
}

/**
 * One plan per hardware class: those with a capacity at the SLO first, cheapest per hour first (unpriced ones
 * after the priced, fewest machines first), then the classes without one, with the reason.
 */
export function planCapacity<T extends PlanFigures>(rows: readonly T[], request: PlanRequest): ClassPlan<T>[] {
  const slo = formatSlo(request.slo);
  const byClass = new Map<string, T[]>();
  for (const row of rows) {
    const list = byClass.get(row.hardwareClass);
    if (list) list.push(row);
    else byClass.set(row.hardwareClass, [row]);
  }
  const plans: ClassPlan<T>[] = [];
  for (const [hardwareClass, classRows] of byClass) {
    const price = Object.hasOwn(request.prices, hardwareClass) ? request.prices[hardwareClass]! : null;
    const none = (why: string): ClassPlan<T> => ({
      hardwareClass,
      capacityQps: null,
      machines: null,
      pricePerHour: price,
      costPerHour: null,
      costPerMonth: null,
      why,
    });
    const atSlo = classRows.filter((r) => r.slo === slo);
    // `unstable` flags the closed loop's windows, not the open loop's search: it does not void a capacity.
    const usable = atSlo.filter((r) => r.status === 'ok' && r.valid && (r.capacityQps ?? 0) > 0);
    if (usable.length === 0) {
      const others = [...new Set(classRows.map((r) => r.slo).filter((s): s is string => !!s && s !== slo))];
      plans.push(
        none(
          atSlo.length > 0
            ? `no configuration met ${slo} at any offered rate (or none was valid)`
            : `no capacity measured at ${slo}${others.length ? ` (measured at ${others.join(', ')})` : ''}: run a spec with load: { slo: ${slo}, search: true }`,
        ),
      );
      continue;
    }
    const best = usable.reduce((a, b) => (b.capacityQps! > a.capacityQps! ? b : a));
    const capacity = best.capacityQps!;
    const machines = Math.ceil(request.qps / (capacity * (1 - request.headroom)));
    plans.push({
      hardwareClass,
      best,
      capacityQps: capacity,
      machines,
      pricePerHour: price,
      costPerHour: price === null ? null : machines * price,
      costPerMonth: price === null ? null : machines * price * HOURS_PER_MONTH,
      ...(price === null && { why: `no price for ${hardwareClass}: give one with prices or the price_per_hour label` }),
    });
  }
  const rank = (p: ClassPlan<T>) => (p.machines === null ? 2 : p.costPerHour === null ? 1 : 0);
  return plans.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.costPerHour ?? 0) - (b.costPerHour ?? 0) ||
      (a.machines ?? 0) - (b.machines ?? 0) ||
      a.hardwareClass.localeCompare(b.hardwareClass),
  );
}

/** Reads "class=1.2,other=0.4" (or "class:1.2"): price per hour by hardware class. */
export function parsePrices(text: string): Record<string, number> {
  const prices: Record<string, number> = {};
  for (const pair of text.split(',')) {
    const m = /^\s*([a-z0-9][a-z0-9._-]*)\s*[=:]\s*(\d+(?:\.\d+)?|\.\d+)\s*$/.exec(pair);
    if (!m) throw new Error(`expected hardwareClass=pricePerHour pairs such as 'amd-epyc-avx2-2c=0.1', got '${pair}'`);
    prices[m[1]!] = Number(m[2]);
  }
  return prices;
}
