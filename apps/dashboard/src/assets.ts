import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import { etag } from 'hono/etag';

// chart.js exports no subpath for its UMD build, so find its dist folder through the package's main entry.
const chartDist = dirname(createRequire(import.meta.url).resolve('chart.js'));

/** Scripts the pages load, read once at start: nothing comes from a CDN, so the dashboard works offline. */
const ASSETS: Record<string, string> = {
  'chart.umd.js': readFileSync(join(chartDist, 'chart.umd.min.js'), 'utf8'),
  'charts.js': readFileSync(new URL('./charts.js', import.meta.url), 'utf8'),
};

/** /assets/chart.umd.js (Chart.js) and /assets/charts.js (draws the pages' charts). */
export function assetRoutes(): Hono {
  const app = new Hono();
  app.use('/assets/*', etag());
  app.get('/assets/:name', (c) => {
    const body = ASSETS[c.req.param('name')];
    if (body === undefined) return c.notFound();
    // An hour, then revalidated by ETag: a deploy shows new scripts soon without a versioned URL.
    return c.body(body, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=3600',
    });
  });
  return app;
}
