import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { stream } from 'hono/streaming';
import { exportResults, getResult, searchResults, type ResultFilter, type ResultSortField } from '@ortfleet/db';
import { badParameter, errorResponse } from '../api-errors';
import type { DashboardDeps } from '../deps';
import { NotFound } from '../errors';
import { apiRouter, json } from '../http';
import { csvHeader, csvRow } from './csv';
import { encodeCursor, ExportQuery, ResultDetailBody, ResultIdParam, ResultPage, ResultsQuery } from './schemas';

/** The query's filters as the database reads them. */
function filterOf(q: z.output<typeof ExportQuery> | z.output<typeof ResultsQuery>): ResultFilter {
  return {
    model: q.model,
    modelSha256: q.modelSha256,
    ep: q.ep,
    precision: q.precision,
    batch: q.batch,
    hardwareClass: q.hardwareClass,
    agentId: q.agent,
    status: q.status,
    runId: q.run,
    from: q.from,
    to: q.to,
  };
}

const searchRoute = createRoute({
  method: 'get',
  path: '/api/v1/results',
  summary: 'Results matching the filters, one page at a time',
  tags: ['results'],
  request: { query: ResultsQuery },
  responses: { 200: json(ResultPage, 'a page of results'), ...badParameter },
});

const exportRoute = createRoute({
  method: 'get',
  path: '/api/v1/results/export',
  summary: 'Every result matching the filters, streamed as CSV or JSON Lines',
  tags: ['results'],
  request: { query: ExportQuery },
  responses: {
    200: {
      description: 'the results',
      content: { 'text/csv': { schema: z.string() }, 'application/x-ndjson': { schema: z.string() } },
    },
    ...badParameter,
  },
});

const resultRoute = createRoute({
  method: 'get',
  path: '/api/v1/results/{id}',
  summary: 'One result with all its details',
  tags: ['results'],
  request: { params: ResultIdParam },
  responses: { 200: json(ResultDetailBody, 'the result'), ...badParameter, 404: errorResponse('no such result') },
});

/** /api/v1/results: filtered, sorted, cursor-paginated; one with its details; exports as CSV or JSON Lines. */
export function resultsApi(deps: DashboardDeps): OpenAPIHono {
  const api = apiRouter();
  api.openapi(searchRoute, async (c) => {
    const q = c.req.valid('query');
    const sort = {
      field: q.sort.replace(/^-/, '') as ResultSortField,
      direction: q.sort.startsWith('-') ? 'desc' : 'asc',
    } as const;
    const page = await searchResults(deps.db, filterOf(q), sort, { limit: q.limit, after: q.cursor });
    return c.json({ items: page.items, nextCursor: encodeCursor(page.next) }, 200);
  });
  api.openapi(exportRoute, (c) => {
    const q = c.req.valid('query');
    c.header('content-type', q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
    c.header('content-disposition', `attachment; filename="ortfleet-results.${q.format}"`);
    return stream(c, async (out) => {
      if (q.format === 'csv') await out.write(csvHeader());
      let chunk = '';
      for await (const row of exportResults(deps.db, filterOf(q))) {
        chunk += q.format === 'csv' ? csvRow(row) : `${JSON.stringify(row)}\n`;
        if (chunk.length > 64_000) {
          await out.write(chunk);
          chunk = '';
        }
      }
      await out.write(chunk);
    });
  });
  api.openapi(resultRoute, async (c) => {
    const { id } = c.req.valid('param');
    const row = await getResult(deps.db, id);
    if (!row) throw new NotFound(`no result ${id}`);
    return c.json(row, 200);
  });
  return api;
}
