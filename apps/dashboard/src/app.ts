import { OpenAPIHono } from '@hono/zod-openapi';
import type { Env, Hono, Schema } from 'hono';
import type { Logger, MetricMeter } from '@ortfleet/core';
import type { Db } from '@ortfleet/db';
import type { RunControl } from '@ortfleet/contracts';
import { apiRoutes } from './api';
import { protectPages } from './auth';
import { handleErrors } from './error-handler';
import { requestMetrics } from './metrics';
import { pageRoutes } from './pages';

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

/** A feature's router factory: its API routes (`runsApi`) or its pages (`runsPages`). */
export type FeatureRouter = (deps: DashboardDeps) => Hono<Env, Schema, string>;

/** The dashboard: HTML pages for people, /api/v1 for programs, /api/openapi.json and /api/docs. */
export function createApp(deps: DashboardDeps): OpenAPIHono {
  const app = new OpenAPIHono();
  if (deps.meter) app.use('*', requestMetrics(deps.meter));
  handleErrors(app, deps.logger);
  if (deps.readRequiresToken) protectPages(app, deps.db);
  app.route('/', apiRoutes(deps));
  app.route('/', pageRoutes(deps));
  return app;
}

/**
 * Only the given features' routers, behind the same error handling as the whole app: what a test of one
 * feature mounts. No token checks, metrics, OpenAPI document or assets.
 */
export function createFeatureApp(deps: DashboardDeps, ...routers: FeatureRouter[]): OpenAPIHono {
  const app = new OpenAPIHono();
  handleErrors(app, deps.logger);
  for (const router of routers) app.route('/', router(deps));
  return app;
}
