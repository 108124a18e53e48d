import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { useApiFixture } from '../testing/api-fixture';
import { recordServedModel } from '../testing/load-results';
import { planApi } from './api';

const fx = useApiFixture(planApi);
let ids: Record<string, number>;

beforeAll(async () => {
  ids = await recordServedModel(fx.database.db);
});

/** What the test reads of the generated document. */
interface OpenApiDocument {
  paths: Record<
    string,
    {
      get: {
        parameters: { name: string; required: boolean; schema: Record<string, unknown> }[];
        responses: Record<string, unknown>;
      };
    }
  >;
  components: { schemas: Record<string, { properties: Record<string, unknown> }> };
}

const classes = (plans: { hardwareClass: string }[]) => plans.map((p) => p.hardwareClass);

describe('capacity plan API', () => {
  it("plans each class from its best configuration's capacity, cheapest first, with agents' prices", async () => {
    const { status, body } = await fx.get('/api/v1/plan?model=served&qps=500&slo=p99<=30');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      model: 'served',
      qps: 500,
      slo: { percentile: 99, boundMs: 30 },
      headroom: 0.3,
      configurations: 5,
      prices: { 'cpu-a': 2, 'cpu-b': 1 },
    });
    expect(body).not.toHaveProperty('why');
    // cpu-b: ceil(500 / (120 × 0.7)) = 6 machines at 1 an hour; cpu-a: ceil(500 / (200 × 0.7)) = 4 at 2.
    expect(classes(body.plans)).toEqual(['cpu-b', 'cpu-a', 'gpu-a', 'cpu-c']);
    const [cpuB, cpuA, gpuA, cpuC] = body.plans;
    expect(cpuB).toMatchObject({ capacityQps: 120, machines: 6, pricePerHour: 1, costPerHour: 6, costPerMonth: 4380 });
    expect(cpuA).toMatchObject({ capacityQps: 200, machines: 4, pricePerHour: 2, costPerHour: 8, costPerMonth: 5840 });
    // Of cpu-a's two configurations the one with more requests/s at the SLO, in full.
    expect(cpuA.best).toMatchObject({ id: ids['cpu-a/1'], batch: 1, slo: 'p99<=30', capacityQps: 200 });
    expect(gpuA).toMatchObject({ capacityQps: 1000, machines: 1, pricePerHour: null, costPerHour: null });
    expect(gpuA.why).toMatch(/no price for gpu-a/);
    expect(cpuC).toMatchObject({ capacityQps: null, machines: null, costPerHour: null });
    expect(cpuC).not.toHaveProperty('best');
    expect(cpuC.why).toMatch(/^no capacity measured at p99<=30 \(measured at p99<=50\)/);
  });

  it('takes prices from the query over the labels, and the headroom', async () => {
    const { body } = await fx.get('/api/v1/plan?model=served&qps=500&slo=p99<=30&headroom=0&prices=cpu-a:0.5,gpu-a=3');
    expect(body.prices).toEqual({ 'cpu-a': 0.5, 'cpu-b': 1, 'gpu-a': 3 });
    // No headroom: cpu-a ceil(500 / 200) = 3 × 0.5, gpu-a 1 × 3, cpu-b ceil(500 / 120) = 5 × 1.
    expect(classes(body.plans)).toEqual(['cpu-a', 'gpu-a', 'cpu-b', 'cpu-c']);
    expect(body.plans.map((p: { costPerHour: number | null }) => p.costPerHour)).toEqual([1.5, 3, 5, null]);
  });

  it('answers a model without results with an empty plan that says so', async () => {
    const { status, body } = await fx.get('/api/v1/plan?model=nope&qps=5&slo=p99<=30');
    expect(status).toBe(200);
    expect(body).toMatchObject({ model: 'nope', configurations: 0, plans: [], why: "no results of model 'nope'" });
  });

  it('answers each bad parameter with a 400 naming it', async () => {
    const ok = 'model=served&qps=500&slo=p99<=30';
    const cases: [string, RegExp][] = [
      ['qps=500&slo=p99<=30', /parameter 'model'/],
      ['model=a;b&qps=500&slo=p99<=30', /parameter 'model': expected a model name/],
      ['model=served&slo=p99<=30', /parameter 'qps'/],
      ['model=served&qps=0&slo=p99<=30', /parameter 'qps'/],
      ['model=served&qps=-3&slo=p99<=30', /parameter 'qps'/],
      ['model=served&qps=2e9&slo=p99<=30', /parameter 'qps'/],
      ['model=served&qps=many&slo=p99<=30', /parameter 'qps'/],
      ['model=served&qps=500', /parameter 'slo'/],
      ['model=served&qps=500&slo=p99<30', /parameter 'slo': "p99<30" is not a percentile bound/],
      ['model=served&qps=500&slo=p100<=30', /parameter 'slo': .*the percentile must be above 0 and below 100/],
      [`${ok}&headroom=1`, /parameter 'headroom'/],
      [`${ok}&headroom=-0.1`, /parameter 'headroom'/],
      [`${ok}&prices=cpu-a`, /parameter 'prices': expected hardwareClass=pricePerHour pairs/],
      [`${ok}&prices=cpu-a:-1`, /parameter 'prices': .*got 'cpu-a:-1'/],
      [`${ok}&colour=red`, /unknown parameter 'colour'/],
    ];
    for (const [query, message] of cases) {
      const { status, body } = await fx.get(`/api/v1/plan?${query}`);
      expect({ query, status }).toEqual({ query, status: 400 });
      expect(body).toEqual({ code: 'bad_parameter', message: expect.stringMatching(message) });
    }
  });

  it('is described in the OpenAPI document with its parameters and their limits', async () => {
    const doc = (await (await createApp(fx.deps).request('/api/openapi.json')).json()) as OpenApiDocument;
    const get = doc.paths['/api/v1/plan']!.get;
    const parameters = Object.fromEntries(get.parameters.map((p) => [p.name, { required: p.required, ...p.schema }]));
    expect(Object.keys(parameters)).toEqual(['model', 'qps', 'slo', 'headroom', 'prices']);
    expect(parameters.model).toMatchObject({ required: true, pattern: expect.any(String) });
    expect(parameters.qps).toMatchObject({ required: true, type: 'number', exclusiveMinimum: 0, maximum: 1e9 });
    expect(parameters.slo).toMatchObject({ required: true, type: 'string', maxLength: 40 });
    expect(parameters.headroom).toMatchObject({
      required: false,
      minimum: 0,
      exclusiveMaximum: 1,
      default: 0.3,
    });
    expect(parameters.prices).toMatchObject({ required: false, type: 'string' });
    expect(Object.keys(get.responses)).toEqual(['200', '400']);
    expect(doc.components.schemas.ClassPlan!.properties).toHaveProperty('machines');
  });
});
