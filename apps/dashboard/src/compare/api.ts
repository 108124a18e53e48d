import { createRoute, z } from '@hono/zod-openapi';
import type { DashboardDeps } from '../app';
import { apiRouter, badParameter, json } from '../http';
import { CompareQuery, ErrorBody, ResultSummaryBody } from '../schemas';
import { loadComparison } from './load';

const Side = z.object({ kind: z.enum(['run', 'hardwareClass']), id: z.string() });
const ComparisonBody = z
  .object({
    baseline: Side,
    candidate: Side,
    model: z.string().nullable(),
    rows: z.array(
      z.object({
        baseline: ResultSummaryBody.nullable(),
        candidate: ResultSummaryBody.nullable(),
        comparison: z
          .object({
            baselineP50Ms: z.number().nullable(),
            candidateP50Ms: z.number().nullable(),
            ratio: z.number().nullable().openapi({ description: 'candidate p50 / baseline p50' }),
            change: z.number().nullable(),
            significant: z.boolean().openapi({ description: "the medians' 95% confidence intervals do not overlap and the change is at least 2%" }),
            verdict: z.enum(['faster', 'slower', 'same', 'not comparable']),
            reason: z.string().optional(),
          })
          .nullable(),
      }),
    ),
  })
  .openapi('Comparison');

/** /api/v1/compare: two runs, or two hardware classes on one model. */
export function compareApi(deps: DashboardDeps) {
  const api = apiRouter();
  api.openapi(
    createRoute({ method: 'get', path: '/api/v1/compare', summary: 'Two runs (runA, runB) or two hardware classes on a model (model, classA, classB), side by side', tags: ['compare'], request: { query: CompareQuery }, responses: { 200: json(ComparisonBody, 'the comparison'), ...badParameter, 404: json(ErrorBody, 'no such run') } }),
    async (c) => c.json(await loadComparison(deps.db, c.req.valid('query')), 200),
  );
  return api;
}
