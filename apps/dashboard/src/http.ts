import { OpenAPIHono, type z } from '@hono/zod-openapi';
import { badRequest } from './errors';

/** A JSON response entry of a route's OpenAPI description. */
export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** A router whose request validation failures become a 400 naming each bad parameter. */
export function apiRouter(): OpenAPIHono {
  return new OpenAPIHono({
    defaultHook: (result) => {
      if (!result.success) throw badRequest(result.error);
    },
  });
}
