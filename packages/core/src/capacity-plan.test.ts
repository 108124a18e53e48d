import { describe, expect, it } from 'vitest';
import { HOURS_PER_MONTH, parsePrices, planCapacity, type PlanFigures } from './capacity-plan';
import { parseSlo } from './load';

const row = (hardwareClass: string, over: Partial<PlanFigures> = {}): PlanFigures & { id: string } => ({
  id: `${hardwareClass}-${over.capacityQps ?? 'none'}`,
  hardwareClass,
  status: 'ok',
  valid: true,
  slo: 'p99<=30',
  capacityQps: 100,
  ...over,
});

describe('planCapacity', () => {
  it('picks each class its best configuration at the SLO and counts machines and cost with the headroom', () => {
    const plans = planCapacity(
      [
        row('gpu', { capacityQps: 900 }),
        row('cpu', { capacityQps: 120 }),
        row('cpu', { capacityQps: 80 }),
        row('cpu', { capacityQps: 400, slo: 'p99<=100' }),
        row('cpu', { capacityQps: 300, valid: false }),
        row('arm', { capacityQps: 60 }),
        row('old', { slo: 'p99<=100' }),
        row('slowpoke', { capacityQps: null }),
      ],
      { qps: 500, slo: parseSlo('p99<=30'), headroom: 0.3, prices: { gpu: 3, cpu: 0.2, old: 1 } },
    );
    expect(plans.map((p) => [p.hardwareClass, p.capacityQps, p.machines, p.costPerHour])).toEqual([
      // 500 / (120 × 0.7) = 5.95 → 6 machines at 0.2 an hour.
      ['cpu', 120, 6, 6 * 0.2],
      // 500 / (900 × 0.7) = 0.79 → 1 machine at 3 an hour.
      ['gpu', 900, 1, 3],
      // No price: after the priced, still with its machine count.
      ['arm', 60, 12, null],
      ['old', null, null, null],
      ['slowpoke', null, null, null],
    ]);
    expect(plans[0]!.costPerMonth).toBeCloseTo(6 * 0.2 * HOURS_PER_MONTH);
    expect(plans[0]!.best).toMatchObject({ capacityQps: 120 });
    expect(plans[2]!.why).toMatch(/no price for arm/);
    expect(plans[3]!.why).toBe(
      'no capacity measured at p99<=30 (measured at p99<=100): run a spec with load: { slo: p99<=30, search: true }',
    );
    expect(plans[4]!.why).toMatch(/^no configuration met p99<=30 at any offered rate/);
  });

  it('with no headroom, runs machines at full capacity', () => {
    const [plan] = planCapacity([row('cpu', { capacityQps: 100 })], {
      qps: 500,
      slo: parseSlo('p99<=30'),
      headroom: 0,
      prices: {},
    });
    expect(plan!.machines).toBe(5);
  });
});

describe('parsePrices', () => {
  it('reads class=price pairs and names a bad one', () => {
    expect(parsePrices('a=1.2,b-2:0.4')).toEqual({ a: 1.2, 'b-2': 0.4 });
    expect(() => parsePrices('a=1,b=-3')).toThrow("got 'b=-3'");
    expect(() => parsePrices('a')).toThrow(/hardwareClass=pricePerHour/);
  });
});
