import { createRoute, z } from '@hono/zod-openapi';
import { JUDGEMENT_VERDICTS } from '@ortfleet/core';
import { listJudgements } from '@ortfleet/db';
import type { DashboardDeps } from '../app';
import { apiRouter, badParameter, json } from '../http';
import { RegressionsQuery } from '../schemas';

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
    ratio: z.number().nullable().openapi({ description: 'p50 / median p50 of the baseline' }),
    intervalLow: z.number().nullable(),
    intervalHigh: z.number().nullable(),
    pValue: z.number().nullable(),
    baseline: z.object({ resultIds: z.array(z.number().int()), p50Ms: z.number(), from: z.string(), to: z.string() }).nullable(),
    drift: z.array(z.object({ field: z.string(), baseline: z.string().nullable(), now: z.string().nullable() })),
    reasons: z.array(z.string()),
    judgedAt: z.string(),
  })
  .openapi('Judgement');

/** /api/v1/regressions: how results were judged against their series, newest first. */
export function regressionsApi(deps: DashboardDeps) {
  const api = apiRouter();
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/regressions',
      summary: 'Judgements of results against their series history, newest first (default: regressions only)',
      tags: ['regressions'],
      request: { query: RegressionsQuery },
      responses: { 200: json(z.object({ items: z.array(JudgementBody) }), 'judgements'), ...badParameter },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json({ items: await listJudgements(deps.db, { verdict: q.verdict, model: q.model, hardwareClass: q.hardwareClass, runId: q.run, cellId: q.cell, limit: q.limit }) }, 200);
    },
  );
  return api;
}
