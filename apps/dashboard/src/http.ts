import { OpenAPIHono, type z } from '@hono/zod-openapi';
import { badRequest } from './errors';
import { ErrorBody } from './schemas';

/** A JSON response entry of a route's OpenAPI description. */
export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** The 400 every route with parameters can answer. */
export const badParameter = { 400: json(ErrorBody, 'a parameter is unknown or invalid; the message names it') };

/** A router whose request validation failures become a 400 naming each bad parameter. */
export function apiRouter(): OpenAPIHono {
  return new OpenAPIHono({
    defaultHook: (result) => {
      if (!result.success) throw badRequest(result.error);
    },
  });
}
