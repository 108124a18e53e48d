import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { html, raw } from 'hono/html';
import { getRun, listRunResults, listRuns, type Db } from '@ortfleet/db';

/** An API error: `{code, message}` with a 4xx status. */
export class ApiError extends HTTPException {
  constructor(status: 400 | 404, readonly code: string, message: string) {
    super(status, { message });
  }
}

const RUN_ID = /^[A-Za-z0-9._-]{1,200}$/;

function runIdParam(value: string): string {
  if (!RUN_ID.test(value)) throw new ApiError(400, 'bad_parameter', "parameter 'id' must be a run id (letters, digits, '.', '_', '-')");
  return value;
}

/** The dashboard app over one database; tests mount it directly with `app.request`. */
export function createApp(db: Db): Hono {
  const app = new Hono();

  app.onError((err, c) => {
    if (err instanceof ApiError) return c.json({ code: err.code, message: err.message }, err.status);
    if (err instanceof HTTPException) return c.json({ code: 'http_error', message: err.message }, err.status);
    console.error(err);
    return c.json({ code: 'internal', message: 'internal error' }, 500);
  });
  app.notFound((c) => c.json({ code: 'not_found', message: `no route ${c.req.method} ${c.req.path}` }, 404));

  app.get('/api/v1/runs', async (c) => {
    return c.json({ items: await listRuns(db) });
  });

  app.get('/api/v1/runs/:id', async (c) => {
    const run = await getRun(db, runIdParam(c.req.param('id')));
    if (!run) throw new ApiError(404, 'not_found', `no run '${c.req.param('id')}'`);
    return c.json(run);
  });

  app.get('/api/v1/runs/:id/results', async (c) => {
    const id = runIdParam(c.req.param('id'));
    if (!(await getRun(db, id))) throw new ApiError(404, 'not_found', `no run '${id}'`);
    return c.json({ items: await listRunResults(db, id) });
  });

  app.get('/', async (c) => {
    const rows = await listRuns(db);
    return c.html(page('ortfleet runs', html`<table><tr><th>run</th><th>name</th><th>status</th><th>started</th></tr>
      ${rows.map((r) => html`<tr><td><a href="/runs/${r.id}">${r.id}</a></td><td>${r.name}</td><td>${r.status}</td><td>${r.startedAt.toISOString()}</td></tr>`)}</table>`));
  });

  app.get('/runs/:id', async (c) => {
    const id = runIdParam(c.req.param('id'));
    const run = await getRun(db, id);
    if (!run) throw new ApiError(404, 'not_found', `no run '${id}'`);
    // Valid results first, fastest first: a cell that failed parity is shown, flagged, below them.
    const rows = (await listRunResults(db, id)).sort(
      (a, b) => a.model.localeCompare(b.model) || Number(b.valid) - Number(a.valid) || (a.p50Ms ?? Infinity) - (b.p50Ms ?? Infinity),
    );
    const flags = (r: (typeof rows)[number]) =>
      [r.status === 'ok' && !r.valid ? `parity failed: ${r.parity?.reason ?? ''}` : '', r.unstable ? 'unstable' : ''].filter(Boolean).join('; ');
    const ms = (v: number | null) => (v === null ? '' : v.toFixed(2));
    return c.html(page(`run ${run.id}`, html`<p>${run.name} · ${run.status}</p><table>
      <tr><th>model</th><th>hardware</th><th>ep</th><th>precision</th><th>batch</th><th>threads</th><th>opt</th><th>mode</th><th>status</th><th>p50 ms</th><th>p99 ms</th><th>items/s</th><th>flags</th><th>reason</th></tr>
      ${rows.map((r) => html`<tr><td>${r.model}</td><td>${r.hardwareClass}</td><td>${r.ep}</td><td>${r.precision}</td><td>${r.batch}</td><td>${r.intraOpThreads}</td><td>${r.graphOptimization}</td><td>${r.executionMode}${r.executionMode === 'parallel' ? `/${r.interOpThreads}` : ''}${r.memoryPattern ? '' : ' no-mempattern'}${r.cpuArena ? '' : ' no-arena'}</td><td>${r.status}</td><td>${ms(r.p50Ms)}</td><td>${ms(r.p99Ms)}</td><td>${r.throughput?.toFixed(1) ?? ''}</td><td>${flags(r)}</td><td>${r.reason ?? ''}</td></tr>`)}</table>`));
  });

  return app;
}

function page(title: string, body: unknown) {
  return html`<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title>
<style>${raw('body{font:14px system-ui;margin:1rem}table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}')}</style></head>
<body><h1>${title}</h1>${body}</body></html>`;
}
