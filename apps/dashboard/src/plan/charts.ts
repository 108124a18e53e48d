import type { LoadFigures } from '@ortfleet/core';
import type { Html } from '../page-frame';
import { axis, chart } from '../page-charts';
import { num } from '../format';
import { curve, line, sloLine } from '../load-curves';
import type { LoadedPlan } from './load';

/** One colour per hardware class, the same in both charts (Tableau 10). */
const COLOURS = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#9c755f', '#ff9da7', '#bab0ac'];

function colour(plan: LoadedPlan, hardwareClass: string): string {
  return COLOURS[plan.plans.findIndex((p) => p.hardwareClass === hardwareClass) % COLOURS.length]!;
}

/** Each priced class as a point: what one machine serves against what the whole plan costs per hour. */
export function costChart(plan: LoadedPlan): Html | null {
  const priced = plan.plans.filter((p) => p.capacityQps !== null && p.costPerHour !== null);
  if (priced.length === 0) return null;
  return chart('chart-plan-cost', {
    type: 'scatter',
    data: {
      datasets: priced.map((p) => ({
        label: p.hardwareClass,
        unit: 'per hour',
        data: [{ x: p.capacityQps, y: p.costPerHour }],
        pointRadius: 6,
        backgroundColor: colour(plan, p.hardwareClass),
        borderColor: colour(plan, p.hardwareClass),
      })),
    },
    options: {
      plugins: {
        title: { display: true, text: `Cost of ${num(plan.qps, 1)} requests/s against each machine's capacity` },
      },
      scales: {
        x: axis('requests/s per machine at the SLO (requests/s)', { type: 'linear', beginAtZero: true }),
        y: axis('cost of the plan (price units per hour)', { type: 'linear', beginAtZero: true }),
      },
    },
  });
}

/**
 * Each class's best configuration's p99 from arrival at every offered rate of its open loop, with the SLO's
 * bound: where a curve crosses the bound is that class's capacity.
 */
export function curveChart(plan: LoadedPlan, loads: Map<string, LoadFigures>): Html | null {
  const curves = plan.plans.flatMap((p) => {
    const load = loads.get(p.hardwareClass);
    return load ? [{ hardwareClass: p.hardwareClass, points: curve(load.trials, (t) => t.fromArrival?.p99Ms) }] : [];
  });
  if (curves.length === 0) return null;
  const rates = curves.flatMap((c) => c.points.map((p) => p.x));
  return chart('chart-plan-curves', {
    type: 'scatter',
    data: {
      datasets: [
        ...curves.map((c) => line(c.hardwareClass, c.points, colour(plan, c.hardwareClass))),
        sloLine(plan.slo, rates),
      ],
    },
    options: {
      plugins: { title: { display: true, text: "Latency against offered rate, each class's best configuration" } },
      scales: {
        x: axis('offered rate (requests/s)', { type: 'linear', beginAtZero: true }),
        // Past the knee latency grows by orders of magnitude; a log axis keeps the part below the bound readable.
        y: axis('p99 latency from arrival (ms)', { type: 'logarithmic' }),
      },
    },
  });
}
