import type { MiddlewareHandler } from 'hono';
import { authenticateApiToken, type Db } from '@ortfleet/db';
import { ApiError } from './errors';

/** Requires `Authorization: Bearer <token>` with a live token from `ortfleet token create`. */
export function requireToken(db: Db): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const token = /^Bearer\s+(\S{1,200})$/i.exec(header)?.[1];
    if (!token) throw new ApiError(401, 'unauthorized', 'this request needs an API token: Authorization: Bearer <token> (create one with `pnpm ortfleet token create NAME`)');
    if (!(await authenticateApiToken(db, token))) throw new ApiError(401, 'unauthorized', 'the API token is unknown or revoked');
    await next();
  };
}
