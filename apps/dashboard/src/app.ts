import { OpenAPIHono } from '@hono/zod-openapi';
import { html } from 'hono/html';
import { HTTPException } from 'hono/http-exception';
import type { Logger, MetricMeter } from '@ortfleet/core';
import type { Db } from '@ortfleet/db';
import { apiRoutes } from './api';
import { protectPages } from './auth';
import { ApiError } from './errors';
import { layout } from './layout';
import { requestMetrics } from './metrics';
import { pageRoutes } from './pages';
import type { RunControl } from '@ortfleet/contracts';

/** What the dashboard runs on; tests give a database and leave out the rest. */
export interface DashboardDeps {
  db: Db;
  /** Temporal, for starting runs through the API and live progress; absent, the dashboard reads the database only. */
  runs?: RunControl;
  /** Where uploaded models are stored by content; absent, uploads are refused. */
  modelDir?: string;
  /** Whether reading (the API and the pages) needs a token too; writing always does. */
  readRequiresToken?: boolean;
  /** Where an unexpected error (a 500) is logged; absent, to the console. */
  logger?: Logger;
  /** Where request counts and durations are recorded; absent, they are not. */
  meter?: MetricMeter;
}

/** The dashboard: HTML pages for people, /api/v1 for programs, /api/openapi.json and /api/docs. */
export function createApp(deps: DashboardDeps): OpenAPIHono {
  const app = new OpenAPIHono();
  if (deps.meter) app.use('*', requestMetrics(deps.meter));

  app.onError((err, c) => {
    const wantsHtml = !c.req.path.startsWith('/api/') && (c.req.header('accept') ?? '').includes('text/html');
    let status: 400 | 401 | 403 | 404 | 409 | 413 | 500 | 503 = 500;
    let body = { code: 'internal', message: 'internal error' };
    if (err instanceof ApiError) [status, body] = [err.status as typeof status, { code: err.code, message: err.message }];
    else if (err instanceof HTTPException) [status, body] = [err.status as typeof status, { code: 'http_error', message: err.message }];
    else if (deps.logger) deps.logger.error(`${c.req.method} ${c.req.path} failed`, { err });
    else console.error(err);
    return wantsHtml ? c.html(errorPage(status, body.message), status) : c.json(body, status);
  });
  app.notFound((c) => c.json({ code: 'not_found', message: `no route ${c.req.method} ${c.req.path}` }, 404));

  if (deps.readRequiresToken) protectPages(app, deps.db);
  app.route('/', apiRoutes(deps));
  app.route('/', pageRoutes(deps));
  return app;
}

function errorPage(status: number, message: string) {
  return layout(`Error ${status}`, html`<p>${message}</p>`);
}
