import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { BadInputError } from '@ortfleet/core';
import { getRun, listRuns, runResultSummaries } from '@ortfleet/db';
import { badParameter, errorResponse } from '../api-errors';
import type { DashboardDeps } from '../deps';
import { requireToken } from '../auth';
import { InvalidRequest, NotFound, Unavailable } from '../errors';
import { apiRouter, json } from '../http';
import { ResultSummaryBody } from '../results/schemas';
import { loadProgress } from './progress';
import { ProgressBody, RunBody, RunIdParam, RunsQuery, StartedBody, StartRunBody } from './schemas';

const errors = { ...badParameter, 404: errorResponse('no such run') };

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/runs',
  summary: 'Recent runs, newest first',
  tags: ['runs'],
  request: { query: RunsQuery },
  responses: { 200: json(z.object({ items: z.array(RunBody) }), 'runs'), ...badParameter },
});

const runRoute = createRoute({
  method: 'get',
  path: '/api/v1/runs/{id}',
  summary: 'One run, with its spec',
  tags: ['runs'],
  request: { params: RunIdParam },
  responses: { 200: json(RunBody.extend({ spec: z.unknown() }), 'the run'), ...errors },
});

const resultsRoute = createRoute({
  method: 'get',
  path: '/api/v1/runs/{id}/results',
  summary: "A run's results, in the order they were recorded",
  tags: ['runs'],
  request: { params: RunIdParam },
  responses: { 200: json(z.object({ items: z.array(ResultSummaryBody) }), 'results'), ...errors },
});

const progressRoute = createRoute({
  method: 'get',
  path: '/api/v1/runs/{id}/progress',
  summary: "A run's progress: recorded results by status and agent, and the cells running now",
  tags: ['runs'],
  request: { params: RunIdParam },
  responses: { 200: json(ProgressBody, 'progress'), ...errors },
});

const startRoute = createRoute({
  method: 'post',
  path: '/api/v1/runs',
  summary: 'Start a run from a spec (needs a token)',
  tags: ['runs'],
  security: [{ bearer: [] }],
  request: { body: { content: { 'application/json': { schema: StartRunBody } }, required: true } },
  responses: {
    202: json(StartedBody, 'started'),
    400: errorResponse('bad spec'),
    401: errorResponse('no or bad token'),
    503: errorResponse('no Temporal'),
  },
});

/** /api/v1/runs: list, one, its results, its progress, and starting one (token). */
export function runsApi(deps: DashboardDeps): OpenAPIHono {
  const api = apiRouter();
  api.openapi(listRoute, async (c) => c.json({ items: await listRuns(deps.db, c.req.valid('query').limit) }, 200));
  api.openapi(runRoute, async (c) => {
    const { id } = c.req.valid('param');
    const run = await getRun(deps.db, id);
    if (!run) throw new NotFound(`no run '${id}'`);
    return c.json(run, 200);
  });
  api.openapi(resultsRoute, async (c) => {
    const { id } = c.req.valid('param');
    if (!(await getRun(deps.db, id))) throw new NotFound(`no run '${id}'`);
    return c.json({ items: await runResultSummaries(deps.db, id) }, 200);
  });
  api.openapi(progressRoute, async (c) => c.json(await loadProgress(deps.db, c.req.valid('param').id, deps.runs), 200));
  api.use('/api/v1/runs', async (c, next) => (c.req.method === 'POST' ? requireToken(deps.db)(c, next) : next()));
  api.openapi(startRoute, async (c) => {
    if (!deps.runs) {
      throw new Unavailable(
        'no_temporal',
        'this server cannot start runs: start `ortfleet serve` with TEMPORAL_ADDRESS set',
      );
    }
    const body = c.req.valid('json');
    let runId: string;
    try {
      ({ runId } = await deps.runs.start(body.spec, body.runId));
    } catch (err) {
      if (err instanceof BadInputError) throw new InvalidRequest('bad_spec', err.message);
      throw err;
    }
    const links = { run: `/api/v1/runs/${runId}`, progress: `/api/v1/runs/${runId}/progress`, page: `/runs/${runId}` };
    return c.json({ runId, links }, 202);
  });
  return api;
}
