import { createRoute, z } from '@hono/zod-openapi';
import { BadInputError } from '@ortfleet/core';
import { getRun, listRuns, runResultSummaries } from '@ortfleet/db';
import type { DashboardDeps } from '../app';
import { requireToken } from '../auth';
import { ApiError } from '../errors';
import { apiRouter, badParameter, json } from '../http';
import { ErrorBody, ResultSummaryBody, RunBody, RunIdParam, RunsQuery, StartRunBody } from '../schemas';
import { loadProgress } from './progress';

const errors = { ...badParameter, 404: json(ErrorBody, 'no such run') };

const ProgressBody = z
  .object({
    runId: z.string(),
    status: z.string(),
    recorded: z.number().int().openapi({ description: 'results in the database' }),
    total: z.number().int().nullable().openapi({ description: 'cells in the run; null while running when Temporal is not reachable' }),
    byStatus: z.record(z.string(), z.number().int()),
    byAgent: z.record(z.string(), z.record(z.string(), z.number().int())),
    running: z
      .array(z.object({ cellId: z.string().nullable(), agentId: z.string().nullable(), phase: z.string().nullable(), attempt: z.number().int(), startedAt: z.string().nullable() }))
      .nullable()
      .openapi({ description: 'cells agents are on now, from Temporal; null when unknown' }),
    problems: z.array(z.string()).openapi({ description: 'what keeps a running run from going on (a workflow task failing, no worker, no agent), from Temporal; empty when it moves or is unknown' }),
  })
  .openapi('RunProgress');

/** /api/v1/runs: list, one, its results, its progress, and starting one (token). */
export function runsApi(deps: DashboardDeps) {
  const api = apiRouter();
  api.openapi(
    createRoute({ method: 'get', path: '/api/v1/runs', summary: 'Recent runs, newest first', tags: ['runs'], request: { query: RunsQuery }, responses: { 200: json(z.object({ items: z.array(RunBody) }), 'runs'), ...badParameter } }),
    async (c) => c.json({ items: await listRuns(deps.db, c.req.valid('query').limit) }, 200),
  );
  api.openapi(
    createRoute({ method: 'get', path: '/api/v1/runs/{id}', summary: 'One run, with its spec', tags: ['runs'], request: { params: RunIdParam }, responses: { 200: json(RunBody.extend({ spec: z.unknown() }), 'the run'), ...errors } }),
    async (c) => {
      const { id } = c.req.valid('param');
      const run = await getRun(deps.db, id);
      if (!run) throw new ApiError(404, 'not_found', `no run '${id}'`);
      return c.json(run, 200);
    },
  );
  api.openapi(
    createRoute({ method: 'get', path: '/api/v1/runs/{id}/results', summary: "A run's results, in the order they were recorded", tags: ['runs'], request: { params: RunIdParam }, responses: { 200: json(z.object({ items: z.array(ResultSummaryBody) }), 'results'), ...errors } }),
    async (c) => {
      const { id } = c.req.valid('param');
      if (!(await getRun(deps.db, id))) throw new ApiError(404, 'not_found', `no run '${id}'`);
      return c.json({ items: await runResultSummaries(deps.db, id) }, 200);
    },
  );
  api.openapi(
    createRoute({ method: 'get', path: '/api/v1/runs/{id}/progress', summary: "A run's progress: recorded results by status and agent, and the cells running now", tags: ['runs'], request: { params: RunIdParam }, responses: { 200: json(ProgressBody, 'progress'), ...errors } }),
    async (c) => c.json(await loadProgress(deps.db, c.req.valid('param').id, deps.runs), 200),
  );
  api.use('/api/v1/runs', async (c, next) => (c.req.method === 'POST' ? requireToken(deps.db)(c, next) : next()));
  api.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/runs',
      summary: 'Start a run from a spec (needs a token)',
      tags: ['runs'],
      security: [{ bearer: [] }],
      request: { body: { content: { 'application/json': { schema: StartRunBody } }, required: true } },
      responses: { 202: json(z.object({ runId: z.string(), links: z.object({ run: z.string(), progress: z.string(), page: z.string() }) }), 'started'), 400: json(ErrorBody, 'bad spec'), 401: json(ErrorBody, 'no or bad token'), 503: json(ErrorBody, 'no Temporal') },
    }),
    async (c) => {
      if (!deps.runs) throw new ApiError(503, 'no_temporal', 'this server cannot start runs: start `ortfleet serve` with TEMPORAL_ADDRESS set');
      const body = c.req.valid('json');
      let runId: string;
      try {
        ({ runId } = await deps.runs.start(body.spec, body.runId));
      } catch (err) {
        if (err instanceof BadInputError) throw new ApiError(400, 'bad_spec', err.message);
        throw err;
      }
      return c.json({ runId, links: { run: `/api/v1/runs/${runId}`, progress: `/api/v1/runs/${runId}/progress`, page: `/runs/${runId}` } }, 202);
    },
  );
  return api;
}
