import { z } from '@hono/zod-openapi';
import { JUDGEMENT_VERDICTS } from '@ortfleet/core';
import { CellId, filterFields, list, resultFilterFields } from '../params';

export const RegressionsQuery = z
  .object({
    verdict: list(
      z.enum(JUDGEMENT_VERDICTS),
      `verdicts (${JUDGEMENT_VERDICTS.join(', ')}); default regression`,
      'regression,improvement',
    ).transform((v) => v ?? ['regression']),
    model: resultFilterFields.model,
    hardwareClass: filterFields.hardwareClass,
    run: resultFilterFields.run,
    cell: list(CellId, 'cell ids', 'e5da65169c3c8a18'),
    limit: z.coerce.number().int().min(1).max(1000).default(200).openapi({ type: 'integer' }),
  })
  .strict();

const JudgementBody = z
  .object({
    id: z.number().int(),
    resultId: z.number().int(),
    runId: z.string(),
    cellId: z.string(),
    model: z.string(),
    hardwareClass: z.string(),
    verdict: z.enum(JUDGEMENT_VERDICTS),
    confirmed: z.boolean().openapi({ description: 'the step has lasted the nights `judge.consecutive` asks for' }),
    ratio: z
      .number()
      .nullable()
      .openapi({ description: 'p50 / median p50 of the baseline; drift-normalized when controlRatio is set' }),
    controlSource: z.enum(['interleaved', 'night']).nullable().openapi({
      description:
        "With drift normalization, what the p50s were divided by: 'interleaved', the control run beside each cell in its process; 'night', its agent's control that night; null without normalization (docs/regressions.md)",
    }),
    rawRatio: z.number().nullable().openapi({
      description:
        "With drift normalization: the p50 ratio before dividing by the agents' controls (docs/regressions.md)",
    }),
    controlRatio: z.number().nullable().openapi({
      description:
        "With drift normalization: the agent's control p50 that night / the baseline nights' (above 1: the machine was slower)",
    }),
    intervalLow: z.number().nullable(),
    intervalHigh: z.number().nullable(),
    pValue: z.number().nullable(),
    baseline: z
      .object({ resultIds: z.array(z.number().int()), p50Ms: z.number(), from: z.string(), to: z.string() })
      .nullable(),
    drift: z.array(z.object({ field: z.string(), baseline: z.string().nullable(), now: z.string().nullable() })),
    reasons: z.array(z.string()),
    confirmation: z
      .object({
        outcome: z.enum(['confirmed', 'dismissed']),
        agentId: z.string().nullable(),
        previousSha256: z.string().describe('The previous model file (A); the result measured the new one (B)'),
        pairs: z.array(z.object({ order: z.enum(['AB', 'BA']), aP50Ms: z.number(), bP50Ms: z.number() })),
        medianRatio: z.number().describe('Median over the pairs of B / A'),
        slower: z.int().describe('Pairs with B slower than A'),
        pValue: z.number().describe('Exact two-sided sign test'),
        minEffect: z.number().describe('The smallest |medianRatio − 1| that confirms'),
      })
      .nullable()
      .openapi({
        description: 'The same-night A/B confirmation of a new model file, when one ran (docs/regressions.md)',
      }),
    judgedAt: z.string(),
  })
  .openapi('Judgement');

export const JudgementsBody = z.object({ items: z.array(JudgementBody) });
