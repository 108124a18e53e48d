import { z } from '@hono/zod-openapi';
import { BUDGET_METRICS, OBJECTIVES, parseBudget, parsePrices } from '@ortfleet/core';
import { filterFields, NAME, parsed } from '../params';
import { ResultSummaryBody } from '../results/schemas';

const Budget = parsed(parseBudget, 40)
  .optional()
  .openapi({
    description: `latency budget such as 'p99<=20' (ms; metrics ${BUDGET_METRICS.join(', ')})`,
    example: 'p99<=20',
  });

const Prices = parsed(parsePrices, 4000).optional().openapi({
  description:
    "price per hour per hardware class ('class:1.2,other:0.4' or 'class=1.2'); overrides agents' price_per_hour label",
  example: 'amd-epyc-avx2-2c:0.1',
});

export const LeaderboardQuery = z
  .object({
    model: z.string().regex(NAME, 'expected a model name').openapi({ example: 'ppocr-det' }),
    objective: z.enum(OBJECTIVES).default('p50').openapi({ description: 'what ranks the configurations' }),
    budget: Budget,
    prices: Prices,
    limit: z.coerce.number().int().min(1).max(1000).default(100).openapi({
      type: 'integer',
      description: 'how many ranked (and unranked) configurations to return in full; counts cover all',
    }),
    ...filterFields,
  })
  .strict();

const Ranked = z.object({
  rank: z.number().int(),
  score: z.number().openapi({
    description:
      "the objective's value (ms, items/s, items/J, price per 1M inferences, requests/s at the SLO or price per 1M requests)",
  }),
  meetsBudget: z.boolean().nullable(),
  result: ResultSummaryBody,
});

export const LeaderboardBody = z
  .object({
    model: z.string(),
    objective: z.enum(OBJECTIVES),
    budget: z.object({ metric: z.enum(BUDGET_METRICS), maxMs: z.number() }).nullable(),
    prices: z
      .record(z.string(), z.number())
      .openapi({ description: 'price per hour per hardware class used for cost' }),
    configurations: z.number().int().openapi({ description: 'configurations matching the filters' }),
    rankedTotal: z.number().int(),
    unrankedTotal: z.number().int(),
    unrankedByReason: z.record(z.string(), z.number().int()),
    ranked: z.array(Ranked).openapi({
      description:
        'the `limit` best configurations with the objective figure, best first; unstable ones are ranked and flagged',
    }),
    unranked: z.array(z.object({ why: z.string(), result: ResultSummaryBody })),
    recommendation: z.array(Ranked).openapi({
      description: 'per hardware class, the best stable configuration that passed parity and meets the budget',
    }),
  })
  .openapi('Leaderboard');

export const ModelsBody = z.object({
  items: z.array(z.object({ model: z.string(), configurations: z.number().int(), hardwareClasses: z.number().int() })),
});
