import { OpenAPIHono } from '@hono/zod-openapi';
import { apiRoutes } from './api';
import type { DashboardDeps, FeatureRouter } from './deps';
import { protectPages } from './auth';
import { handleErrors } from './error-handler';
import { requestMetrics } from './metrics';
import { pageRoutes } from './pages';

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
