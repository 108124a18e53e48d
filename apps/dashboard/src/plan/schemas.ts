import { z } from '@hono/zod-openapi';
import { HOURS_PER_MONTH, parsePrices, parseSlo } from '@ortfleet/core';
import { NAME, parsed } from '../params';
import { ResultSummaryBody } from '../results/schemas';

/** Most requests/s a plan takes: far beyond any fleet, low enough that every figure stays exact. */
const MAX_QPS = 1e9;

export const PlanQuery = z
  .object({
    model: z
      .string()
      .regex(NAME, 'expected a model name')
      .openapi({ description: 'the model whose results the plan reads', example: 'ppocr-det' }),
    qps: z.coerce
      .number()
      .gt(0)
      .max(MAX_QPS)
      // A coerced number's limits do not reach the document on their own.
      .openapi({
        type: 'number',
        exclusiveMinimum: 0,
        maximum: MAX_QPS,
        description: `requests per second the fleet must serve: above 0, at most ${MAX_QPS}`,
        example: 500,
      }),
    slo: parsed(parseSlo, 40).openapi({
      description:
        "the latency bound the capacity was measured at: 'p99<=30' is 99% of requests within 30 ms of their " +
        "scheduled arrival; only capacities measured at exactly this SLO (a spec's load.slo) count",
      example: 'p99<=30',
    }),
    headroom: z.coerce.number().min(0).lt(1).default(0.3).openapi({
      type: 'number',
      minimum: 0,
      exclusiveMaximum: 1,
      default: 0.3,
      description: "share of each machine's capacity kept spare, from 0 to below 1: 0.3 runs machines at 70%",
      example: 0.3,
    }),
    // The CLI's parser, so `ortfleet plan --prices`, the leaderboard and this read prices the same.
    prices: parsed(parsePrices, 4000)
      .optional()
      .openapi({
        description:
          "price per hour per hardware class ('class:1.2,other:0.4' or 'class=1.2'); overrides agents' " +
          'price_per_hour label',
        example: 'amd-epyc-avx2-2c:0.1',
      }),
  })
  .strict();

const figure = z.number().nullable();

const ClassPlanBody = z
  .object({
    hardwareClass: z.string(),
    best: ResultSummaryBody.optional().openapi({
      description:
        "the class's configuration with the most requests/s at the SLO, of the newest result of each; absent when none has one",
    }),
    capacityQps: figure.openapi({
      description: 'requests/s one machine serves within the SLO (the best configuration)',
    }),
    machines: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'machines for the rate with the headroom: ceil(qps / (capacityQps × (1 − headroom)))' }),
    pricePerHour: figure.openapi({ description: "one machine's price per hour; null when the class has none" }),
    costPerHour: figure.openapi({ description: 'machines × pricePerHour' }),
    costPerMonth: figure.openapi({ description: `costPerHour × ${HOURS_PER_MONTH} hours` }),
    why: z
      .string()
      .optional()
      .openapi({ description: 'why the class has no plan (no capacity at the SLO) or no cost' }),
  })
  .openapi('ClassPlan');

export const PlanBody = z
  .object({
    model: z.string(),
    qps: z.number(),
    slo: z.object({ percentile: z.number(), boundMs: z.number() }),
    headroom: z.number(),
    prices: z
      .record(z.string(), z.number())
      .openapi({ description: "price per hour per hardware class: agents' labels, overridden by the query" }),
    configurations: z.number().int().openapi({ description: "the model's configurations (newest result of each)" }),
    plans: z.array(ClassPlanBody).openapi({
      description:
        'one per hardware class: those with a capacity at the SLO first, cheapest per hour first (unpriced ones after ' +
        'the priced, fewest machines first), then the classes without one, with why',
    }),
    why: z.string().optional().openapi({ description: 'why there is no plan at all: the model has no results' }),
  })
  .openapi('CapacityPlan');
