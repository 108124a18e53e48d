import type { MiddlewareHandler } from 'hono';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { authenticateApiToken, type Db } from '@ortfleet/db';
import { Unauthorized } from './errors';
import { joined } from './page-frame';

const COOKIE = 'ortfleet_token';

/** The token a request carries: `Authorization: Bearer <token>`, or the cookie a browser got from /login. */
function tokenOf(header: string | undefined, cookie: string | undefined): string | undefined {
  return /^Bearer\s+(\S{1,200})$/i.exec(header ?? '')?.[1] ?? (cookie && cookie.length <= 200 ? cookie : undefined);
}

/** Requires a live token from `ortfleet token create`, as a bearer header or the /login cookie. */
export function requireToken(db: Db): MiddlewareHandler {
  return async (c, next) => {
    const token = tokenOf(c.req.header('authorization'), getCookie(c, COOKIE));
    if (!token) {
      throw new Unauthorized(
        'this request needs an API token: Authorization: Bearer <token> (create one with `ortfleet token create NAME`)',
      );
    }
    if (!(await authenticateApiToken(db, token))) throw new Unauthorized('the API token is unknown or revoked');
    await next();
  };
}

/**
 * When reading needs a token, pages need one too: a browser without it is sent to /login, which keeps the
 * token in an HttpOnly cookie. Assets and /login itself stay open.
 */
export function protectPages(app: OpenAPIHono, db: Db): void {
  app.get('/login', (c) => c.html(loginPage(c.req.query('next'), false)));
  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    const next = safeNext(typeof form.next === 'string' ? form.next : undefined);
    if (!token || !(await authenticateApiToken(db, token))) return c.html(loginPage(next, true), 401);
    setCookie(c, COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/' });
    return c.redirect(next, 303);
  });
  app.use('*', async (c, next) => {
    const open = c.req.path.startsWith('/assets/') || c.req.path === '/login' || c.req.path.startsWith('/api/');
    if (open) return next();
    const token = tokenOf(c.req.header('authorization'), getCookie(c, COOKIE));
    if (token && (await authenticateApiToken(db, token))) return next();
    return c.redirect(`/login?next=${encodeURIComponent(c.req.path + (new URL(c.req.url).search ?? ''))}`, 303);
  });
}

/** Only a path on this server: never an open redirect. */
function safeNext(next: string | undefined): string {
  return next && /^\/(?!\/)/.test(next) ? next : '/';
}

function loginPage(next: string | undefined, failed: boolean) {
  const head = joined`
    <meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
    <title>ortfleet: sign in</title>
  `;
  const intro = html`<p>This dashboard needs an API token (<code>ortfleet token create NAME</code>).</p>`;
  const token = html`<input name="token" type="password" autocomplete="off" placeholder="ortf_…"
style="width:20rem;max-width:100%">`;
  const form = joined`
    <form method="post" action="/login"><input type="hidden" name="next" value="${safeNext(next)}">${token}
  `;
  return html`<!doctype html><html><head>${head}</head>
<body style="font:15px system-ui;margin:2rem"><h1>ortfleet</h1>${intro}
${failed ? html`<p style="color:#b00">That token is unknown or revoked.</p>` : ''}
${form} <button>Sign in</button></form></body></html>`;
}
