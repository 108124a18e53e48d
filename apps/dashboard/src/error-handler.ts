import type { Env, Hono, Schema } from 'hono';
import { html } from 'hono/html';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from '@ortfleet/core';
import { DashboardError, type ErrorKind } from './errors';
import { pageFrame } from './page-frame';

/** The one place an error's kind becomes an HTTP status. */
const STATUS: Record<ErrorKind, ContentfulStatusCode> = {
  invalid: 400,
  unauthorized: 401,
  not_found: 404,
  too_large: 413,
  unavailable: 503,
};

/**
 * Answers every error as `{code, message}` with its status, or as an error page to a browser asking for
 * HTML outside /api; an unexpected error is a 500 that says nothing of its cause and is logged (absent a
 * logger, to the console). A path no route answers is a 404 `not_found`.
 */
export function handleErrors<E extends Env>(app: Hono<E, Schema, string>, logger?: Logger): void {
  app.onError((err, c) => {
    const wantsHtml = !c.req.path.startsWith('/api/') && (c.req.header('accept') ?? '').includes('text/html');
    let status: ContentfulStatusCode = 500;
    let body = { code: 'internal', message: 'internal error' };
    if (err instanceof DashboardError) [status, body] = [STATUS[err.kind], { code: err.code, message: err.message }];
    else if (err instanceof HTTPException) {
      [status, body] = [err.status as ContentfulStatusCode, { code: 'http_error', message: err.message }];
    } else if (logger) logger.error(`${c.req.method} ${c.req.path} failed`, { err });
    else console.error(err);
    return wantsHtml ? c.html(errorPage(status, body.message), status) : c.json(body, status);
  });
  app.notFound((c) => c.json({ code: 'not_found', message: `no route ${c.req.method} ${c.req.path}` }, 404));
}

function errorPage(status: number, message: string) {
  return pageFrame(`Error ${status}`, html`<p>${message}</p>`);
}
