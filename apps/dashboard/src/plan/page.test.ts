import { beforeAll, describe, expect, it } from 'vitest';
import { leaderboardPages } from '../leaderboard/page';
import { recordServedModel } from '../testing/load-results';
import { charts, section, usePagesFixture } from '../testing/pages-fixture';
import { planPages } from './page';

const fx = usePagesFixture(planPages, leaderboardPages);
let ids: Record<string, number>;

beforeAll(async () => {
  ids = await recordServedModel(fx.database.db);
});

const PLAN = '/plan?model=served&qps=500&slo=p99%3C%3D30&prices=cpu-a:2,cpu-b:1';

/** The table rows of a section, each row's cells as text. */
function rows(html: string): string[][] {
  return [...html.matchAll(/<tr>(.*?)<\/tr>/g)]
    .slice(1)
    .map((row) => [...row[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((cell) => cell[1]!.replace(/<[^>]+>/g, '')));
}

describe('capacity plan page', () => {
  it('tables each class cheapest first, with its best result, machines and cost, and why the others have none', async () => {
    const body = await fx.page(PLAN);
    const plan = rows(section(body, 'Plan'));
    expect(plan.map((r) => r[0])).toEqual(['cpu-b', 'cpu-a', 'gpu-a', 'cpu-c']);
    expect(plan[0]!.slice(1, 6)).toEqual(['120.0', '6', '1.00', '6.00', '4,380.00']);
    expect(plan[1]!.slice(1, 6)).toEqual(['200.0', '4', '2.00', '8.00', '5,840.00']);
    expect(plan[1]![6]).toMatch(/^result \d+: cpu fp32, batch 1, 1 intra-op threads/);
    expect(plan[2]!.slice(1, 3)).toEqual(['1,000.0', '1']);
    expect(plan[2]![7]).toMatch(/no price for gpu-a/);
    expect(plan[3]!.slice(1, 7)).toEqual(['', '', '', '', '', '']);
    expect(plan[3]![7]).toContain('no capacity measured at p99&lt;=30 (measured at p99&lt;=50)');
    expect(section(body, 'Plan')).toContain(`href="/results/${ids['cpu-a/1']}"`);
    expect(section(body, 'Plan')).not.toContain(`href="/results/${ids['cpu-a/2']}"`);
    expect(body).toContain('href="/api/v1/plan?model=served&amp;qps=500');
    // The form keeps what was asked.
    expect(body).toContain('<option selected>served</option>');
    expect(body).toContain('<input name="qps" value="500"');
    expect(body).toContain('<input name="slo" value="p99&lt;=30"');
  });

  it("draws cost against capacity per priced class, and each class's latency curve with the SLO", async () => {
    const body = await fx.page(PLAN);
    expect(body).toContain('<script src="/assets/chart.umd.js"></script>');
    const found = charts(body);
    expect(Object.keys(found).sort()).toEqual(['chart-plan-cost', 'chart-plan-curves']);
    for (const [id, config] of Object.entries(found)) {
      expect(config.options.plugins.title.text, id).not.toBe('');
      expect(config.options.scales.x.title.text, id).toMatch(/\(requests\/s\)/);
      expect(config.options.scales.y.title.text, id).toMatch(/\((ms|price units per hour)\)/);
    }
    type Points = { label: string; data: { x: number; y: number }[] }[];
    const cost = found['chart-plan-cost']!.data.datasets as unknown as Points;
    expect(cost.map((d) => [d.label, d.data])).toEqual([
      ['cpu-b', [{ x: 120, y: 6 }]],
      ['cpu-a', [{ x: 200, y: 8 }]],
    ]);
    const curves = found['chart-plan-curves']!.data.datasets as unknown as Points;
    expect(curves.map((d) => d.label)).toEqual(['cpu-b', 'cpu-a', 'gpu-a', 'SLO p99<=30 ms']);
    // cpu-a's best configuration: p99 from arrival reaches the 30 ms bound at its 200 requests/s.
    const cpuA = curves[1]!.data;
    expect(cpuA.map((p) => p.x)).toEqual([...cpuA.map((p) => p.x)].sort((a, b) => a - b));
    expect(cpuA.find((p) => p.x === 200)!.y).toBe(30);
    expect(curves[3]!.data.map((p) => p.y)).toEqual([30, 30]);
  });

  it('is a form until the rate and the SLO are given, linked from capacity leaderboards', async () => {
    const empty = await fx.page('/plan');
    expect(empty).toContain('<form class="filters" method="get" action="/plan">');
    expect(empty).toContain('<option>served</option>');
    expect(empty).not.toContain('<h2>Plan');
    const partial = await fx.page('/plan?model=served&slo=p99%3C%3D30&prices=cpu-a%3A2');
    expect(partial).toContain('<input name="slo" value="p99&lt;=30"');
    expect(partial).not.toContain('<h2>Plan');

    const board = await fx.page('/leaderboard?model=served&objective=capacity&budget=p99%3C%3D30&prices=cpu-a:2');
    expect(board).toContain('href="/plan?model=served&amp;slo=p99%3C%3D30&amp;prices=cpu-a%3A2"');
    expect(await fx.page('/leaderboard?model=served&objective=p50')).not.toContain('href="/plan?');
    expect(board).toContain('<a href="/plan">Capacity plan</a>');
  });

  it('says when the model has no results, and answers bad parameters with a 400 page naming them', async () => {
    expect(await fx.page('/plan?model=nope&qps=5&slo=p99%3C%3D30')).toContain('no results of model &#39;nope&#39;');
    const cases: [string, string][] = [
      ['qps=5&slo=p99%3C%3D30', 'model'],
      ['model=served&qps=0&slo=p99%3C%3D30', 'qps'],
      ['model=served&qps=5&slo=fast', 'slo'],
      ['model=served&slo=p42', 'slo'],
      ['model=served&qps=5&slo=p99%3C%3D30&headroom=1', 'headroom'],
      ['model=served&qps=5&slo=p99%3C%3D30&prices=cpu-a', 'prices'],
    ];
    for (const [query, name] of cases)
      expect(await fx.page(`/plan?${query}`, 400)).toContain(`parameter &#39;${name}&#39;`);
    expect(await fx.page('/plan?model=served&colour=red', 400)).toContain('unknown parameter &#39;colour&#39;');
  });
});
