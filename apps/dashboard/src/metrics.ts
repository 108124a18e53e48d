import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { createMetric, METRICS, type MetricMeter } from '@ortfleet/core';

/**
 * The route pattern that answered (`/api/v1/runs/:id`), never the path itself, so that the label stays a
 * small set; a request no route matched (only middleware ran) is `unmatched`.
 */
export function routeLabel(c: Context): string {
  const handler = matchedRoutes(c).findLast((r) => r.method !== 'ALL');
  return handler?.path ?? 'unmatched';
}

/** Counts and times every request by method, route pattern and status (see METRICS.httpRequests). */
export function requestMetrics(meter: MetricMeter): MiddlewareHandler {
  const requests = createMetric(meter, METRICS.httpRequests);
  const duration = createMetric(meter, METRICS.httpRequestDuration);
  return async (c, next) => {
    const start = performance.now();
    await next();
    const tags = { method: c.req.method, route: routeLabel(c) };
    requests.add(1, { ...tags, status: String(c.res.status) });
    duration.record((performance.now() - start) / 1000, tags);
  };
}
